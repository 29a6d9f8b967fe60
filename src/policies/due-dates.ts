import type { PrivacyRequestRecord } from '../persistence/records.ts';
import type { Policy } from './policies.ts';

/**
 * Due dates: a privacy request must be answered within its policy's due days (default 30, the GDPR month) of its
 * submission. It stays open, and can become overdue, until it is complete; a request that ended in error still needs
 * an answer.
 */

const DAY_MS = 86_400_000;

export function dueDateFor(policy: Policy, submittedAt: Date, defaultDueDays: number): string {
  return new Date(submittedAt.getTime() + (policy.dueDays ?? defaultDueDays) * DAY_MS).toISOString();
}

/** Whole days until the due date, rounded down (negative once overdue); null for a complete request or one without. */
export function daysLeft(request: Pick<PrivacyRequestRecord, 'due_date' | 'status'>, now: Date): number | null {
  if (!request.due_date || request.status === 'complete') return null;
  return Math.floor((Date.parse(request.due_date) - now.getTime()) / DAY_MS);
}
