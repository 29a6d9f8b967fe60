import type { Settings } from '../../src/config/settings.ts';
import type { Engine } from '../../src/engine.ts';
import { startEngine, tempDir } from '../support/harness.ts';

/**
 * An engine started as users start it (real server, LevelDB in a temporary folder) whose clock the test moves, so
 * that due dates can pass without waiting a month. Waiting tasks get a year before their deadline: moving the clock
 * by weeks fails none of them.
 */

export interface ClockedEngine {
  url: string;
  engine: Engine;
  /** Moves the clock on by `days`. */
  advanceDays(days: number): void;
  close(): Promise<void>;
}

const YEAR_MS = 365 * 86_400_000;

export async function startClockedEngine(start: Date, overrides: Partial<Settings> = {}): Promise<ClockedEngine> {
  let now = start.getTime();
  const dir = tempDir();
  const running = await startEngine(dir.path, { callbackTimeoutMs: YEAR_MS, ...overrides }, { now: () => new Date(now) });
  return {
    url: running.url,
    engine: running.engine,
    advanceDays: (days) => (now += days * 86_400_000),
    async close() {
      await running.close();
      dir.remove();
    },
  };
}
