import type { Command } from 'commander';
import { isDsrflowError } from '../../errors.ts';
import type { OverrideRegistry } from '../../saas/overrides/registry.ts';
import { CliError, ExitCodes } from '../exit-codes.ts';
import { print } from '../output.ts';
import { readArgumentFile } from '../read-file.ts';

/**
 * `dsrflow validate <config> [dataset]`: checks connector files here, without an engine, as the engine would: with
 * the request overrides of `--overrides`, else of the config file's `overrides_dir` (found as `dsrflow serve` finds
 * it: `-c`, DSRFLOW_CONFIG, or ./dsrflow.yaml). Warnings go to stderr and do not change the exit code.
 */

interface ValidateOptions {
  key: string;
  config?: string;
  overrides?: string;
}

/** Loaded here, not at the top: compiling the connector schemas takes half a second no other command should wait. */
async function registryFor(options: ValidateOptions): Promise<OverrideRegistry> {
  const [{ loadOverridesDir }, { loadOverrides }, { OverrideRegistry }] = await Promise.all([
    import('../../config/settings.ts'),
    import('../../saas/overrides/load-overrides.ts'),
    import('../../saas/overrides/registry.ts'),
  ]);
  const registry = new OverrideRegistry();
  try {
    const dir = options.overrides ?? loadOverridesDir(process.env, options.config);
    if (dir) await loadOverrides(dir, registry);
  } catch (err) {
    if (isDsrflowError(err)) throw new CliError(ExitCodes.USAGE, err.message);
    throw err;
  }
  return registry;
}

async function validate(configPath: string, datasetPath: string | undefined, options: ValidateOptions): Promise<void> {
  const registry = await registryFor(options);
  const { validateConnection } = await import('../../saas/load-connection.ts');
  const { problems, warnings } = validateConnection(
    {
      key: options.key,
      saasConfig: readArgumentFile(configPath),
      ...(datasetPath ? { dataset: readArgumentFile(datasetPath), datasetFile: datasetPath } : {}),
      configFile: configPath,
    },
    registry,
  );
  for (const w of warnings) process.stderr.write(`dsrflow: warning: ${w.file}: ${w.path}: ${w.message}\n`);
  if (problems.length > 0) {
    const lines = problems.map((p) => `  ${p.file}: ${p.path}: ${p.message}`).join('\n');
    throw new CliError(ExitCodes.REFUSED, `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}:\n${lines}`);
  }
  print(`valid: ${[configPath, datasetPath].filter(Boolean).join(' and ')}`);
}

export function addValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a SaaS config file, and its dataset file, listing every problem (exit 6 if any)')
    .argument('<config>', 'the SaaS config file')
    .argument('[dataset]', 'the dataset file; without it, the config is checked alone')
    .option('--key <key>', 'the connection key that replaces <instance_fides_key>', 'connection')
    .option('--overrides <dir>', 'the folder of request overrides and authentication strategies (default: overrides_dir of the config file)')
    .option('-c, --config <path>', "dsrflow's config file, for its overrides_dir (default ./dsrflow.yaml when it exists)")
    .action(validate);
}
