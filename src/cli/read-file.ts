import { readFileSync } from 'node:fs';
import { CliError, ExitCodes } from './exit-codes.ts';

/** A file named on the command line; one that cannot be read is a usage error naming it. */
export function readArgumentFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(ExitCodes.USAGE, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
