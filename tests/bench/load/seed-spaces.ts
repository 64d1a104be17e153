/**
 * Many employer spaces with many members, each with a live session, written
 * in bulk (thousands of users in seconds). Tokens are made and hashed exactly
 * as `createSession` does (server/auth/sessions.ts); the clear tokens stay in
 * memory for the load generators and are never logged.
 */
import type { Kysely } from 'kysely';
import { SESSION_TTL_MS } from '../../../server/auth/sessions.js';
import type { Database } from '../../../server/db/schema.js';
import { hashToken, newToken } from '../../../server/security/secrets.js';
import {
  passwordHash,
  unlockCodeHash,
  uniqueReference,
  validSiret,
} from '../../support/fixtures.js';

export interface SeededMember {
  userId: number;
  token: string;
}

export interface SeededSpace {
  spaceId: number;
  principal: SeededMember;
  /** Active secondaries, each with one SIRET of the space attributed. */
  secondaries: SeededMember[];
  sirets: string[];
}

export interface SeedOptions {
  spaces: number;
  /** Secondaries per space (the principal comes on top). */
  secondariesPerSpace: number;
  siretsPerSpace?: number;
}

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters. */
const CHUNK = 1000;

export async function seedSpaces(
  db: Kysely<Database>,
  options: SeedOptions,
): Promise<SeededSpace[]> {
  const siretsPerSpace = options.siretsPerSpace ?? 3;
  const hash = await passwordHash();
  const codeHash = await unlockCodeHash();
  const spaceIds: number[] = [];
  for (const part of chunks(Array.from({ length: options.spaces }), CHUNK)) {
    const rows = await db
      .insertInto('spaces')
      .values(part.map(() => ({ dissolvedAt: null })))
      .returning('id')
      .execute();
    spaceIds.push(...rows.map((r) => r.id));
  }

  const siretsOf = new Map(
    spaceIds.map((spaceId) => [spaceId, Array.from({ length: siretsPerSpace }, validSiret).sort()]),
  );
  const siretRows = spaceIds.flatMap((spaceId) =>
    siretsOf.get(spaceId)!.map((siret) => ({ siret, spaceId })),
  );
  for (const part of chunks(siretRows, CHUNK)) await db.insertInto('sirets').values(part).execute();
  for (const part of chunks(siretRows, CHUNK)) {
    await db
      .insertInto('dossiers')
      .values(
        part.map(({ siret }) => ({
          reference: uniqueReference(),
          siret,
          kind: 'AT' as const,
          status: 'consultation' as const,
          unlockCodeHash: codeHash,
          openedAt: '2026-03-02',
          dueAt: '2026-03-23',
        })),
      )
      .execute();
  }

  const perSpace = options.secondariesPerSpace + 1;
  const userRows = spaceIds.flatMap((spaceId) =>
    Array.from({ length: perSpace }, (_, i) => ({
      email: `bench.${spaceId}.${i}@example.fr`,
      role: i === 0 ? ('principal' as const) : ('secondary' as const),
      status: 'active' as const,
      passwordHash: hash,
      spaceId,
    })),
  );
  const users: { id: number; spaceId: number | null; role: string }[] = [];
  for (const part of chunks(userRows, CHUNK)) {
    users.push(
      ...(await db.insertInto('users').values(part).returning(['id', 'spaceId', 'role']).execute()),
    );
  }

  const attributionRows = users
    .filter((u) => u.role === 'secondary')
    .map((u, i) => {
      const sirets = siretsOf.get(u.spaceId!)!;
      return { userId: u.id, siret: sirets[i % sirets.length]! };
    });
  for (const part of chunks(attributionRows, CHUNK))
    await db.insertInto('attributions').values(part).execute();

  const tokens = new Map<number, string>();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  for (const part of chunks(users, CHUNK)) {
    const rows = part.map((u) => {
      const token = newToken();
      tokens.set(u.id, token);
      return { userId: u.id, tokenHash: hashToken(token), expiresAt };
    });
    await db.insertInto('sessions').values(rows).execute();
  }

  const member = (id: number): SeededMember => ({ userId: id, token: tokens.get(id)! });
  return spaceIds.map((spaceId) => {
    const ofSpace = users.filter((u) => u.spaceId === spaceId);
    return {
      spaceId,
      principal: member(ofSpace.find((u) => u.role === 'principal')!.id),
      secondaries: ofSpace.filter((u) => u.role === 'secondary').map((u) => member(u.id)),
      sirets: siretsOf.get(spaceId)!,
    };
  });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
