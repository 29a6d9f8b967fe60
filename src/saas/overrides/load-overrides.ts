/**
 * Loads the overrides folder: every `.ts`, `.js` or `.mjs` module in it (not in sub-folders, not `.d.ts`), in name
 * order, each default-exporting a list of definitions (./definitions.ts), into the registry.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DsrflowError, ErrorCodes } from '../../errors.ts';
import { overrideRegistry, type OverrideRegistry } from './registry.ts';

const MODULE = /^(?!.*\.d\.ts$).*\.(ts|js|mjs)$/;

const failed = (message: string) => new DsrflowError(ErrorCodes.CONFIG_INVALID, `overrides_dir: ${message}`);

/** Returns the names registered. A folder that cannot be read, or a module that fails, is CONFIG_INVALID with the reason. */
export async function loadOverrides(dir: string, registry: OverrideRegistry = overrideRegistry): Promise<string[]> {
  const folder = resolve(dir);
  let files: string[];
  try {
    files = readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isFile() && MODULE.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (err) {
    throw failed(`${folder} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const names: string[] = [];
  for (const file of files) {
    let exported: unknown;
    try {
      exported = ((await import(pathToFileURL(join(folder, file)).href)) as { default?: unknown }).default;
    } catch (err) {
      throw failed(`${file} failed to load: ${(err as Error).message}`);
    }
    if (!Array.isArray(exported)) throw failed(`${file} must default-export a list of definitions`);
    for (const [i, definition] of exported.entries()) {
      try {
        registry.register(definition, file);
      } catch (err) {
        throw failed(`${file}[${i}]: ${(err as Error).message}`);
      }
      names.push((definition as { name: string }).name);
    }
  }
  return names;
}
