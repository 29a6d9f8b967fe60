import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_SETTINGS, type Settings } from '../../src/config/settings.ts';
import { Engine } from '../../src/engine.ts';
import { createApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/persistence/memory-store.ts';
import { API_KEY } from '../support/harness.ts';

/**
 * An engine whose clock the test moves, served over HTTP on a loopback port, so that due dates can pass without
 * waiting a month. Its timer sweep is not started: moving the clock fails no deadline.
 */

export interface ClockedEngine {
  url: string;
  engine: Engine;
  /** Moves the clock on by `days`. */
  advanceDays(days: number): void;
  close(): Promise<void>;
}

export async function startClockedEngine(start: Date, overrides: Partial<Settings> = {}): Promise<ClockedEngine> {
  let now = start.getTime();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const log = createLogger('silent');
  const settings = { ...DEFAULT_SETTINGS, apiKey: API_KEY, ...overrides };
  const engine = await Engine.create({ store: new MemoryStore(), settings, publicUrl: url, log, now: () => new Date(now) });
  server.on('request', createApp(engine, { callbackBodyLimitBytes: settings.callbackBodyLimitBytes, log }).callback());
  return {
    url,
    engine,
    advanceDays: (days) => (now += days * 86_400_000),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.stop();
    },
  };
}
