/**
 * What a collection task's requests are sent with, for access and erasure alike, gathered from the store: its inputs
 * (from identities and upstream rows), the privacy request and policy, and the connection's client.
 */
import { gatherInputs } from '../graph/task-inputs.ts';
import type { CollectionNode } from '../graph/collection-graph.ts';
import type { CustomPrivacyRequestField, PrivacyRequestRecord, Row, TaskRecord } from '../persistence/records.ts';
import type { Store } from '../persistence/store.ts';
import type { Policy } from '../policies/policies.ts';
import { storedTokens } from './auth/oauth-token-store.ts';
import { ConnectorClient } from './connector-client.ts';
import type { HttpLimits } from './http-client.ts';
import type { OutgoingObserver } from './outgoing-request.ts';
import { overrideRegistry, type OverrideRegistry } from './overrides/registry.ts';
import type { ParamMap, StandardValues } from './param-maps.ts';
import type { Connection } from './types.ts';

export interface CollectionRequestContext {
  connection: Connection;
  node: CollectionNode;
  /** The collection's name and `dataset:collection` address. */
  collection: string;
  address: string;
  /** Values of the param_values that identities and upstream rows fill, per param name. */
  inputs: Record<string, unknown[]>;
  /** For grouped_inputs: one map per upstream row. */
  groups: ParamMap[];
  privacyRequest: PrivacyRequestRecord;
  policy: Policy;
  standard: Omit<StandardValues, 'replyTo'>;
  /** Makes the reply-to values for an async request. */
  replyTo: () => { url: string; token: string };
  /**
   * The `Idempotency-Key` of the task's n-th request: the same on every attempt of that request, so a third party
   * can tell a request sent again after a crash or a retry from a new one.
   */
  idempotencyKey: (index: number) => string;
  limits?: HttpLimits;
  client: ConnectorClient;
  registry: OverrideRegistry;
  /** The access rows of another collection of the same privacy request (a filter's dataset_reference). */
  accessRows: (address: string) => Promise<Row[]>;
}

export interface CollectionContextOptions {
  store: Store;
  /** The access task whose inputs feed the requests (for an erasure task, the access task of its collection). */
  accessTask: TaskRecord | undefined;
  privacyRequest: PrivacyRequestRecord;
  connection: Connection;
  node: CollectionNode;
  policy: Policy;
  now: () => Date;
  replyTo: () => { url: string; token: string };
  idempotencyKey: (index: number) => string;
  limits?: HttpLimits;
  observe?: OutgoingObserver;
}

/** `<field_list>`: the collection's top-level fields that have a data type (object parents count as objects). */
function fieldList(node: CollectionNode): string {
  return node.fields.filter((field) => field.fides_meta?.data_type || field.fields).map((field) => field.name).join(',');
}

/** `<custom_privacy_request_fields.x>` is the value of field x; its label is for people. */
function customFieldValues(fields: Record<string, CustomPrivacyRequestField>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.value]));
}

export async function collectionContext(o: CollectionContextOptions): Promise<CollectionRequestContext> {
  const { store, privacyRequest: request } = o;
  const inputs = await gatherInputs(o.accessTask?.inputs ?? [], o.node, (id) => store.getTaskRows(id));
  return {
    connection: o.connection,
    node: o.node,
    collection: o.node.name,
    address: o.node.address,
    inputs: inputs.values,
    groups: inputs.groups,
    privacyRequest: request,
    policy: o.policy,
    standard: {
      privacyRequestId: request.id,
      now: o.now(),
      privacyRequest: {
        id: request.id,
        status: request.status,
        policy_key: request.policy_key,
        created_at: request.created_at,
        ...(request.location ? { location: request.location } : {}),
      },
      ...(request.custom_privacy_request_fields ? { customFields: customFieldValues(request.custom_privacy_request_fields) } : {}),
      fieldList: fieldList(o.node),
    },
    replyTo: o.replyTo,
    idempotencyKey: o.idempotencyKey,
    limits: o.limits,
    client: new ConnectorClient({
      connection: o.connection,
      registry: overrideRegistry,
      tokens: storedTokens(store, o.connection.key),
      limits: o.limits,
      now: o.now,
      idempotencyKey: o.idempotencyKey,
      observe: o.observe,
    }),
    registry: overrideRegistry,
    accessRows: async (address) => {
      const task = (await store.listTasks(request.id)).find((t) => t.action_type === 'access' && t.collection_address === address);
      return (task && (await store.getTaskRows(task.id))) ?? [];
    },
  };
}
