/**
 * The cessions a principal may still refuse (docs/domain.md rule 1): those
 * into their space, not put back, younger than 7 days.
 */
import type { Kysely, Transaction } from 'kysely';
import type { ReceivedCessionView } from '../../shared/views.js';
import { listRefusableCessions } from '../db/queries/cessions.js';
import type { Database } from '../db/schema.js';
import { CESSION_REFUSAL_DAYS } from '../rules/revert-cession.js';

const DAY_MS = 24 * 3_600_000;

export async function listReceivedCessions(
  db: Kysely<Database> | Transaction<Database>,
  spaceId: number,
  now: Date = new Date(),
): Promise<ReceivedCessionView[]> {
  const since = new Date(now.getTime() - CESSION_REFUSAL_DAYS * DAY_MS);
  const rows = await listRefusableCessions(db, spaceId, since);
  return rows.map((row) => ({
    id: row.id,
    cededAt: row.cededAt.toISOString(),
    refusableUntil: new Date(row.cededAt.getTime() + CESSION_REFUSAL_DAYS * DAY_MS).toISOString(),
    fromPrincipalEmail: row.fromPrincipalEmail,
    sirets: row.sirets,
    secondaryCount: row.memberIds.length,
  }));
}
