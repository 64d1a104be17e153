/**
 * The support desk's reads (docs/api.md, « Support desk »): find an account by
 * part of its e-mail or by a SIRET of its space, see a space whole, count the
 * invitations of the last days. Every space is named by its principal's e-mail,
 * as support sees it everywhere; a space without principal (dissolved) has no name.
 */
import { sql, type Kysely } from 'kysely';
import type { Role, UserStatus } from '../../../shared/domain.js';
import type { SecondaryView, SupportAccountView } from '../../../shared/views.js';
import type { Database } from '../schema.js';

/** The accounts a search brings back at most: past that, the search should narrow. */
export const ACCOUNT_SEARCH_LIMIT = 50;

/** A SIRET (14 digits) finds its space's accounts; otherwise part of an e-mail, lower case. */
export type AccountSearch = { siret: string } | { emailPart: string };

interface AccountRow {
  id: number;
  email: string;
  role: Role;
  spaceId: number | null;
  spaceName: string | null;
  status: UserStatus;
  lockCount: number;
  lastActivityAt: Date | null;
}

/**
 * Accounts matching the search, principals first, then by e-mail. The last
 * activity is the later of the last sign-in and the last change the account
 * made; the latter walks the account's e-mail key of the history newest first
 * (an event's actor e-mail is one of its keys) and stops at the first it made.
 */
export async function searchAccounts(
  db: Kysely<Database>,
  search: AccountSearch,
): Promise<SupportAccountView[]> {
  const match =
    'siret' in search
      ? sql`u.space_id = (select space_id from sirets where siret = ${search.siret})`
      : sql`u.email like ${`%${escapeLike(search.emailPart)}%`}`;
  const { rows } = await sql<AccountRow>`
    select u.id, u.email, u.role, u.space_id as "spaceId", u.status,
      p.email as "spaceName",
      (select count(*)::int from failed_attempts f
        where f.user_id = u.id and f.locked_at is not null) as "lockCount",
      greatest(
        (select max(s.created_at) from sessions s where s.user_id = u.id),
        (select e.at from event_keys k join events e on e.id = k.event_id
          where k.key = 'email:' || u.email and e.actor_id = u.id
          order by k.event_id desc limit 1)
      ) as "lastActivityAt"
    from users u
    left join users p on p.space_id = u.space_id and p.role = 'principal' and p.status <> 'removed'
    where ${match}
    order by (u.role = 'principal') desc, u.email, u.id
    limit ${ACCOUNT_SEARCH_LIMIT}`.execute(db);
  return rows.map((row) => ({
    ...row,
    lastActivityAt: row.lastActivityAt ? new Date(row.lastActivityAt).toISOString() : null,
  }));
}

/** A space with its principal (null when it has none: dissolved). */
export interface SupportSpaceRow {
  id: number;
  dissolvedAt: Date | null;
  principal: { id: number; email: string } | null;
}

export async function findSpaceWithPrincipal(
  db: Kysely<Database>,
  spaceId: number,
): Promise<SupportSpaceRow | undefined> {
  const row = await db
    .selectFrom('spaces as s')
    .leftJoin('users as p', (join) =>
      join
        .onRef('p.spaceId', '=', 's.id')
        .on('p.role', '=', 'principal')
        .on('p.status', '<>', 'removed'),
    )
    .select(['s.id', 's.dissolvedAt', 'p.id as principalId', 'p.email as principalEmail'])
    .where('s.id', '=', spaceId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    dissolvedAt: row.dissolvedAt,
    principal:
      row.principalId !== null && row.principalEmail !== null
        ? { id: row.principalId, email: row.principalEmail }
        : null,
  };
}

/** Every secondary of a space, removed ones included (for the record), by e-mail, with their SIRETs. */
export async function listSecondariesForSupport(
  db: Kysely<Database>,
  spaceId: number,
): Promise<SecondaryView[]> {
  const { rows } = await sql<SecondaryView>`
    select u.id, u.email, u.status,
      coalesce(array_agg(a.siret::text order by a.siret) filter (where a.siret is not null),
        '{}'::text[]) as sirets
    from users u
    left join attributions a on a.user_id = u.id
    where u.space_id = ${spaceId} and u.role = 'secondary'
    group by u.id
    order by u.email, u.id`.execute(db);
  return rows;
}

/** One French calendar day of invitations: sent, validated (accepted) and expired that day. */
export interface InvitationDay {
  date: string;
  sent: number;
  validated: number;
  expired: number;
}

/**
 * The invitations of each day from `firstDay` to `lastDay` (French calendar
 * days, `YYYY-MM-DD`, both included), every day present, oldest first: one
 * statement, each invitation read once per thing that happened to it. An
 * invitation expired on the day its link ran out.
 */
export async function countInvitationsByDay(
  db: Kysely<Database>,
  firstDay: string,
  lastDay: string,
): Promise<InvitationDay[]> {
  const { rows } = await sql<InvitationDay>`
    with since as (
      select (${firstDay}::date)::timestamp at time zone 'Europe/Paris' as at
    ), happened as (
      select (i.created_at at time zone 'Europe/Paris')::date as day, 1 as sent,
        0 as validated, 0 as expired
      from invitations i, since where i.created_at >= since.at
      union all
      select (i.accepted_at at time zone 'Europe/Paris')::date, 0, 1, 0
      from invitations i, since where i.accepted_at >= since.at
      union all
      select (i.expires_at at time zone 'Europe/Paris')::date, 0, 0, 1
      from invitations i, since where i.status = 'expired' and i.expires_at >= since.at
    )
    select to_char(d.day, 'YYYY-MM-DD') as date,
      coalesce(sum(h.sent), 0)::int as sent,
      coalesce(sum(h.validated), 0)::int as validated,
      coalesce(sum(h.expired), 0)::int as expired
    from generate_series(${firstDay}::date, ${lastDay}::date, interval '1 day') as g(at)
    cross join lateral (select g.at::date as day) d
    left join happened h on h.day = d.day
    group by d.day
    order by d.day`.execute(db);
  return rows;
}

/** Invitations still pending at `now`, and accounts with at least one locked counter. */
export async function countPendingAndLocked(
  db: Kysely<Database>,
  now: Date,
): Promise<{ pendingInvitations: number; lockedAccounts: number }> {
  const { rows } = await sql<{ pendingInvitations: number; lockedAccounts: number }>`
    select
      (select count(*)::int from invitations
        where status = 'pending' and expires_at > ${now}) as "pendingInvitations",
      (select count(distinct user_id)::int from failed_attempts
        where locked_at is not null and user_id is not null) as "lockedAccounts"`.execute(db);
  return rows[0] ?? { pendingInvitations: 0, lockedAccounts: 0 };
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
