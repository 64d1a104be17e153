/**
 * Attributions of many secondaries of one space at once: the « Attributions »
 * matrix and its CSV import save whole tables, so every read and write here is
 * one statement whatever the number of rows, with array parameters rather
 * than one parameter per row.
 */
import { sql, type Transaction } from 'kysely';
import type { DossierView } from '../../../shared/views.js';
import type { Database, Dossier } from '../schema.js';
import { compiledOnce } from '../compiled-once.js';
import { toDossierView } from './dossiers.js';

/** One SIRET attributed to (or taken from) one user. */
export interface AttributionPair {
  userId: number;
  siret: string;
}

/**
 * Locks the named secondaries of a space (not removed), by id. Those missing
 * from the answer are not such secondaries.
 */
export async function lockSecondariesOfSpace(
  trx: Transaction<Database>,
  spaceId: number,
  userIds: readonly number[],
): Promise<{ id: number; email: string }[]> {
  if (userIds.length === 0) return [];
  return trx
    .selectFrom('users')
    .select(['id', 'email'])
    .where(sql<boolean>`id = any(${[...userIds]}::int[])`)
    .where('spaceId', '=', spaceId)
    .where('role', '=', 'secondary')
    .where('status', '<>', 'removed')
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** The SIRETs each of these users holds now, sorted; a user holding none is absent. */
export async function readSiretsOfUsers(
  trx: Transaction<Database>,
  userIds: readonly number[],
): Promise<Map<number, string[]>> {
  const held = new Map<number, string[]>();
  if (userIds.length === 0) return held;
  const rows = await trx
    .selectFrom('attributions')
    .select(['userId', 'siret'])
    .where(sql<boolean>`user_id = any(${[...userIds]}::int[])`)
    .orderBy('userId')
    .orderBy('siret')
    .execute();
  for (const row of rows) {
    const list = held.get(row.userId) ?? [];
    list.push(row.siret);
    held.set(row.userId, list);
  }
  return held;
}

/** Which of these SIRETs the space manages. */
export async function readSiretsOwnedBySpace(
  trx: Transaction<Database>,
  spaceId: number,
  sirets: readonly string[],
): Promise<Set<string>> {
  if (sirets.length === 0) return new Set();
  const rows = await trx
    .selectFrom('sirets')
    .select('siret')
    .where('spaceId', '=', spaceId)
    .where(sql<boolean>`siret = any(${[...sirets]}::text[])`)
    .execute();
  return new Set(rows.map((row) => row.siret));
}

function columns(pairs: readonly AttributionPair[]): { userIds: number[]; sirets: string[] } {
  return { userIds: pairs.map((p) => p.userId), sirets: pairs.map((p) => p.siret) };
}

const writeAttributionsReadingDossiers = compiledOnce(
  (
    _,
    slot: {
      takenUserIds: number[];
      takenSirets: string[];
      givenUserIds: number[];
      givenSirets: string[];
      addedSirets: string[];
    },
  ) => sql<
    { addedSiret: string; siretAddedAt: Date } & { [K in keyof Dossier]: Dossier[K] | null }
  >`
    with taken as (
      delete from attributions as a
      using unnest(${slot.takenUserIds}::int[], ${slot.takenSirets}::text[]) as t(user_id, siret)
      where a.user_id = t.user_id and a.siret = t.siret
    ), given as (
      insert into attributions (user_id, siret)
      select user_id, siret from unnest(${slot.givenUserIds}::int[], ${slot.givenSirets}::text[])
        as g(user_id, siret)
      on conflict (user_id, siret) do nothing
    )
    select s.siret as added_siret, s.added_at as siret_added_at,
           d.id, d.reference, d.siret, d.kind, d.status, d.opened_at, d.due_at
    from sirets as s left join dossiers as d on d.siret = s.siret
    where s.siret = any(${slot.addedSirets}::text[])
    order by d.opened_at, d.id`,
);

/**
 * Takes every `taken` pair away and gives every `given` pair (disjoint lists),
 * then returns what the secondaries need about the SIRETs given: every dossier
 * of them (oldest first) and when each joined its space. One round trip: two
 * array parameters per list, not two parameters per row.
 */
export async function replaceAttributionsOfMany(
  trx: Transaction<Database>,
  taken: readonly AttributionPair[],
  given: readonly AttributionPair[],
): Promise<{ dossiers: DossierView[]; addedAt: Map<string, string> }> {
  const out = columns(taken);
  const into = columns(given);
  const addedSirets = [...new Set(into.sirets)];
  // The select reads the snapshot from before the writes, which is fine: it
  // reads sirets and dossiers, which neither write touches.
  const rows = await writeAttributionsReadingDossiers(trx, {
    takenUserIds: out.userIds,
    takenSirets: out.sirets,
    givenUserIds: into.userIds,
    givenSirets: into.sirets,
    addedSirets,
  });
  const addedAt = new Map<string, string>();
  const dossiers: DossierView[] = [];
  for (const row of rows) {
    addedAt.set(row.addedSiret, row.siretAddedAt.toISOString());
    // A SIRET without dossiers still comes back once, its dossier columns null.
    if (row.id !== null) dossiers.push(toDossierView(row as Dossier));
  }
  return { dossiers, addedAt };
}
