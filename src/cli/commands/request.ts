import { Option, type Command } from 'commander';
import { taskWaitLines } from '../../http/task-waits.ts';
import { PRIVACY_REQUEST_STATUSES } from '../../persistence/statuses.ts';
import { contextOf, type RequestView, type TaskView } from '../context.ts';
import { CliError, ExitCodes } from '../exit-codes.ts';
import { follow } from '../follow.ts';
import { nameValue, print, printJson, table, wholeNumber } from '../output.ts';

/** `dsrflow request submit|list|status|tasks|results|retry`. */

const path = (id: string, rest = '') => `/api/v1/privacy-request/${encodeURIComponent(id)}${rest}`;
const or = (value: string | number | null | undefined) => (value === null || value === undefined ? '-' : String(value));

function taskDetail(t: TaskView): string {
  return [
    ...taskWaitLines(t, (iso) => iso),
    t.retry_at ? `runs again at ${t.retry_at}` : '',
    t.error ?? '',
    t.skip_reason ?? '',
  ]
    .filter(Boolean)
    .join('; ');
}

interface SubmitOptions {
  email?: string;
  phoneNumber?: string;
  identity?: Record<string, string>;
  policy: string;
  follow?: boolean;
  interval: number;
}

async function submit(options: SubmitOptions, command: Command): Promise<void> {
  const { client, json } = contextOf(command);
  const identity = { ...options.identity, ...(options.email ? { email: options.email } : {}), ...(options.phoneNumber ? { phone_number: options.phoneNumber } : {}) };
  if (Object.keys(identity).length === 0) throw new CliError(ExitCodes.USAGE, 'give an identity: --email, --phone-number or --identity name=value');
  const result = await client.call<{ succeeded: RequestView[]; failed: { message: string }[] }>('POST', '/api/v1/privacy-request', [
    { identity, policy_key: options.policy },
  ]);
  const [failed] = result.failed;
  if (failed) throw new CliError(ExitCodes.REFUSED, `the privacy request was refused: ${failed.message}`);
  const created = result.succeeded[0] as RequestView;
  if (json) printJson(created);
  else print(created.id);
  if (!options.follow) return;
  const ended = await follow(client, created.id, options.interval);
  if (ended.status === 'error') throw new CliError(ExitCodes.REQUEST_FAILED, `${ended.id} ended in error: ${ended.error ?? 'see its tasks'}`);
}

async function list(options: { status?: string[]; overdue?: boolean; dueWithin?: number; limit?: number }, command: Command): Promise<void> {
  const { client, json } = contextOf(command);
  const query = new URLSearchParams();
  for (const status of options.status ?? []) query.append('status', status);
  if (options.overdue) query.set('overdue', 'true');
  if (options.dueWithin !== undefined) query.set('due_within_days', String(options.dueWithin));
  if (options.limit !== undefined) query.set('limit', String(options.limit));
  const answer = await client.call<{ total: number; items: RequestView[] }>('GET', `/api/v1/privacy-request?${query}`);
  if (json) return printJson(answer);
  print(table(['ID', 'STATUS', 'POLICY', 'CREATED', 'DUE', 'DAYS LEFT'], answer.items.map((r) => [r.id, r.status, r.policy_key, r.created_at, or(r.due_date), or(r.days_left)])));
  if (answer.total > answer.items.length) print(`(${answer.items.length} of ${answer.total}; --limit shows more)`);
}

async function status(id: string, _options: unknown, command: Command): Promise<void> {
  const { client, json } = contextOf(command);
  const r = await client.call<RequestView>('GET', path(id));
  if (json) return printJson(r);
  const lines: [string, string][] = [
    ['id', r.id],
    ['status', r.status],
    ['policy', r.policy_key],
    ['created', r.created_at],
    ['due', `${or(r.due_date)}${r.days_left === null ? '' : r.days_left < 0 ? ` (${-r.days_left} days overdue)` : ` (${r.days_left} days left)`}`],
    ['started', or(r.started_processing_at)],
    ['finished', or(r.finished_processing_at)],
    ...(r.error ? ([['error', r.error]] as [string, string][]) : []),
  ];
  print(lines.map(([k, v]) => `${`${k}:`.padEnd(10)}${v}`).join('\n'));
}

async function tasks(id: string, _options: unknown, command: Command): Promise<void> {
  const { client, json } = contextOf(command);
  const all = await client.call<TaskView[]>('GET', path(id, '/tasks'));
  if (json) return printJson(all);
  print(table(['TASK', 'ACTION', 'STATUS', 'DETAIL'], all.map((t) => [t.collection_address, t.action_type, t.status, taskDetail(t)])));
}

async function results(id: string, _options: unknown, command: Command): Promise<void> {
  const { client } = contextOf(command);
  printJson(await client.call('GET', path(id, '/access-results')));
}

async function retry(id: string, _options: unknown, command: Command): Promise<void> {
  const { client, json } = contextOf(command);
  const r = await client.call<RequestView>('POST', path(id, '/retry'));
  if (json) printJson(r);
  else print(`${r.id} ${r.status}: its failed tasks run again`);
}

export function addRequestCommands(program: Command): void {
  const request = program.command('request').description('submit privacy requests and follow them');
  request
    .command('submit')
    .description('submit a privacy request; prints its id')
    .option('--email <email>', 'the email identity')
    .option('--phone-number <phone>', 'the phone_number identity')
    .option('--identity <name=value>', 'any identity, repeatable', nameValue)
    .requiredOption('--policy <key>', 'the policy: default_access_policy or default_erasure_policy')
    .option('--follow', 'show a progress line until the request ends; exit 7 if it ends in error')
    .addOption(new Option('--interval <ms>', 'how often --follow checks').default(1000).argParser(wholeNumber))
    .action(submit);
  request
    .command('list')
    .description('list privacy requests, newest first')
    .addOption(new Option('--status <status...>', 'only these statuses').choices(PRIVACY_REQUEST_STATUSES))
    .option('--overdue', 'only open requests past their due date')
    .option('--due-within <days>', 'only open requests due within this many days', wholeNumber)
    .option('--limit <n>', 'at most this many (default 100)', wholeNumber)
    .action(list);
  request.command('status').description("a privacy request's status and due date").argument('<id>').action(status);
  request.command('tasks').description("a privacy request's tasks and what each waits for").argument('<id>').action(tasks);
  request.command('results').description('the access results, as JSON').argument('<id>').action(results);
  request.command('retry').description('run the failed tasks of an errored privacy request again').argument('<id>').action(retry);
}
