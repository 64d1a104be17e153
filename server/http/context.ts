/** What the HTTP layer is given, and what a request carries through it. */
import type { Kysely, Transaction } from 'kysely';
import type { ServerConfig } from '../config.js';
import type { Database } from '../db/schema.js';
import type { StoredEvent } from '../events/append-events.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mailer.js';
import type { Authenticated } from '../auth/sessions.js';
import type { RuleResult } from '../rules/run-rule.js';

export interface RealtimePort {
  publish(events: StoredEvent[]): void;
  endSession(sessionId: number, reason: 'logout' | 'removed' | 'expired'): void;
  /** The members of a space connected now, on every node (the support's page of it). */
  online(spaceId: number): Promise<number[]>;
}

export interface AppDeps {
  db: Kysely<Database>;
  /** `trustProxy` absent: no proxy is trusted, limits key on the peer. */
  config: Pick<ServerConfig, 'publicUrl' | 'allowedOrigins' | 'rateLimits'> &
    Partial<Pick<ServerConfig, 'trustProxy'>>;
  mailer: Mailer;
  logger: Logger;
  realtime: RealtimePort;
}

export interface AppServices extends AppDeps {
  /** Runs a rule in one transaction, then publishes its events. */
  run<R extends RuleResult>(rule: (trx: Transaction<Database>) => Promise<R>): Promise<R>;
}

export type AppEnv = {
  Variables: {
    requestId: string;
    auth: Authenticated | null;
    /** Where the request comes from (`client-address.ts`): what rate limits key on. */
    clientAddress: string;
  };
};
