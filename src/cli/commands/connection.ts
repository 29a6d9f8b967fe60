import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { connectionView } from '../../http/views.ts';
import type { ConnectionTestResult } from '../../saas/connection-test.ts';
import { contextOf } from '../context.ts';
import { CliError, ExitCodes } from '../exit-codes.ts';
import { nameValue, print, printJson, table } from '../output.ts';
import { readArgumentFile } from '../read-file.ts';

/** `dsrflow connection put|list|delete|test`: the engine's registered connections. */

type ConnectionView = ReturnType<typeof connectionView>;

function secretsFile(path: string): Record<string, unknown> {
  const text = readArgumentFile(path);
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    // The parser's message goes on to draw the line; its first line says what is wrong and where.
    throw new CliError(ExitCodes.USAGE, `${path} is not valid YAML: ${(err as Error).message.split('\n')[0]!.replace(/:$/, '')}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CliError(ExitCodes.USAGE, `${path} must hold a mapping of secret names to values`);
  return parsed as Record<string, unknown>;
}

interface PutOptions {
  config: string;
  dataset: string;
  secret?: Record<string, string>;
  secretsFile?: string;
}

async function put(key: string, options: PutOptions, command: Command): Promise<void> {
  const { client, json } = contextOf(command);
  const body = {
    saas_config: readArgumentFile(options.config),
    dataset: readArgumentFile(options.dataset),
    secrets: { ...(options.secretsFile ? secretsFile(options.secretsFile) : {}), ...options.secret },
  };
  const existed = (await client.call<ConnectionView[]>('GET', '/api/v1/connection')).some((c) => c.key === key);
  const stored = await client.call<ConnectionView>('PUT', `/api/v1/connection/${encodeURIComponent(key)}`, body);
  if (json) printJson(stored);
  else print(`${existed ? 'replaced' : 'created'} connection ${stored.key}: ${stored.collections.join(', ')}`);
}

async function list(_options: unknown, command: Command): Promise<void> {
  const { client, json } = contextOf(command);
  const connections = await client.call<ConnectionView[]>('GET', '/api/v1/connection');
  if (json) return printJson(connections);
  print(table(['KEY', 'NAME', 'TYPE', 'COLLECTIONS'], connections.map((c) => [c.key, c.name, c.type, c.collections.join(', ')])));
}

async function remove(key: string, _options: unknown, command: Command): Promise<void> {
  const { client } = contextOf(command);
  await client.call('DELETE', `/api/v1/connection/${encodeURIComponent(key)}`);
  print(`deleted connection ${key}`);
}

async function test(key: string, _options: unknown, command: Command): Promise<void> {
  const { client, json } = contextOf(command);
  const result = await client.call<ConnectionTestResult>('GET', `/api/v1/connection/${encodeURIComponent(key)}/test`);
  if (json) printJson(result);
  if (result.test_status === 'failed') throw new CliError(ExitCodes.CONNECTION_TEST_FAILED, `connection ${key} failed its test: ${result.failure_reason}`);
  if (!json) print(`connection ${key} passed its test`);
}

export function addConnectionCommands(program: Command): void {
  const connection = program.command('connection').description("the engine's connections to third parties");
  connection
    .command('put')
    .description('validate and store a connection (created, or replaced)')
    .argument('<key>', 'the connection key; it replaces <instance_fides_key> in the files')
    .requiredOption('--config <file>', 'the SaaS config file')
    .requiredOption('--dataset <file>', 'the dataset file')
    .option('--secret <name=value>', 'a connector param value, repeatable (see --secrets-file)', nameValue)
    .option('--secrets-file <file>', 'a YAML mapping of connector param values; keeps secrets out of the process list')
    .action(put);
  connection.command('list').description('the registered connections, secrets left out').action(list);
  connection.command('delete').description('remove a connection').argument('<key>').action(remove);
  connection.command('test').description("send the connection's test request; exit 8 if the third party refuses it").argument('<key>').action(test);
}
