/** How the dashboard writes times, identities and due dates. Times are UTC, to the second. */

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** Keeps the first character of each part: `jane@example.com` → `j***@e***.com`, `+15551234567` → `+1***67`. */
export function maskIdentity(value: string): string {
  const email = /^([^@]+)@(.+?)(\.[^.]+)?$/.exec(value);
  if (email) return `${email[1]?.[0] ?? ''}***@${email[2]?.[0] ?? ''}***${email[3] ?? ''}`;
  return value.length > 6 ? `${value.slice(0, 2)}***${value.slice(-2)}` : '***';
}

export function maskedIdentities(identity: Record<string, string>): string {
  return Object.entries(identity)
    .map(([name, value]) => `${name}: ${maskIdentity(value)}`)
    .join(', ');
}

/** `12 days left`, `under a day left`, `3 days overdue`, or `—` for a request that needs no answer any more. */
export function timeLeft(daysLeft: number | null): string {
  if (daysLeft === null) return '—';
  if (daysLeft < 0) return `${-daysLeft} ${-daysLeft === 1 ? 'day' : 'days'} overdue`;
  if (daysLeft === 0) return 'under a day left';
  return `${daysLeft} ${daysLeft === 1 ? 'day' : 'days'} left`;
}

export const statusText = (status: string) => status.replace(/_/g, ' ');
