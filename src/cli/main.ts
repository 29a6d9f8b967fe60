import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { addConnectionCommands } from './commands/connection.ts';
import { addRequestCommands } from './commands/request.ts';
import { addValidateCommand } from './commands/validate.ts';
import { CliError, ExitCodes } from './exit-codes.ts';

/**
 * `dsrflow`: serve the engine, validate connector files, and drive a running engine over its HTTP API. A failure is
 * one line on stderr (`dsrflow: ...`) and an exit code from ./exit-codes.ts.
 */

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('dsrflow')
  .description('privacy requests against SaaS systems, with durable async callbacks')
  .version(version)
  .addOption(new Option('--url <url>', "the engine's base URL").env('DSRFLOW_URL').default('http://127.0.0.1:8080'))
  .addOption(new Option('--api-key <key>', 'the API key (the variable keeps it out of the process list)').env('DSRFLOW_API_KEY'))
  .option('--json', "print the engine's JSON answers as they are")
  .exitOverride()
  .showHelpAfterError('(add --help for usage)');

program
  .command('serve')
  .description('run the engine (as npm start does), configured by dsrflow.yaml and DSRFLOW_* variables')
  .option('-c, --config <path>', 'the config file (default ./dsrflow.yaml when it exists)')
  // The engine is loaded only to serve: the commands that talk to one start faster without it.
  .action(async (options: { config?: string }) => (await import('./serve.ts')).serve(options.config));
// Subcommands made with program.command() inherit exitOverride, so every usage error ends in the catch below.
addValidateCommand(program);
addConnectionCommands(program);
addRequestCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has said what is wrong; help and --version end here too, with 0.
    process.exitCode = err.exitCode === 0 ? ExitCodes.OK : ExitCodes.USAGE;
  } else if (err instanceof CliError) {
    process.stderr.write(`dsrflow: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`dsrflow: unexpected failure: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = ExitCodes.FAILED;
  }
}
