/**
 * `${VAR}` and `${VAR:-default}` in the string values of a parsed config file, so that secrets stay in the
 * environment. Substituting after parsing means a value can never change the file's YAML structure.
 */

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export class MissingVariableError extends Error {
  override readonly name = 'MissingVariableError';
  readonly path: string;

  constructor(path: string, variable: string) {
    super(`environment variable ${variable} is not set (write \${${variable}:-default} to give a default)`);
    this.path = path;
  }
}

function substituteString(value: string, env: NodeJS.ProcessEnv, path: string): string {
  return value.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (found !== undefined) return found;
    if (fallback !== undefined) return fallback;
    throw new MissingVariableError(path, name);
  });
}

export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string') return substituteString(value, env, path || '(root)');
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnv(item, env, path ? `${path}.${key}` : key)]),
    );
  }
  return value;
}
