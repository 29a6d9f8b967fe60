import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfiguredConnection, Settings } from './config/settings.ts';
import { Engine } from './engine.ts';
import { DsrflowError, ErrorCodes, isDsrflowError } from './errors.ts';
import { createApp } from './http/app.ts';
import { startingApp } from './http/starting-app.ts';
import { createLogger, type Logger } from './log.ts';
import { LevelStore } from './persistence/level-store.ts';
import type { Store } from './persistence/store.ts';

/**
 * Starts dsrflow as a user does: opens the LevelDB store in the data folder, listens, registers the connections of
 * the config file, and resumes whatever a previous process left unfinished. `npm start` and the tests both go
 * through here.
 */

export interface RunningServer {
  engine: Engine;
  /** The base URL the server listens at, e.g. http://127.0.0.1:8080 */
  url: string;
  log: Logger;
  /**
   * Stops listening, waits for running work and closes the store. With `waitForRunningWork: false` it stops as a crash
   * would, leaving running work to fail against the closed store: tests of recovery use it.
   */
  close(options?: { waitForRunningWork?: boolean }): Promise<void>;
}

export interface StartOptions {
  /** The engine's clock; tests move it to reach deadlines and retry times. */
  now?: () => Date;
}

/** Registers the config file's connections; one that is refused stops the start, named by its key. */
async function registerConnections(engine: Engine, connections: ConfiguredConnection[]): Promise<void> {
  for (const files of connections) {
    try {
      await engine.connections.put(files);
    } catch (err) {
      if (!isDsrflowError(err, ErrorCodes.CONNECTION_INVALID)) throw err;
      throw new DsrflowError(ErrorCodes.CONFIG_INVALID, `${err.message} (connection '${files.key}')`, { cause: err, details: err.details });
    }
  }
}

export async function startServer(
  settings: Settings,
  log: Logger = createLogger(settings.logLevel),
  options: StartOptions = {},
): Promise<RunningServer> {
  const store: Store = new LevelStore(settings.dataDir);
  await store.open();
  let server: Server | undefined;
  try {
    // Listening comes first (the port may be 0 and the public URL derives from it); until the engine is ready,
    // requests are answered 503 STARTING.
    let handle: RequestListener = startingApp().callback();
    server = createServer((req, res) => handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(settings.port, settings.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
    const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    const engine = await Engine.create({ store, settings, publicUrl: settings.publicUrl ?? url, log, now: options.now });
    await registerConnections(engine, settings.connections);
    handle = createApp(engine, { callbackBodyLimitBytes: settings.callbackBodyLimitBytes, log }).callback();
    await engine.start();
    const running = server;
    return {
      engine,
      url,
      log,
      async close({ waitForRunningWork = true } = {}) {
        await new Promise<void>((resolve) => {
          running.close(() => resolve());
          running.closeAllConnections();
        });
        await engine.stop({ waitForRunningWork });
        await store.close();
      },
    };
  } catch (err) {
    server?.close();
    await store.close();
    throw err;
  }
}
