/**
 * The record of each cession (migration 0007) and the writes that put one
 * back: SIRETs, secondaries, attributions and pending invitations return to
 * the space they came from (server/rules/revert-cession.ts).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Cession, Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Records a cession as it is made, before the ceding principal is given the
 * SIRETs: who among the moving secondaries held which SIRET is read here.
 */
export async function recordCession(
  trx: Transaction<Database>,
  cession: {
    fromSpaceId: number;
    toSpaceId: number;
    fromPrincipalId: number;
    toPrincipalId: number;
    sirets: readonly string[];
    memberIds: readonly number[];
  },
): Promise<{ id: number; cededAt: Date }> {
  const { rows } = await sql<{ id: number; cededAt: Date }>`
    insert into cessions
      (from_space_id, to_space_id, from_principal_id, to_principal_id, sirets, member_ids, attributions)
    select ${cession.fromSpaceId}, ${cession.toSpaceId}, ${cession.fromPrincipalId},
           ${cession.toPrincipalId}, ${[...cession.sirets]}::text[], ${[...cession.memberIds]}::int[],
           coalesce(jsonb_agg(jsonb_build_array(user_id, siret) order by user_id, siret), '[]'::jsonb)
    from attributions where user_id = any(${[...cession.memberIds]}::int[])
    returning id, ceded_at`.execute(trx);
  return rows[0]!;
}

export async function findCession(db: Db, id: number): Promise<Cession | undefined> {
  return db.selectFrom('cessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The cession under its row lock: an undo and a refusal of it queue. */
export async function lockCession(
  trx: Transaction<Database>,
  id: number,
): Promise<Cession | undefined> {
  return trx.selectFrom('cessions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** What of a cession is still where it went: its SIRETs and secondaries still in the receiving space. */
export interface CessionRemains {
  sirets: string[];
  members: { id: number; email: string; present: boolean }[];
  formerPrincipal: { id: number; email: string; present: boolean };
  toPrincipalEmail: string;
  fromPrincipalEmail: string;
}

/**
 * Reads, in one statement, which SIRETs and secondaries of the cession are
 * still in the receiving space (a SIRET deleted or ceded on since, a secondary
 * removed, are not), and whether the former principal is still a secondary there.
 */
export async function readCessionRemains(db: Db, cession: Cession): Promise<CessionRemains> {
  const { rows } = await sql<{ kind: string; id: number | null; label: string; present: boolean }>`
    select 'siret' as kind, null::int as id, s.siret as label, true as present
    from sirets s where s.siret = any(${cession.sirets}::text[]) and s.space_id = ${cession.toSpaceId}
    union all
    select 'member', u.id, u.email,
           u.space_id = ${cession.toSpaceId} and u.role = 'secondary' and u.status <> 'removed'
    from users u where u.id = any(${cession.memberIds}::int[])
    union all
    select 'former', u.id, u.email,
           u.space_id = ${cession.toSpaceId} and u.role = 'secondary' and u.status = 'active'
    from users u where u.id = ${cession.fromPrincipalId}
    union all
    select 'from', u.id, u.email, true from users u where u.id = ${cession.fromPrincipalId}
    union all
    select 'to', u.id, u.email, true from users u where u.id = ${cession.toPrincipalId}`.execute(
    db,
  );
  const of = (kind: string) => rows.filter((row) => row.kind === kind);
  const former = of('former')[0]!;
  return {
    sirets: of('siret')
      .map((row) => row.label)
      .sort(),
    members: of('member')
      .map((row) => ({ id: row.id!, email: row.label, present: row.present }))
      .sort((a, b) => a.id - b.id),
    formerPrincipal: { id: former.id!, email: former.label, present: former.present },
    toPrincipalEmail: of('to')[0]!.label,
    fromPrincipalEmail: of('from')[0]!.label,
  };
}

/**
 * Puts a cession back, for the SIRETs and secondaries given (those still in the
 * receiving space): they return to the space they came from, which lives
 * again; each returning secondary holds again the SIRETs they held then (of
 * those returning); nobody left in the receiving space keeps a returning
 * SIRET; the former principal is principal again; pending invitations follow
 * their secondaries. One statement per table: a delete and an insert of the
 * same attribution cannot share one.
 */
export async function revertCessionRows(
  trx: Transaction<Database>,
  cession: Cession,
  back: { sirets: readonly string[]; memberIds: readonly number[] },
): Promise<void> {
  const sirets = [...back.sirets];
  const memberIds = [...back.memberIds];
  const movers = [...memberIds, cession.fromPrincipalId];
  await sql`
    update sirets set space_id = ${cession.fromSpaceId}
    where siret = any(${sirets}::text[]) and space_id = ${cession.toSpaceId}`.execute(trx);
  await sql`
    delete from attributions
    where siret = any(${sirets}::text[]) or user_id = any(${movers}::int[])`.execute(trx);
  await sql`
    insert into attributions (user_id, siret)
    select (pair->>0)::int, pair->>1
    from cessions c, jsonb_array_elements(c.attributions) as pair
    where c.id = ${cession.id}
      and (pair->>0)::int = any(${memberIds}::int[]) and pair->>1 = any(${sirets}::text[])`.execute(
    trx,
  );
  await sql`
    update users
    set space_id = ${cession.fromSpaceId}, updated_at = now(),
        role = case when id = ${cession.fromPrincipalId} then 'principal' else role end
    where id = any(${movers}::int[])`.execute(trx);
  await sql`
    update invitations set space_id = ${cession.fromSpaceId}
    where user_id = any(${memberIds}::int[]) and status = 'pending'`.execute(trx);
  await sql`update spaces set dissolved_at = null where id = ${cession.fromSpaceId}`.execute(trx);
}

export async function markCessionReverted(
  trx: Transaction<Database>,
  id: number,
  how: 'undone' | 'refused',
  byUserId: number,
  reason: string | null,
): Promise<void> {
  await trx
    .updateTable('cessions')
    .set({ revertedAt: sql<Date>`now()`, revertedHow: how, revertedById: byUserId, reason })
    .where('id', '=', id)
    .execute();
}

/** A cession as listed: both principals' e-mails and who reverted it. */
export interface CessionRow extends Cession {
  fromPrincipalEmail: string;
  toPrincipalEmail: string;
  revertedByEmail: string | null;
}

function listedCessions(db: Db) {
  return db
    .selectFrom('cessions as c')
    .innerJoin('users as f', 'f.id', 'c.fromPrincipalId')
    .innerJoin('users as t', 't.id', 'c.toPrincipalId')
    .leftJoin('users as r', 'r.id', 'c.revertedById')
    .selectAll('c')
    .select([
      'f.email as fromPrincipalEmail',
      't.email as toPrincipalEmail',
      'r.email as revertedByEmail',
    ]);
}

/** The cessions either principal of which has an e-mail containing `email`, newest first. */
export async function listCessionsByEmail(
  db: Db,
  email: string,
  limit: number,
): Promise<CessionRow[]> {
  const pattern = `%${email.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return listedCessions(db)
    .where((eb) => eb.or([eb('f.email', 'like', pattern), eb('t.email', 'like', pattern)]))
    .orderBy('c.cededAt', 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit)
    .execute();
}
