import { request } from 'undici';
import { CliError, ExitCodes, type ExitCode } from './exit-codes.ts';

/** The CLI's way to a running engine: its HTTP API, with the engine's refusals turned into exit codes. */

interface ErrorBody {
  detail?: string;
  code?: string;
  errors?: { file: string; path: string; message: string }[];
}

function exitCodeFor(status: number): ExitCode {
  if (status === 401) return ExitCodes.AUTH;
  if (status === 404) return ExitCodes.NOT_FOUND;
  if (status >= 400 && status < 500) return ExitCodes.REFUSED;
  return ExitCodes.FAILED;
}

export class EngineClient {
  readonly #url: string;
  readonly #apiKey: string | undefined;

  constructor(url: string, apiKey: string | undefined) {
    if (!/^https?:\/\/[^/]+/.test(url)) throw new CliError(ExitCodes.USAGE, `--url '${url}' is not an http(s) URL`);
    this.#url = url.replace(/\/+$/, '');
    this.#apiKey = apiKey;
  }

  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    if (!this.#apiKey) throw new CliError(ExitCodes.AUTH, 'no API key: pass --api-key or set DSRFLOW_API_KEY');
    let response;
    try {
      response = await request(`${this.#url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.#apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      const cause = (err as { code?: string }).code ?? (err as Error).message;
      throw new CliError(ExitCodes.UNREACHABLE, `cannot reach the engine at ${this.#url}: ${cause}`);
    }
    const text = await response.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CliError(ExitCodes.FAILED, `the engine at ${this.#url} answered ${method} ${path} with ${response.statusCode} and a body that is not JSON`);
    }
    if (response.statusCode < 400) return parsed as T;
    const error = (parsed ?? {}) as ErrorBody;
    const problems = (error.errors ?? []).map((p) => `\n  ${p.file}: ${p.path}: ${p.message}`).join('');
    throw new CliError(exitCodeFor(response.statusCode), `${error.detail ?? `the engine answered ${response.statusCode}`} (${error.code ?? response.statusCode})${problems}`);
  }
}
