import { valuesAt } from '../graph/task-inputs.ts';
import type { Row } from '../persistence/records.ts';
import type { CollectionRequestContext } from './collection-context.ts';
import { isIgnored, jsonOf, SaasHttpError, toRows, type IncomingResponse } from './http-client.ts';
import { nextPage } from './pagination/index.ts';
import { readParamMaps, standardValues, type ParamMap } from './param-maps.ts';
import { lookupPath, substitute } from './placeholders.ts';
import { postprocess, type FilterValues } from './postprocessors/index.ts';
import { isFalsy } from './python-json.ts';
import { RequestBuildError, urlOf, type PreparedRequest } from './request-builder.ts';
import { readRequests } from './rules/walk-config.ts';
import type { ReadSaasRequest } from './types.ts';

/**
 * Runs the reads of one collection as upstream's `retrieve_data`: the reads that have an identity the privacy
 * request has (else all of them), nothing at all when a reference they need has no value, one request per
 * combination of inputs, each followed through its pages; the data at data_path goes through the postprocessors and
 * becomes rows, reshaped by an `output` template. A read with `async_config: {strategy: callback}` returns once its
 * requests were accepted; its rows arrive through the callback route.
 */

export type AccessOutcome = { kind: 'rows'; rows: Row[] } | { kind: 'awaiting'; requestsSent: number };

export type { CollectionRequestContext } from './collection-context.ts';

/** Upstream's `get_read_requests_by_identity`. */
function readsFor(reads: ReadSaasRequest[], identity: Record<string, string>): ReadSaasRequest[] {
  const matching = reads.filter((read) => read.param_values?.some((param) => param.identity && identity[param.identity]));
  return matching.length > 0 ? matching : reads;
}

function lacksReference(read: ReadSaasRequest, cx: CollectionRequestContext): boolean {
  return (read.param_values ?? []).some(
    (param) => param.references && (read.grouped_inputs?.includes(param.name) ? cx.groups.length === 0 : cx.inputs[param.name] === undefined),
  );
}

/** The values a read's filters compare with: identities, and the dataset references they name. */
async function filterValues(read: ReadSaasRequest, cx: CollectionRequestContext): Promise<FilterValues> {
  const references = new Map<string, unknown[]>();
  for (const postprocessor of read.postprocessors ?? []) {
    const value = (postprocessor.configuration as { value?: { dataset_reference?: string } } | undefined)?.value;
    const reference = typeof value === 'object' ? value?.dataset_reference : undefined;
    if (!reference || references.has(reference)) continue;
    const [dataset, collection, ...field] = reference.split('.');
    const rows = await cx.accessRows(`${dataset}:${collection}`);
    references.set(reference, rows.flatMap((row) => valuesAt(row, field.join('.'))));
  }
  return { identity: cx.privacyRequest.identity, reference: (reference) => references.get(reference) ?? [] };
}

function outputRow(output: string, values: ParamMap, label: string): Row {
  const { text } = substitute(output, values);
  try {
    return JSON.parse(text) as Row;
  } catch (err) {
    throw new Error(`${label}: failed to parse the output template as JSON once filled: ${(err as Error).message}`);
  }
}

/** The JSON of an answer; an error answer that was ignored counts as `{}`, as upstream has it. */
function answerJson(response: IncomingResponse, read: ReadSaasRequest, label: string): unknown {
  return response.status >= 400 && isIgnored(response.status, read.ignore_errors) ? {} : jsonOf(response, label);
}

/** Sends one read for one map of values, following its pages; returns its rows (none for an async read). */
async function sendRead(read: ReadSaasRequest, values: ParamMap, cx: CollectionRequestContext, label: string): Promise<Row[]> {
  let prepared: PreparedRequest | undefined;
  try {
    prepared = cx.client.prepare(read, values, label);
  } catch (err) {
    if (read.skip_missing_param_values && err instanceof RequestBuildError) return [];
    throw err;
  }
  const async = read.async_config?.strategy === 'callback';
  const filters = await filterValues(read, cx);
  const rows: Row[] = [];
  while (prepared) {
    const response = await cx.client.send(prepared, read);
    if (async) return [];
    const json = answerJson(response, read, label);
    const data = read.data_path ? lookupPath(json, read.data_path) : json;
    try {
      rows.push(...toRows(postprocess(data, read.postprocessors, filters), label));
    } catch (err) {
      throw err instanceof SaasHttpError ? err : new Error(`${label}: ${(err as Error).message}`);
    }
    const page = { response, json, data, empty: isFalsy(data), secrets: cx.connection.secrets };
    const next: PreparedRequest | undefined = read.pagination ? nextPage(prepared, read.pagination, page) : undefined;
    // A third party that hands back the page it was asked for would be asked for it forever.
    prepared = next && urlOf(next) !== urlOf(prepared) ? next : undefined;
  }
  return read.output ? rows.map((row) => outputRow(read.output as string, { ...values, all_object_fields: row }, label)) : rows;
}

async function runReadOverride(read: ReadSaasRequest, cx: CollectionRequestContext): Promise<Row[]> {
  const definition = cx.registry.requestOverride(read.request_override as string);
  if (definition?.kind !== 'read') throw new Error(`request_override '${read.request_override}' is not registered for read requests`);
  return definition.run({
    client: cx.client.forOverrides(),
    collection: { address: cx.address, name: cx.collection, fields: cx.node.fields },
    policy: cx.policy,
    privacyRequest: { id: cx.privacyRequest.id, identity: cx.privacyRequest.identity },
    inputs: cx.inputs,
    secrets: cx.connection.secrets,
  });
}

export async function runCollectionAccess(cx: CollectionRequestContext): Promise<AccessOutcome> {
  const reads = cx.node.endpoint ? readsFor(readRequests(cx.node.endpoint), cx.privacyRequest.identity) : [];
  if (reads.some((read) => lacksReference(read, cx))) return { kind: 'rows', rows: [] };
  const rows: Row[] = [];
  let requestsSent = 0;
  let replyTo: { url: string; token: string } | undefined;
  for (const [i, read] of reads.entries()) {
    // As upstream: an overridden read answers for the collection, and the reads after it are not sent.
    if (read.request_override) return { kind: 'rows', rows: await runReadOverride(read, cx) };
    const label = `the read request${reads.length > 1 ? ` ${i + 1}` : ''} of ${cx.address}`;
    const async = read.async_config?.strategy === 'callback';
    for (const map of readParamMaps(read, cx.inputs, cx.connection.secrets, cx.groups)) {
      if (async) replyTo ??= cx.replyTo();
      const values = { ...standardValues({ ...cx.standard, replyTo }), ...map };
      if (read.path === undefined) rows.push(outputRow(read.output as string, values, label));
      else rows.push(...(await sendRead(read, values, cx, label)));
      if (async) requestsSent++;
    }
  }
  return requestsSent > 0 ? { kind: 'awaiting', requestsSent } : { kind: 'rows', rows };
}
