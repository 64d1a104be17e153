/** The SIRETs of employer spaces and their attributions to secondary users. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { SiretView, SiretWithCountsView } from '../../../shared/views.js';
import type { Database, SiretRow } from '../schema.js';
import { compiledOnce } from '../compiled-once.js';

type Db = Kysely<Database> | Transaction<Database>;

export function toSiretView(row: Pick<SiretRow, 'siret' | 'addedAt'>): SiretView {
  return { siret: row.siret, addedAt: row.addedAt.toISOString() };
}

/** `GET /api/v1/sirets`: the SIRETs of a space with their dossiers in progress and to complete. */
export async function listSiretsWithCounts(
  db: Db,
  spaceId: number,
): Promise<SiretWithCountsView[]> {
  const rows = await db
    .selectFrom('sirets as s')
    .leftJoin('dossiers as d', 'd.siret', 's.siret')
    .select([
      's.siret',
      's.addedAt',
      sql<number>`count(${sql.ref('d.id')}) filter (where ${sql.ref('d.status')} <> 'cloture')`.as(
        'inProgress',
      ),
      sql<number>`count(${sql.ref('d.id')}) filter (where ${sql.ref('d.status')} = 'completer_dossier')`.as(
        'toComplete',
      ),
    ])
    .where('s.spaceId', '=', spaceId)
    .groupBy(['s.siret', 's.addedAt'])
    .orderBy('s.siret')
    .execute();
  return rows.map((row) => ({
    ...toSiretView(row),
    dossiers: { inProgress: Number(row.inProgress), toComplete: Number(row.toComplete) },
  }));
}

/** The SIRETs of a space, sorted. */
export async function listSiretsOfSpace(db: Db, spaceId: number): Promise<SiretView[]> {
  const rows = await db
    .selectFrom('sirets')
    .select(['siret', 'addedAt'])
    .where('spaceId', '=', spaceId)
    .orderBy('siret')
    .execute();
  return rows.map(toSiretView);
}

/** The space managing a SIRET, if any. */
export async function findSiretOwner(db: Db, siret: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('sirets')
    .select('spaceId')
    .where('siret', '=', siret)
    .executeTakeFirst();
  return row?.spaceId;
}

export async function insertSiret(
  trx: Transaction<Database>,
  siret: string,
  spaceId: number,
): Promise<SiretRow> {
  return trx
    .insertInto('sirets')
    .values({ siret, spaceId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Takes a SIRET out of its space, and out of every list it was attributed in. */
export async function deleteSiretRow(trx: Transaction<Database>, siret: string): Promise<void> {
  await trx.deleteFrom('attributions').where('siret', '=', siret).execute();
  await trx.deleteFrom('sirets').where('siret', '=', siret).execute();
}

/** The secondaries (not removed) to whom a SIRET is attributed, by id. */
export async function listHoldersOfSiret(db: Db, siret: string): Promise<number[]> {
  const rows = await db
    .selectFrom('attributions')
    .innerJoin('users', 'users.id', 'attributions.userId')
    .select('users.id')
    .where('attributions.siret', '=', siret)
    .where('users.role', '=', 'secondary')
    .where('users.status', '<>', 'removed')
    .orderBy('users.id')
    .execute();
  return rows.map((row) => row.id);
}

/** Attributes SIRETs to a user; those already attributed stay as they are. */
export async function attributeSirets(
  trx: Transaction<Database>,
  userId: number,
  sirets: readonly string[],
): Promise<void> {
  if (sirets.length === 0) return;
  // One array parameter, not two per row: a cession attributes a whole space's SIRETs.
  await sql`
    insert into attributions (user_id, siret)
    select ${userId}, siret from unnest(${[...sirets]}::text[]) as siret
    on conflict (user_id, siret) do nothing`.execute(trx);
}

/** Cession: every SIRET of a space moves to another; returns them sorted. */
export async function moveSirets(
  trx: Transaction<Database>,
  fromSpaceId: number,
  toSpaceId: number,
): Promise<string[]> {
  const rows = await trx
    .updateTable('sirets')
    .set({ spaceId: toSpaceId })
    .where('spaceId', '=', fromSpaceId)
    .returning('siret')
    .execute();
  return rows.map((r) => r.siret).sort();
}

const selectAttributionChange = compiledOnce(
  (_, slot: { spaceId: number; userId: number; wanted: string[] }) =>
    sql<{ siret: string; owned: boolean; attributed: boolean }>`
    select siret, bool_or(owned) as owned, bool_or(attributed) as attributed
    from (
      select siret, true as owned, false as attributed
      from sirets where space_id = ${slot.spaceId} and siret = any(${slot.wanted}::text[])
      union all
      select siret, false, true from attributions where user_id = ${slot.userId}
    ) as found
    group by siret
    order by siret`,
);

/**
 * "Liste SIRETs", read in one round trip: which of the `wanted` SIRETs belong
 * to the space, and which SIRETs the user holds now (sorted).
 */
export async function readAttributionChange(
  trx: Transaction<Database>,
  spaceId: number,
  userId: number,
  wanted: readonly string[],
): Promise<{ owned: string[]; current: string[] }> {
  const rows = await selectAttributionChange(trx, { spaceId, userId, wanted: [...wanted] });
  return {
    owned: rows.filter((r) => r.owned).map((r) => r.siret),
    current: rows.filter((r) => r.attributed).map((r) => r.siret),
  };
}
