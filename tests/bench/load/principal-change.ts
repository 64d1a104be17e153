/**
 * A change every member of a space receives: the principal sets a
 * secondary's SIRETs through the HTTP API, alternately none and one, so that
 * each call is a real change with one stored event (in detail for the
 * principal and that secondary, `hidden` for the others, same id).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../server/db/schema.js';
import { spaceStream } from '../../../server/events/append-events.js';
import { streamHead } from '../../../server/realtime/build-snapshot.js';
import type { SeededSpace } from './seed-spaces.js';

export interface PrincipalChanger {
  /** Makes the next change through `baseUrl`; resolves once the HTTP answer came. */
  change(baseUrl: string): Promise<void>;
  /** The head of the space's stream now (the id of the last change's event). */
  head(): Promise<number>;
}

export function principalChanger(
  db: Kysely<Database>,
  space: SeededSpace,
  target = space.secondaries.at(-1)!,
): PrincipalChanger {
  let count = 0;
  return {
    async change(baseUrl) {
      const sirets = count++ % 2 === 0 ? [] : [space.sirets[0]!];
      const response = await fetch(`${baseUrl}/api/v1/secondaries/${target.userId}/sirets`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${space.principal.token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ sirets }),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`the change answered ${response.status}`);
    },
    head: () => streamHead(db, spaceStream(space.spaceId)),
  };
}
