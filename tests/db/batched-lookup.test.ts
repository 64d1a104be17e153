/**
 * Session checks and stream reads that arrive together share one statement, on
 * both databases: a burst of handshakes, syncs or commands pays one round trip
 * per batch, and each caller still gets the answer for its own key.
 */
import type { Kysely, KyselyPlugin } from 'kysely';
import { expect, it } from 'vitest';
import { authenticateToken, createSession, revokeSession } from '../../server/auth/sessions.js';
import { createBatchedLookup } from '../../server/db/batched-lookup.js';
import type { Database } from '../../server/db/schema.js';
import { spaceStream, type StreamKey } from '../../server/events/append-events.js';
import { readStreamSince } from '../../server/realtime/sync-events.js';
import { runRule } from '../../server/rules/run-rule.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createPrincipalWithSpace, createSecondary } from '../support/fixtures.js';

/** The same database through a Kysely that counts the statements it sends. */
function countingDb(db: Kysely<Database>): { db: Kysely<Database>; count: () => number } {
  let statements = 0;
  // Counted as their results come back: a query compiled once (server/db/compiled-once.ts)
  // is transformed once, but every run of it has a result.
  const counter: KyselyPlugin = {
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      statements += 1;
      return args.result;
    },
  };
  return { db: db.withPlugin(counter), count: () => statements };
}

describeOnEachDatabase('session checks', (getHandle) => {
  it('read the streams of many syncs in one statement, each from its own position', async () => {
    const { db } = getHandle();
    const counting = countingDb(db);
    const spaces = [];
    for (let i = 0; i < 2; i++) {
      const space = await createPrincipalWithSpace(db, { sirets: 2 });
      const secondary = await createSecondary(db, space);
      for (const sirets of [[space.sirets[0]!], [space.sirets[1]!], []]) {
        await runRule(db, (trx) =>
          setSecondarySirets(trx, space.actor, { userId: secondary.user.id, sirets }),
        );
      }
      spaces.push(space);
    }
    const [a, b] = spaces.map((space) => spaceStream(space.spaceId)) as [StreamKey, StreamKey];
    const alone = await readStreamSince(db, a, 1);
    expect(alone.kind === 'events' && alone.events.map((e) => e.seq)).toEqual([2, 3]);

    const before = counting.count();
    const answers = await Promise.all([
      readStreamSince(counting.db, a, 0),
      readStreamSince(counting.db, a, 2),
      readStreamSince(counting.db, b, 3),
      readStreamSince(counting.db, b, 9),
      readStreamSince(counting.db, a, 2),
    ]);
    expect(counting.count() - before).toBe(1);
    expect(
      answers.map((answer) =>
        answer.kind === 'events' ? answer.events.map((e) => e.seq) : answer.kind,
      ),
    ).toEqual([[1, 2, 3], [3], [], 'too_far', [3]]);
    const first = answers[0]!;
    expect(first.kind === 'events' && first.events[0]!.type).toBe('secondary.sirets_changed');
  });

  it('share one statement when they arrive together, each with its own answer', async () => {
    const { db } = getHandle();
    const counting = countingDb(db);
    const space = await createPrincipalWithSpace(db, { sirets: 1 });
    const secondary = await createSecondary(db, space);
    const principal = await createSession(db, space.principal.id);
    const colleague = await createSession(db, secondary.user.id);
    const revoked = await createSession(db, secondary.user.id);
    await revokeSession(db, revoked.session.id);
    const unknown = 'A'.repeat(43);

    const before = counting.count();
    const answers = await Promise.all(
      [principal.token, colleague.token, revoked.token, unknown, principal.token].map((token) =>
        authenticateToken(counting.db, token),
      ),
    );
    expect(counting.count() - before).toBe(1);
    expect(answers.map((a) => a?.user.id ?? null)).toEqual([
      space.principal.id,
      secondary.user.id,
      null,
      null,
      space.principal.id,
    ]);
    expect(answers[0]!.session.id).toBe(principal.session.id);

    // Alone, a check goes out at once and costs one statement.
    const alone = counting.count();
    expect((await authenticateToken(counting.db, colleague.token))?.session.id).toBe(
      colleague.session.id,
    );
    expect(counting.count() - alone).toBe(1);
  });
});

it('hands a failed statement to every lookup of its batch, and the next batch goes out', async () => {
  let calls = 0;
  const lookup = createBatchedLookup(async (keys: number[]) => {
    calls += 1;
    if (calls === 1) throw new Error('base injoignable');
    return new Map(keys.map((key) => [key, key * 2]));
  });
  const first = await Promise.allSettled([lookup(1), lookup(2)]);
  expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  expect(await Promise.all([lookup(3), lookup(4), lookup(5)])).toEqual([6, 8, 10]);
  expect(calls).toBe(2);
});

it('gathers the lookups that arrive while a statement is in flight into the next one', async () => {
  const batches: number[][] = [];
  let release!: () => void;
  const lookup = createBatchedLookup(async (keys: number[]) => {
    batches.push(keys);
    if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
    return new Map(keys.map((key) => [key, -key]));
  });
  const first = lookup(1);
  await new Promise((resolve) => setImmediate(resolve));
  const later = [lookup(2), lookup(3), lookup(2)];
  await new Promise((resolve) => setImmediate(resolve));
  expect(batches).toEqual([[1]]);
  release();
  expect(await Promise.all([first, ...later])).toEqual([-1, -2, -3, -2]);
  expect(batches).toEqual([[1], [2, 3]]);
});
