// Regenerates the option table in README.md and docs/configuration.md from the config schema (dist/).
import { readFileSync, writeFileSync } from 'node:fs';
import { CAPABILITIES } from '../dist/capabilities.js';
import { optionsTable, TABLE_BEGIN, TABLE_END } from '../dist/config/options-table.js';

const table = optionsTable(CAPABILITIES);
const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf(TABLE_BEGIN);
const end = readme.indexOf(TABLE_END);
if (start === -1 || end === -1) throw new Error('README.md lacks the options-table markers');
writeFileSync('README.md', readme.slice(0, start) + TABLE_BEGIN + '\n' + table + '\n' + readme.slice(end));
const docs = readFileSync('docs/configuration.md', 'utf8');
const tableStart = docs.indexOf('| Flag |');
const tableEnd = docs.indexOf('\n\n', tableStart);
if (tableStart === -1) throw new Error('docs/configuration.md lacks the option table');
writeFileSync('docs/configuration.md', docs.slice(0, tableStart) + table + (tableEnd === -1 ? '\n' : docs.slice(tableEnd)));
console.log('README.md and docs/configuration.md updated');
