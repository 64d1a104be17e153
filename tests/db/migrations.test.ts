/**
 * Migrations that rewrite data, on both databases: a store written with the
 * older words (`org_id`, `org.ceded`, `fromOrgId`) and without actors or keys
 * comes out of 0005 and 0006 in today's contract, and both go back down.
 */
import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { migrateTo, migrateToLatest } from '../../server/db/migrate.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { uniqueEmail, validSiret } from '../support/fixtures.js';

describeOnEachDatabase('migrations of stored data', (getHandle) => {
  it('renames org to space and gives older events an actor and their keys', async () => {
    const { db } = getHandle();
    const raw = db as unknown as Kysely<unknown>;
    await migrateTo(raw, '0004-membership-events-index');

    const email = uniqueEmail('before');
    const secondaryEmail = uniqueEmail('moved');
    const siret = validSiret();
    const { rows: spaces } = await sql<{ id: number }>`
      insert into spaces default values returning id`.execute(db);
    const spaceId = spaces[0]!.id;
    const { rows: users } = await sql<{ id: number }>`
      insert into users (email, role, status, password_hash, org_id)
      values (${email}, 'principal', 'active', 'x', ${spaceId}),
             (${secondaryEmail}, 'secondary', 'active', 'x', ${spaceId})
      returning id`.execute(db);
    const [principalId, secondaryId] = users.map((row) => row.id) as [number, number];
    await sql`insert into sirets (siret, org_id) values (${siret}, ${spaceId})`.execute(db);
    const stream = `space:${spaceId}`;
    await sql`insert into event_streams (stream, head) values (${stream}, 2)`.execute(db);
    const ceded = {
      fromOrgId: spaceId,
      toOrgId: spaceId + 1,
      formerPrincipalId: principalId,
      sirets: [siret],
    };
    const changed = { userId: secondaryId, sirets: [siret], dossiers: [] };
    await sql`
      insert into events (stream, seq, type, data, audience) values
        (${stream}, 1, 'secondary.sirets_changed', ${JSON.stringify(changed)}::jsonb, ${[secondaryId]}::int[]),
        (${stream}, 2, 'org.ceded', ${JSON.stringify(ceded)}::jsonb, null)`.execute(db);

    await migrateToLatest(raw);

    const user = await db
      .selectFrom('users')
      .select(['spaceId'])
      .where('id', '=', principalId)
      .executeTakeFirstOrThrow();
    expect(user.spaceId).toBe(spaceId);
    const events = await db
      .selectFrom('events')
      .select(['seq', 'type', 'data', 'actorRole', 'actorEmail', 'id'])
      .where('stream', '=', stream)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => [e.type, e.actorRole, e.actorEmail])).toEqual([
      ['secondary.sirets_changed', 'system', null],
      ['space.ceded', 'system', null],
    ]);
    expect(events[1]!.data).toEqual({
      fromSpaceId: spaceId,
      toSpaceId: spaceId + 1,
      formerPrincipalId: principalId,
      sirets: [siret],
    });
    const keys = await db
      .selectFrom('eventKeys')
      .select(['key', 'eventId'])
      .where(
        'eventId',
        'in',
        events.map((e) => e.id),
      )
      .orderBy('eventId')
      .orderBy('key')
      .execute();
    expect(keys.map((k) => `${k.eventId === events[0]!.id ? 1 : 2} ${k.key}`)).toEqual(
      [
        `1 email:${secondaryEmail}`,
        `1 siret:${siret}`,
        `1 user:${secondaryId}`,
        `2 email:${email}`,
        `2 siret:${siret}`,
        `2 user:${principalId}`,
      ].sort(),
    );

    // Down and up again: the older words come back, then today's.
    await migrateTo(raw, '0004-membership-events-index');
    const { rows: back } = await sql<{ type: string; data: Record<string, unknown> }>`
      select type, data from events where stream = ${stream} and seq = 2`.execute(db);
    expect(back[0]!.type).toBe('org.ceded');
    expect(back[0]!.data).toMatchObject({ fromOrgId: spaceId, toOrgId: spaceId + 1 });
    await migrateToLatest(raw);
    const again = await db
      .selectFrom('events')
      .select('type')
      .where('stream', '=', stream)
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow();
    expect(again.type).toBe('space.ceded');
  });
});
