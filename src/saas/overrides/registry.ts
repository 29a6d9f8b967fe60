/**
 * The registry of request overrides and custom authentication strategies, by the names connector files use. Upstream
 * registers Python functions with a decorator; dsrflow loads TypeScript modules from the folder named by
 * `overrides_dir` (./load-overrides.ts). One registry serves the process, as upstream's factory does.
 */
import type { OverrideDefinition, RequestType } from './definitions.ts';

type RequestOverride = Exclude<OverrideDefinition, { kind: 'auth' }>;
type AuthStrategy = Extract<OverrideDefinition, { kind: 'auth' }>;

const KINDS = ['read', 'masking', 'test', 'auth'];
const MASKING_TYPES = ['update', 'delete', 'data_protection_request'];

export class OverrideRegistryError extends Error {
  override readonly name = 'OverrideRegistryError';
}

/** The request types a definition serves. */
function typesOf(definition: RequestOverride): RequestType[] {
  return definition.kind === 'masking' ? definition.types : [definition.kind];
}

function checkDefinition(value: unknown): OverrideDefinition {
  const definition = value as (Partial<OverrideDefinition> & { run?: unknown; authenticate?: unknown; types?: unknown }) | null;
  const invalid = (why: string) => new OverrideRegistryError(why);
  if (definition === null || typeof definition !== 'object' || !KINDS.includes(String(definition.kind))) {
    throw invalid('is not a definition made with readOverride, maskingOverride, testOverride or authStrategy');
  }
  if (typeof definition.name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(definition.name)) {
    throw invalid('needs a name of letters, digits, _, . or -');
  }
  const fn = definition.kind === 'auth' ? definition.authenticate : definition.run;
  if (typeof fn !== 'function') throw invalid(`'${definition.name}' has no function`);
  if (definition.kind === 'masking') {
    const types = definition.types;
    if (!Array.isArray(types) || types.length === 0 || !types.every((t) => MASKING_TYPES.includes(String(t)))) {
      throw invalid(`'${definition.name}' must name its types among ${MASKING_TYPES.join(', ')}`);
    }
  }
  return definition as OverrideDefinition;
}

export class OverrideRegistry {
  readonly #requests = new Map<string, { definition: RequestOverride; source: string }>();
  readonly #auth = new Map<string, { definition: AuthStrategy; source: string }>();

  /** Registers one definition from `source` (a file name, for messages). Registering the same one again is a no-op. */
  register(value: unknown, source: string): void {
    const definition = checkDefinition(value);
    const entries: Map<string, { definition: OverrideDefinition; source: string }> = definition.kind === 'auth' ? this.#auth : this.#requests;
    const what = definition.kind === 'auth' ? 'authentication strategy' : 'request_override';
    const known = entries.get(definition.name);
    if (known && known.definition !== definition) {
      throw new OverrideRegistryError(`${what} '${definition.name}' is defined in both ${known.source} and ${source}`);
    }
    entries.set(definition.name, { definition, source });
  }

  requestOverride(name: string): RequestOverride | undefined {
    return this.#requests.get(name)?.definition;
  }

  authStrategy(name: string): AuthStrategy | undefined {
    return this.#auth.get(name)?.definition;
  }

  /** Why `name` cannot serve a request of `type`, or undefined when it can. */
  refusal(name: string, type: RequestType): string | undefined {
    const definition = this.requestOverride(name);
    if (!definition) return `request_override '${name}' is not registered`;
    const types = typesOf(definition);
    return types.includes(type) ? undefined : `request_override '${name}' is registered for ${types.join(', ')} requests, not ${type}`;
  }
}

export const overrideRegistry = new OverrideRegistry();
