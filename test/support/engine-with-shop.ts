import type { RunningServer } from '../../src/server.ts';
import type { AsyncShopOptions, AsyncShopService } from '../../fixtures/third-party/async-shop-service.ts';
import { EXAMPLE_ORDERS, EXAMPLE_USERS } from '../../fixtures/third-party/example-data.ts';
import { putShopConnection, startEngine, startShop, tempDir } from './harness.ts';

/**
 * For a suite that runs against an engine and the example shop: mocha hooks that start both before its tests (the
 * engine on a fresh LevelDB folder, the shop with the example people, registered as connection `shop`) and stop them
 * after. Read the fields inside hooks and tests, once `before` has run.
 */

export interface EngineWithShop {
  engine: RunningServer;
  shop: AsyncShopService;
  /** The suite's temporary folder (the engine's data is in it). */
  dir: string;
}

export function engineWithShop(shopOptions: Partial<AsyncShopOptions> = {}): EngineWithShop {
  const running = {} as EngineWithShop;
  let dir: ReturnType<typeof tempDir> | undefined;
  before(async function () {
    dir = tempDir();
    running.dir = dir.path;
    running.engine = await startEngine(dir.path);
    running.shop = await startShop({ users: EXAMPLE_USERS, orders: EXAMPLE_ORDERS, ...shopOptions });
    await putShopConnection(running.engine.url, running.shop);
  });
  after(async function () {
    await running.engine?.close();
    await running.shop?.close();
    dir?.remove();
  });
  return running;
}
