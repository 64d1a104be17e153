import { sql, type Kysely } from 'kysely';
import type { LockScope } from '../../../shared/domain.js';
import type { LockView } from '../../../shared/views.js';
import type { Database } from '../schema.js';

/** The scopes counted per space, whose subject starts with `space:<id>` (rules add-siret, cession). */
const SPACE_SCOPES = ['add_siret', 'cession'] as const;

/** The space a counter belongs to, from its subject; null for those of no space (signup). */
export function spaceOfCounter(counter: { scope: LockScope; subject: string }): number | null {
  if (!(SPACE_SCOPES as readonly LockScope[]).includes(counter.scope)) return null;
  const match = /^space:(\d+)(?::|$)/.exec(counter.subject);
  return match ? Number(match[1]) : null;
}

/** Counters a support agent must look at: those that locked, and those that alerted. */
function selectLocks(db: Kysely<Database>) {
  return db
    .selectFrom('failedAttempts as f')
    .leftJoin('users as u', 'u.id', 'f.userId')
    .select((eb) => [
      'f.id',
      'f.scope',
      'f.userId',
      'u.email',
      'f.siret',
      'f.failures',
      eb.fn.coalesce('f.lockedAt', 'f.alertedAt').as('lockedAt'),
    ])
    .where((eb) => eb.or([eb('f.lockedAt', 'is not', null), eb('f.alertedAt', 'is not', null)]));
}

function toLockView(row: {
  id: number;
  scope: LockView['scope'];
  userId: number | null;
  email: string | null;
  siret: string | null;
  failures: number;
  lockedAt: Date | null;
}): LockView {
  return { ...row, lockedAt: (row.lockedAt ?? new Date()).toISOString() };
}

/** One lock as support lists it (the `lock.locked` event carries it whole). */
export async function findLockView(db: Kysely<Database>, id: number): Promise<LockView | null> {
  const row = await selectLocksWithSpace(db).where('f.id', '=', id).executeTakeFirst();
  return row ? toSpacedLockView(row) : null;
}

/**
 * The support's list of locks, newest first: a space's counter names its space
 * by its principal's e-mail (`spaceName`, null once dissolved); a signup's has
 * no space. `spaceId` keeps those of one space.
 */
export async function listLockViews(
  db: Kysely<Database>,
  filter: { spaceId?: number } = {},
): Promise<LockView[]> {
  let query = selectLocksWithSpace(db);
  if (filter.spaceId !== undefined) {
    const spaceId = filter.spaceId;
    query = query
      .where('f.scope', 'in', SPACE_SCOPES)
      .where((eb) =>
        eb.or([
          eb('f.subject', '=', `space:${spaceId}`),
          eb('f.subject', 'like', `space:${spaceId}:%`),
        ]),
      );
  }
  const rows = await query.orderBy('lockedAt', 'desc').execute();
  return rows.map(toSpacedLockView);
}

/** Locks with the space a space's counter belongs to, and that space's principal. */
function selectLocksWithSpace(db: Kysely<Database>) {
  const spaceOf = sql<number | null>`(case when f.scope in ('add_siret', 'cession')
    then substring(f.subject from '^space:([0-9]+)')::int end)`;
  return selectLocks(db)
    .leftJoin('users as principal', (join) =>
      join
        .on((eb) => eb(spaceOf, '=', eb.ref('principal.spaceId')))
        .on('principal.role', '=', 'principal')
        .on('principal.status', '<>', 'removed'),
    )
    .select([spaceOf.as('spaceId'), 'principal.email as spaceName']);
}

function toSpacedLockView({
  spaceId,
  spaceName,
  ...lock
}: Parameters<typeof toLockView>[0] & { spaceId: number | null; spaceName: string | null }) {
  return { ...toLockView(lock), ...(spaceId === null ? {} : { spaceId, spaceName }) };
}

/** A deleted counter: `lockedAt` set for those the support agents were shown (locked or alerted). */
export interface DeletedCounter {
  id: number;
  scope: LockScope;
  subject: string;
  siret: string | null;
  lockedAt: Date | null;
}

/** Deletes the failed-attempt counters of a user; returns what was deleted. */
export async function deleteFailedAttemptsOfUser(
  db: Kysely<Database>,
  userId: number,
): Promise<DeletedCounter[]> {
  return db
    .deleteFrom('failedAttempts')
    .where('userId', '=', userId)
    .returning((eb) => [
      'id',
      'scope',
      'subject',
      'siret',
      eb.fn.coalesce('lockedAt', 'alertedAt').as('lockedAt'),
    ])
    .execute();
}

/** Deletes one failed-attempt counter; returns it when it existed. */
export async function deleteFailedAttempt(
  db: Kysely<Database>,
  id: number,
): Promise<DeletedCounter[]> {
  return db
    .deleteFrom('failedAttempts')
    .where('id', '=', id)
    .returning((eb) => [
      'id',
      'scope',
      'subject',
      'siret',
      eb.fn.coalesce('lockedAt', 'alertedAt').as('lockedAt'),
    ])
    .execute();
}
