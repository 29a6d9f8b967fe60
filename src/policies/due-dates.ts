import type { PrivacyRequestRecord } from '../persistence/records.ts';

/**
 * Due dates: a privacy request must be answered within its policy's due days (default 30, the GDPR month) of its
 * submission. It stays open, and can become overdue, until it is complete; a request that ended in error still needs
 * an answer.
 */

const DAY_MS = 86_400_000;

/** The `due_days` setting, and the policies that have their own (the `policies` block of the config file). */
export interface DueDays {
  default: number;
  byPolicy: Readonly<Record<string, number>>;
}

export function dueDateFor(policyKey: string, submittedAt: Date, dueDays: DueDays): string {
  const days = Object.hasOwn(dueDays.byPolicy, policyKey) ? dueDays.byPolicy[policyKey]! : dueDays.default;
  return new Date(submittedAt.getTime() + days * DAY_MS).toISOString();
}

/** Whole days until the due date, rounded down (negative once overdue); null for a complete request or one without. */
export function daysLeft(request: Pick<PrivacyRequestRecord, 'due_date' | 'status'>, now: Date): number | null {
  if (!request.due_date || request.status === 'complete') return null;
  return Math.floor((Date.parse(request.due_date) - now.getTime()) / DAY_MS);
}
