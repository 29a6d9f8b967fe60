import { loadSettings } from '../config/settings.ts';
import { isDsrflowError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { startServer } from '../server.ts';

/**
 * `dsrflow serve` and `npm start`: dsrflow on an embedded LevelDB, configured by dsrflow.yaml and DSRFLOW_* variables.
 * It runs until SIGINT or SIGTERM, then stops cleanly (exit 0); a start that fails says why and exits 1.
 */
export async function serve(configPath: string | undefined): Promise<void> {
  try {
    const settings = loadSettings(process.env, configPath);
    const log = createLogger(settings.logLevel);
    const running = await startServer(settings, log);
    if (running.engine.generatedApiKey) {
      process.stdout.write(
        `\nA new API key was generated for this data folder. It is shown this once; keep it:\n\n  ${running.engine.generatedApiKey}\n\n` +
          `Send it as 'Authorization: Bearer <key>', or set DSRFLOW_API_KEY to choose your own.\n\n`,
      );
    }
    log.info({ url: running.url, data_dir: settings.dataDir, connections: settings.connections.map((c) => c.key) }, 'dsrflow is listening');
    const stop = async (signal: string) => {
      log.info({ signal }, 'dsrflow is stopping');
      await running.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  } catch (err) {
    process.stderr.write(`dsrflow could not start: ${isDsrflowError(err) ? err.message : (err as Error).stack}\n`);
    process.exit(1);
  }
}
