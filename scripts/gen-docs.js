// Regenerates the option table in README.md and docs/configuration.md from the config schema (dist/).
import { readFileSync, writeFileSync } from 'node:fs';
import { optionsTable, TABLE_BEGIN, TABLE_END } from '../dist/config/options-table.js';

const table = optionsTable();
const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf(TABLE_BEGIN);
const end = readme.indexOf(TABLE_END);
if (start === -1 || end === -1) throw new Error('README.md lacks the options-table markers');
writeFileSync('README.md', readme.slice(0, start) + TABLE_BEGIN + '\n' + table + '\n' + readme.slice(end));
writeFileSync('docs/configuration.md', `# Configuration\n\nGenerated from \`src/config/cable-config.ts\` by \`npm run docs\`. Precedence: \`anycable.toml\` < env < CLI flags.\n\n${table}\n`);
console.log('README.md and docs/configuration.md updated');
