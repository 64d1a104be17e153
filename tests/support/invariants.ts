/**
 * The invariants of docs/domain.md as queries over the real tables. Each check
 * returns the rows that break it, described in a sentence; an empty list means
 * the database is in a state the domain allows. Checked globally: every rule
 * must leave the whole database valid, whatever other tests did before.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../server/db/schema.js';

interface Check {
  /** What must hold, said of one offending row. */
  rule: string;
  /** Selects the offending rows; every column is shown in the violation. */
  query: RawBuilder<Record<string, unknown>>;
}

const CHECKS: readonly Check[] = [
  {
    rule: 'a SIRET is managed by an existing space that is not dissolved',
    query: sql`
      select s.siret, s.space_id, sp.dissolved_at
      from sirets s left join spaces sp on sp.id = s.space_id
      where sp.id is null or sp.dissolved_at is not null`,
  },
  {
    rule: "an attribution's SIRET belongs to the space of its user, a secondary not removed",
    query: sql`
      select a.user_id, a.siret, u.role, u.status, u.space_id as user_space_id,
             s.space_id as siret_space_id
      from attributions a
      join users u on u.id = a.user_id
      left join sirets s on s.siret = a.siret
      where s.siret is null
         or u.role <> 'secondary'
         or u.status = 'removed'
         or u.space_id is distinct from s.space_id`,
  },
  {
    rule: 'a space that is not dissolved and has members or SIRETs has exactly one principal',
    query: sql`
      select sp.id as space_id,
             (select count(*) from users u
               where u.space_id = sp.id and u.role = 'principal' and u.status <> 'removed')::int
               as principals,
             (select count(*) from users u
               where u.space_id = sp.id and u.status <> 'removed')::int as members,
             (select count(*) from sirets s where s.space_id = sp.id)::int as sirets
      from spaces sp
      where sp.dissolved_at is null
        and (exists (select 1 from users u where u.space_id = sp.id and u.status <> 'removed')
             or exists (select 1 from sirets s where s.space_id = sp.id))
        and (select count(*) from users u
              where u.space_id = sp.id and u.role = 'principal' and u.status <> 'removed') <> 1`,
  },
  {
    rule: 'a dissolved space has no member left and no SIRET',
    query: sql`
      select sp.id as space_id,
             (select count(*) from users u
               where u.space_id = sp.id and u.status <> 'removed')::int as members,
             (select count(*) from sirets s where s.space_id = sp.id)::int as sirets
      from spaces sp
      where sp.dissolved_at is not null
        and (exists (select 1 from users u where u.space_id = sp.id and u.status <> 'removed')
             or exists (select 1 from sirets s where s.space_id = sp.id))`,
  },
  {
    rule: 'a person (e-mail, any case) is in at most one space',
    query: sql`
      select lower(email) as email, count(*)::int as accounts,
             array_agg(id order by id) as user_ids
      from users
      where status <> 'removed'
      group by lower(email)
      having count(*) > 1`,
  },
  {
    rule: 'an admin belongs to no space, and every other user to one',
    query: sql`
      select id, role, space_id from users
      where (role = 'admin') <> (space_id is null)`,
  },
  {
    rule: 'a pending secondary has at most one pending invitation',
    query: sql`
      select i.user_id, count(*)::int as pending
      from invitations i
      where i.status = 'pending'
      group by i.user_id
      having count(*) > 1`,
  },
  {
    rule: 'a pending invitation is that of a pending secondary of the same space',
    query: sql`
      select i.id as invitation_id, i.user_id, i.space_id as invitation_space_id,
             u.role, u.status, u.space_id as user_space_id
      from invitations i join users u on u.id = i.user_id
      where i.status = 'pending'
        and (u.role <> 'secondary' or u.status <> 'pending' or u.space_id <> i.space_id)`,
  },
  {
    rule: "a stream's events are numbered 1..head, without hole or duplicate",
    query: sql`
      select es.stream, es.head,
             count(e.seq)::int as events,
             coalesce(min(e.seq), 0) as min_seq,
             coalesce(max(e.seq), 0) as max_seq
      from event_streams es left join events e on e.stream = es.stream
      group by es.stream, es.head
      having count(e.seq) <> es.head
          or coalesce(max(e.seq), 0) <> es.head
          or coalesce(min(e.seq), 1) <> 1`,
  },
  {
    rule: 'an event belongs to a stream that has a head',
    query: sql`
      select e.stream, count(*)::int as events
      from events e left join event_streams es on es.stream = e.stream
      where es.stream is null
      group by e.stream`,
  },
];

/**
 * Every violation of the domain's invariants found in the database, one line
 * each (`[]` when all hold).
 */
export async function checkInvariants(db: Kysely<Database>): Promise<string[]> {
  const violations: string[] = [];
  for (const check of CHECKS) {
    const { rows } = await check.query.execute(db);
    for (const row of rows) violations.push(`${check.rule}: ${JSON.stringify(row)}`);
  }
  return violations;
}
