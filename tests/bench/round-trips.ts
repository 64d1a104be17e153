/**
 * Round trips to the database per command: each command of the benchmark's
 * mix run once through `runRule`, as the HTTP routes run it, on a Kysely that
 * counts every statement it sends (BEGIN and COMMIT included), plus the
 * session check every HTTP request makes first.
 */
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { authenticateToken, createSession } from '../../server/auth/sessions.js';
import type { Database } from '../../server/db/schema.js';
import { addSecondary } from '../../server/rules/add-secondary.js';
import { removeSecondary } from '../../server/rules/remove-secondary.js';
import { runRule } from '../../server/rules/run-rule.js';
import { setSecondarySirets } from '../../server/rules/set-secondary-sirets.js';
import { createPrincipalWithSpace, createSecondary, uniqueEmail } from '../support/fixtures.js';

export interface RoundTrips {
  authenticate: number;
  attributeSirets: number;
  addSecondary: number;
  removeSecondary: number;
}

export async function countRoundTrips(databaseUrl: string): Promise<RoundTrips> {
  let count = 0;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
    log: () => {
      count += 1;
    },
  });
  const counted = async (run: () => Promise<unknown>) => {
    count = 0;
    await run();
    return count;
  };
  try {
    const space = await createPrincipalWithSpace(db, { sirets: 6 });
    const secondary = await createSecondary(db, space);
    const { token } = await createSession(db, space.principal.id);
    const put = (sirets: string[]) =>
      runRule(db, (trx) =>
        setSecondarySirets(trx, space.actor, { userId: secondary.user.id, sirets }),
      );
    await put(space.sirets.slice(0, 3));
    let added = 0;
    return {
      authenticate: await counted(() => authenticateToken(db, token)),
      // A change of list, as in the benchmark: three SIRETs taken, three given.
      attributeSirets: await counted(() => put(space.sirets.slice(3, 6))),
      addSecondary: await counted(async () => {
        const result = await runRule(db, (trx) =>
          addSecondary(trx, space.actor, { email: uniqueEmail('bench') }),
        );
        added = result.secondary.id;
      }),
      removeSecondary: await counted(() =>
        runRule(db, (trx) => removeSecondary(trx, space.actor, { userId: added })),
      ),
    };
  } finally {
    await db.destroy();
  }
}
