/**
 * Reads the final stage of the repository's Dockerfile (the image that runs),
 * so the image smoke test assembles and starts exactly what the image holds.
 * Handles the instructions that Dockerfile uses; anything else is reported.
 */
import { readFileSync } from 'node:fs';

/** One `COPY [--from=stage] source... destination` of the final stage. */
export interface DockerCopy {
  readonly from?: string;
  readonly sources: readonly string[];
  readonly destination: string;
}

/** What the runtime stage sets up: environment, files, user and the two commands (exec form). */
export interface RuntimeStage {
  readonly env: Readonly<Record<string, string>>;
  readonly workdir: string;
  readonly copies: readonly DockerCopy[];
  readonly user?: string;
  readonly healthcheck: readonly string[];
  readonly cmd: readonly string[];
}

/** Instructions with no effect on what the smoke test runs. */
const IGNORED = new Set(['EXPOSE', 'LABEL', 'ARG']);

/** An exec-form (JSON array) command; shell forms are refused so the test runs what Docker runs. */
function execForm(text: string, what: string): string[] {
  if (!text.startsWith('[')) throw new Error(`Dockerfile ${what} must use the exec form ["node", ...], got: ${text}`);
  return JSON.parse(text) as string[];
}

/** Parse the last stage of the Dockerfile at `path`. */
export function readRuntimeStage(path: string): RuntimeStage {
  const lines = readFileSync(path, 'utf8').replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const lastFrom = lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true);
  const stage = { env: {} as Record<string, string>, workdir: '/', copies: [] as DockerCopy[], user: undefined as string | undefined, healthcheck: [] as string[], cmd: [] as string[] };
  for (const line of lines.slice(lastFrom + 1)) {
    const [, instruction, rest] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    switch (instruction?.toUpperCase()) {
      case 'ENV':
        for (const [, key, value] of rest.matchAll(/(\w+)=("[^"]*"|\S*)/g)) stage.env[key] = value.replace(/^"|"$/g, '');
        break;
      case 'WORKDIR':
        stage.workdir = rest;
        break;
      case 'COPY': {
        const words = rest.split(/\s+/);
        const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
        const paths = words.filter((w) => !w.startsWith('--'));
        stage.copies.push({ from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' });
        break;
      }
      case 'USER':
        stage.user = rest;
        break;
      case 'HEALTHCHECK':
        stage.healthcheck = execForm(rest.replace(/^(--\S+\s+)*CMD\s+/, ''), 'HEALTHCHECK');
        break;
      case 'CMD':
        stage.cmd = execForm(rest, 'CMD');
        break;
      default:
        if (!IGNORED.has(instruction?.toUpperCase() ?? '')) throw new Error(`Dockerfile: the image smoke test does not know "${line}"`);
    }
  }
  return stage;
}
