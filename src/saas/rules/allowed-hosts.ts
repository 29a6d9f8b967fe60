/**
 * Upstream's domain validation (`validate_value_against_allowed_list`): a host matches an allowed value as a whole,
 * case-insensitively, where `*` stands for letters, digits, `.`, `_` and `-`. An empty list allows any host.
 */
export function allowsHost(allowed: string[], host: string): boolean {
  if (allowed.length === 0) return true;
  return allowed.some((pattern) => {
    const source = pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[a-zA-Z0-9._-]+');
    return new RegExp(`^${source}$`, 'i').test(host);
  });
}
