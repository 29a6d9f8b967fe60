import type { Command } from 'commander';
import { CliError, ExitCodes } from '../exit-codes.ts';
import { print } from '../output.ts';
import { readArgumentFile } from '../read-file.ts';

/** `dsrflow validate <config> [dataset]`: checks connector files here, without an engine, as the engine would. */

async function validate(configPath: string, datasetPath: string | undefined, options: { key: string }): Promise<void> {
  // Loaded here, not at the top: compiling the connector schemas takes half a second no other command should wait.
  const { validateConnection } = await import('../../saas/load-connection.ts');
  const { problems } = validateConnection({
    key: options.key,
    saasConfig: readArgumentFile(configPath),
    ...(datasetPath ? { dataset: readArgumentFile(datasetPath), datasetFile: datasetPath } : {}),
    configFile: configPath,
  });
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
    .action(validate);
}
