/** `npm run server`: the server alone, configured by the environment (API.md). */
import { configFromEnv } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './start-server.js';

const config = configFromEnv();
const logger = createLogger({ level: config.logLevel });

try {
  const server = await startServer(config, { logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  logger.fatal({ err: error }, 'could not start');
  process.exitCode = 1;
}
