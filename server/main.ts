/**
 * `npm run server`: the server alone, configured by the environment (docs/api.md).
 * `--demo` (used by `npm start`): the same server, with demo accounts and data
 * created on first run and a banner saying what to do next.
 */
import { resolve } from 'node:path';
import { configFromEnv } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './start-server.js';
import { DEMO_ADMIN } from './demo/demo-data.js';
import { seedDemo } from './demo/seed-demo.js';
import { DEMO_LOGINS, printDemoBanner } from './demo/demo-banner.js';
import { listAccountStandings } from './db/queries/account-standings.js';
import { sendInvitationMail } from './http/send-invitation-mail.js';

const demo = process.argv.includes('--demo');
const env = demo
  ? {
      ADMIN_EMAIL: DEMO_ADMIN.email,
      ADMIN_PASSWORD: DEMO_ADMIN.password,
      LOG_LEVEL: 'warn',
      ...process.env,
    }
  : process.env;
const config = configFromEnv(env);
const logger = createLogger({ level: config.logLevel });

try {
  const server = await startServer(config, { logger });
  if (demo) {
    const created = await seedDemo(server.database.db, (invitation) =>
      sendInvitationMail({ mailer: server.mailer, logger, config }, invitation),
    );
    printDemoBanner({
      url: config.publicUrl,
      created,
      extensionDir: resolve('.output/chrome-mv3'),
      mail: server.mailer.describe(),
      database:
        config.database.kind === 'embedded' ? (config.database.dataDir ?? 'memory') : 'PostgreSQL',
      standings: await listAccountStandings(
        server.database.db,
        DEMO_LOGINS.map((login) => login.email),
      ),
    });
  }
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
  if (error instanceof Error) console.error(`\nCould not start: ${error.message}`);
  process.exitCode = 1;
}
