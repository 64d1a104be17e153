/**
 * A member's snapshot (docs/api.md, « snapshot ») read in one statement. A
 * single statement sees one snapshot of the database by itself, so the rows
 * and `lastEventId` come from the same committed state without a transaction;
 * PostgreSQL builds the JSON, so thousands of dossiers cost one round trip and
 * one `JSON.parse` instead of rows mapped one by one.
 *
 * Each part reads the rows, in the order, that the list queries of the same
 * data read (read-models.ts, sirets.ts, dossiers.ts, invitations.ts,
 * cessions.ts; tests/realtime/snapshot-one-statement.test.ts holds them to
 * it), with the rows of shared/visibility.ts `memberRowScope` and
 * `memberAsSeenBy`: the principal sees every SIRET and dossier of the space,
 * every secondary's SIRET list, the pending invitations, the locks and the
 * refusable cessions; a secondary their SIRETs, their dossiers and their own
 * list only. Members come in `compareMembers` order (code units: the C
 * collation). Instants are written as `Date.prototype.toISOString()` writes
 * the Date the driver would have parsed (milliseconds, truncated), dates as
 * `YYYY-MM-DD`.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { MemberSnapshot } from '../../../shared/events.js';
import type { UserStatus } from '../../../shared/domain.js';
import type { Database } from '../schema.js';

/** Whether the user may connect and, when they are an active member of a space, their snapshot. */
export interface MemberSnapshotRead {
  status: UserStatus;
  /** Null for an admin (an active user without a space) and for a user who may not connect. */
  snapshot: MemberSnapshot | null;
}

const DAY_HOURS = 24;

/**
 * Reads these users' member snapshots (`online` empty: presence lives in the
 * sockets), each from the same committed state. `refusalDays` is how long a
 * received cession stays refusable. A user not found is not in the map.
 */
export async function readMemberSnapshots(
  db: Kysely<Database>,
  userIds: readonly number[],
  refusalDays: number,
  now: Date,
): Promise<Map<number, MemberSnapshotRead>> {
  const since = new Date(now.getTime() - refusalDays * DAY_HOURS * 3_600_000);
  const refusalHours = refusalDays * DAY_HOURS;
  const { rows } = await sql<{ id: number; status: UserStatus; snapshot: string | null }>`
    select v.id, v.status,
      case when v.status = 'active' and v.role <> 'admin' and v.space_id is not null then
        json_build_object(
          'kind', 'member',
          'me', json_build_object(
            'id', v.id, 'email', v.email, 'role', v.role, 'status', v.status,
            'spaceId', v.space_id, 'isAdmin', false),
          'spaceId', v.space_id,
          'sirets', case when v.role = 'principal'
            then ${siretsWhere(sql`s.space_id = v.space_id`)}
            else ${siretsWhere(sql`s.siret in (select a.siret from attributions a where a.user_id = v.id)`)}
          end,
          'members', ${jsonList({
            fields: sql`m.id, m.email, m.role, m.status, case
              when m.role = 'principal' then null
              when v.role = 'principal' or m.id = v.id then coalesce(
                (select json_agg(a.siret order by a.siret) from attributions a where a.user_id = m.id),
                '[]'::json)
            end as sirets`,
            from: sql`users m`,
            where: sql`m.space_id = v.space_id and m.status <> 'removed'
              and m.role in ('principal', 'secondary')`,
            order: sql`m.role collate "C", m.email collate "C"`,
          })},
          'dossiers', case when v.role = 'principal'
            then ${dossiersWhere(sql`d.siret in (select s.siret from sirets s where s.space_id = v.space_id)`)}
            else ${dossiersWhere(sql`d.siret in (select a.siret from attributions a where a.user_id = v.id)`)}
          end,
          'invitations', case when v.role = 'principal' then ${jsonList({
            fields: sql`i.id, i.space_id as "spaceId", i.user_id as "userId", i.email,
              inviter.email as "invitedBy", i.status,
              ${instant(sql`i.created_at`)} as "createdAt",
              ${instant(sql`i.expires_at`)} as "expiresAt",
              ${instant(sql`i.accepted_at`)} as "acceptedAt"`,
            from: sql`invitations i
              join users inviter on inviter.id = i.invited_by_id
              join users invitee on invitee.id = i.user_id`,
            where: sql`i.space_id = v.space_id and invitee.space_id = v.space_id
              and invitee.status = 'pending'
              and not exists (
                select 1 from invitations newer where newer.user_id = i.user_id and newer.id > i.id)`,
            order: sql`i.created_at desc, i.id desc`,
          })} else '[]'::json end,
          'locks', case when v.role = 'principal' then ${jsonList({
            fields: sql`f.id, f.scope, f.siret, ${instant(sql`f.locked_at`)} as "lockedAt"`,
            from: sql`failed_attempts f`,
            where: sql`f.scope in ('add_siret', 'cession') and f.locked_at is not null
              and (f.subject = ('space:' || v.space_id)
                or f.subject like ('space:' || v.space_id || ':%'))`,
            order: sql`f.id`,
          })} else '[]'::json end,
          'receivedCessions', case when v.role = 'principal' then ${jsonList({
            fields: sql`c.id, ${instant(sql`c.ceded_at`)} as "cededAt",
              ${instant(sql`c.ceded_at + ${refusalHours}::int * interval '1 hour'`)} as "refusableUntil",
              fp.email as "fromPrincipalEmail", c.sirets,
              cardinality(c.member_ids) as "secondaryCount"`,
            from: sql`cessions c join users fp on fp.id = c.from_principal_id`,
            where: sql`c.to_space_id = v.space_id and c.reverted_at is null and c.ceded_at > ${since}`,
            order: sql`c.ceded_at desc, c.id desc`,
          })} else '[]'::json end,
          'online', '[]'::json,
          'lastEventId', coalesce(
            (select e.head from event_streams e where e.stream = 'space:' || v.space_id), 0)
        )::text
      end as snapshot
    from users v
    where v.id = any(${[...userIds]}::int[])`.execute(db);
  return new Map(
    rows.map((row) => [
      row.id,
      {
        status: row.status,
        snapshot: row.snapshot === null ? null : (JSON.parse(row.snapshot) as MemberSnapshot),
      },
    ]),
  );
}

/** SIRETs matching `where` (alias `s`), sorted, as `SiretView`s. */
function siretsWhere(where: RawBuilder<unknown>) {
  return jsonList({
    fields: sql`s.siret, ${instant(sql`s.added_at`)} as "addedAt"`,
    from: sql`sirets s`,
    where,
    order: sql`s.siret`,
  });
}

/** Dossiers matching `where` (alias `d`), oldest first, as `DossierView`s. */
function dossiersWhere(where: RawBuilder<unknown>) {
  return jsonList({
    fields: sql`d.id, d.reference, d.siret, d.kind, d.status,
      d.opened_at as "openedAt", d.due_at as "dueAt"`,
    from: sql`dossiers d`,
    where,
    order: sql`d.opened_at, d.id`,
  });
}

/**
 * The rows of `from` matching `where` as a JSON array in `order`, each row an
 * object of `fields` named by their aliases. Each object is a row built by a
 * lateral select rather than by `json_build_object`, which PostgreSQL builds
 * about half as fast (the snapshot of a large space holds thousands).
 */
function jsonList(list: {
  fields: RawBuilder<unknown>;
  from: RawBuilder<unknown>;
  where: RawBuilder<unknown>;
  order: RawBuilder<unknown>;
}) {
  return sql`(select coalesce(json_agg(x order by ${list.order}), '[]'::json)
    from ${list.from} cross join lateral (select ${list.fields}) x
    where ${list.where})`;
}

/** A `timestamptz` as `toISOString()` writes the Date the driver would have parsed (null stays null). */
function instant(column: RawBuilder<unknown>) {
  return sql`to_char((${column}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
