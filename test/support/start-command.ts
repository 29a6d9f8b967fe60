import { readFileSync } from 'node:fs';

/**
 * The arguments `npm start` gives node (package.json's start script, `node <flags> --import tsx src/main.ts`), so that
 * a test or the benchmark starts the engine in a child process exactly as users do, with the same V8 flags.
 */
export function startArguments(): string[] {
  const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`the start script must run node, not '${command}'`);
  return args;
}
