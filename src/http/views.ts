import { retryBlockOf } from '../config/retry-override.ts';
import type { PrivacyRequestRecord, TaskRecord } from '../persistence/records.ts';
import type { Connection } from '../saas/types.ts';
import { daysLeft } from '../policies/due-dates.ts';
import { REDACTED } from '../saas/redact.ts';

/** What the API shows of stored records: fields listed one by one, secrets masked, internals left out. */

/** `now` is the engine's clock (`engine.now()`), which `days_left` counts from. */
export function privacyRequestView(r: PrivacyRequestRecord, now: Date) {
  return {
    id: r.id,
    status: r.status,
    policy_key: r.policy_key,
    created_at: r.created_at,
    due_date: r.due_date ?? null,
    days_left: daysLeft(r, now),
    started_processing_at: r.started_processing_at ?? null,
    finished_processing_at: r.finished_processing_at ?? null,
    ...(r.error ? { error: r.error } : {}),
  };
}

export function taskViews(tasks: TaskRecord[]) {
  const addresses = new Map(tasks.map((t) => [t.id, t.collection_address]));
  const address = (id: string) => addresses.get(id) ?? id;
  return tasks.map((t) => {
    const c = t.snapshot.context;
    return {
      id: t.id,
      collection_address: t.collection_address,
      action_type: t.action_type,
      status: t.snapshot.value,
      upstream_tasks: t.upstream.map(address),
      downstream_tasks: t.downstream.map(address),
      created_at: t.created_at,
      updated_at: t.updated_at,
      ...(t.action_type === 'erasure' && t.kind === 'collection' ? { rows_masked: c.rowsMasked ?? null } : {}),
      attempt: c.attempt ?? 0,
      ...(c.awaitingSince ? { awaiting_callback_since: c.awaitingSince } : {}),
      ...(c.deadline ? { deadline: c.deadline } : {}),
      ...(c.heartbeatDeadline ? { heartbeat_deadline: c.heartbeatDeadline } : {}),
      ...(c.lastHeartbeatAt ? { last_heartbeat_at: c.lastHeartbeatAt, progress: c.progress } : {}),
      ...(c.retryAt ? { retry_at: c.retryAt, last_error: c.lastError } : {}),
      ...(c.error ? { error: c.error } : {}),
      ...(c.skipReason ? { skip_reason: c.skipReason } : {}),
      ...(c.message ? { message: c.message } : {}),
    };
  });
}

export function connectionView(c: Connection) {
  const notSensitive = new Set(c.saas_config.connector_params.filter((p) => p.sensitive === false).map((p) => p.name));
  return {
    key: c.key,
    name: c.saas_config.name,
    type: c.saas_config.type,
    dataset: c.dataset.fides_key,
    collections: c.dataset.collections.map((col) => col.name),
    endpoints: c.saas_config.endpoints.map((e) => e.name),
    secrets: Object.fromEntries(Object.entries(c.secrets).map(([k, v]) => [k, notSensitive.has(k) ? v : REDACTED])),
    ...(c.retry ? { retry: retryBlockOf(c.retry) } : {}),
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}
