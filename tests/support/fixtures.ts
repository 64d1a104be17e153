/**
 * Test data written straight into a real database. Data is not reset between
 * the tests of a file, so every helper makes its own unique e-mails and
 * SIRETs. Hashes are computed once per process: argon2 is slow on purpose.
 */
import { randomInt } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';
import type { ErrorCode } from '../../shared/errors.js';
import type { DossierKind, DossierStatus } from '../../shared/domain.js';
import { luhnSum } from '../../shared/siret.js';
import type { Database, Dossier, Invitation, User } from '../../server/db/schema.js';
import type { Actor } from '../../server/rules/actor.js';
import { hashSecret, hashToken, newToken } from '../../server/security/secrets.js';

/** The unlock code of every dossier made by `createDossier` unless told otherwise. */
export const UNLOCK_CODE = 'DEBLOC-2024-0001';
export const WRONG_UNLOCK_CODE = 'DEBLOC-9999-9999';
/** The password of every user made here. */
export const PASSWORD = 'mot-de-passe-de-test';

let unlockCodeHashPromise: Promise<string> | undefined;
let passwordHashPromise: Promise<string> | undefined;

/** argon2 hash of `UNLOCK_CODE`, computed once. */
export function unlockCodeHash(): Promise<string> {
  unlockCodeHashPromise ??= hashSecret(UNLOCK_CODE);
  return unlockCodeHashPromise;
}

/** argon2 hash of `PASSWORD`, computed once. */
export function passwordHash(): Promise<string> {
  passwordHashPromise ??= hashSecret(PASSWORD);
  return passwordHashPromise;
}

/** Appends the Luhn check digit to a string of digits. */
export function withLuhnDigit(digits: string): string {
  for (let check = 0; check <= 9; check++) {
    const candidate = `${digits}${check}`;
    if (luhnSum(candidate) % 10 === 0) return candidate;
  }
  throw new Error('unreachable: one check digit always completes a Luhn sum');
}

/** A random valid SIRET (Luhn), never one of La Poste's (SIREN 356000000). */
export function validSiret(): string {
  for (;;) {
    let digits = '';
    for (let i = 0; i < 13; i++) digits += String(randomInt(10));
    if (!digits.startsWith('356000000')) return withLuhnDigit(digits);
  }
}

let emailCounter = 0;
/** A lower-case e-mail no other test uses. */
export function uniqueEmail(prefix = 'user'): string {
  emailCounter += 1;
  return `${prefix}.${Date.now().toString(36)}.${emailCounter}.${randomInt(1e9)}@example.fr`;
}

let referenceCounter = 0;
/** A dossier reference no other test uses. */
export function uniqueReference(): string {
  referenceCounter += 1;
  return `AT-${Date.now().toString(36).toUpperCase()}-${referenceCounter}-${randomInt(1e9)}`;
}

export async function createAdmin(
  db: Kysely<Database>,
  options: { email?: string } = {},
): Promise<{ user: User; actor: Actor }> {
  const user = await db
    .insertInto('users')
    .values({
      email: options.email ?? uniqueEmail('admin'),
      role: 'admin',
      status: 'active',
      passwordHash: await passwordHash(),
      spaceId: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { user, actor: { userId: user.id } };
}

export interface CreateDossierOptions {
  siret: string;
  status?: DossierStatus;
  kind?: DossierKind;
  reference?: string;
  /** ISO date; default 2026-03-02. */
  openedAt?: string;
  /** ISO date; default 20 days after a 2026-03-02 opening, whatever `openedAt`. */
  dueAt?: string;
  /** Defaults to the hash of `UNLOCK_CODE`. */
  unlockCodeHash?: string;
}

/** A dossier as the insurer's systems would have opened it (no event: written directly). */
export async function createDossier(
  db: Kysely<Database>,
  options: CreateDossierOptions,
): Promise<Dossier> {
  return db
    .insertInto('dossiers')
    .values({
      reference: options.reference ?? uniqueReference(),
      siret: options.siret,
      kind: options.kind ?? 'AT',
      status: options.status ?? 'completer_dossier',
      unlockCodeHash: options.unlockCodeHash ?? (await unlockCodeHash()),
      openedAt: options.openedAt ?? '2026-03-02',
      dueAt: options.dueAt ?? '2026-03-23',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface SpaceFixture {
  spaceId: number;
  principal: User;
  actor: Actor;
  /** The SIRETs of the space, sorted. */
  sirets: string[];
  /** The dossiers made for those SIRETs (one per SIRET unless `dossierStatus` is null). */
  dossiers: Dossier[];
}

/**
 * An employer space with an active principal and its SIRETs. Each SIRET gets
 * one dossier at `dossierStatus` (default `consultation`: in progress, and the
 * SIRET may still be deleted); `dossierStatus: null` makes none.
 */
export async function createPrincipalWithSpace(
  db: Kysely<Database>,
  options: {
    email?: string;
    sirets?: number | string[];
    dossierStatus?: DossierStatus | null;
  } = {},
): Promise<SpaceFixture> {
  const space = await db
    .insertInto('spaces')
    .values({ dissolvedAt: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const principal = await db
    .insertInto('users')
    .values({
      email: options.email ?? uniqueEmail('principal'),
      role: 'principal',
      status: 'active',
      passwordHash: await passwordHash(),
      spaceId: space.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const requested = options.sirets ?? 1;
  const sirets = (
    typeof requested === 'number' ? Array.from({ length: requested }, validSiret) : [...requested]
  ).sort();
  if (sirets.length > 0) {
    await db
      .insertInto('sirets')
      .values(sirets.map((siret) => ({ siret, spaceId: space.id })))
      .execute();
  }
  const dossierStatus =
    options.dossierStatus === undefined ? 'consultation' : options.dossierStatus;
  const dossiers: Dossier[] = [];
  if (dossierStatus !== null) {
    for (const siret of sirets)
      dossiers.push(await createDossier(db, { siret, status: dossierStatus }));
  }
  return { spaceId: space.id, principal, actor: { userId: principal.id }, sirets, dossiers };
}

export interface SecondaryFixture {
  user: User;
  actor: Actor;
  /** For a pending secondary: the invitation and the token of its link. */
  invitation: Invitation | null;
  token: string | null;
}

/**
 * A secondary user of a space with these SIRETs attributed. A pending one
 * (default: active) also gets a pending invitation from the space's principal.
 */
export async function createSecondary(
  db: Kysely<Database>,
  space: Pick<SpaceFixture, 'spaceId' | 'principal'>,
  options: { email?: string; status?: 'active' | 'pending'; sirets?: string[] } = {},
): Promise<SecondaryFixture> {
  const status = options.status ?? 'active';
  const user = await db
    .insertInto('users')
    .values({
      email: options.email ?? uniqueEmail('secondary'),
      role: 'secondary',
      status,
      passwordHash: status === 'active' ? await passwordHash() : null,
      spaceId: space.spaceId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const sirets = options.sirets ?? [];
  if (sirets.length > 0) {
    await db
      .insertInto('attributions')
      .values(sirets.map((siret) => ({ userId: user.id, siret })))
      .execute();
  }
  let invitation: Invitation | null = null;
  let token: string | null = null;
  if (status === 'pending') {
    token = newToken();
    invitation = await db
      .insertInto('invitations')
      .values({
        userId: user.id,
        spaceId: space.spaceId,
        email: user.email,
        invitedById: space.principal.id,
        tokenHash: hashToken(token),
        status: 'pending',
        expiresAt: sql<Date>`now() + interval '7 days'`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  return { user, actor: { userId: user.id }, invitation, token };
}

/** Rows of a table, in a stable order, for before/after comparisons. */
export type TableDump = Record<string, unknown[]>;

const DUMPED_TABLES = {
  spaces: 'id',
  users: 'id',
  sirets: 'siret',
  attributions: 'user_id, siret',
  dossiers: 'id',
  invitations: 'id',
  sessions: 'id',
  failed_attempts: 'id',
  event_streams: 'stream',
  events: 'stream, seq',
} as const;

export type DumpedTable = keyof typeof DUMPED_TABLES;

/**
 * Every row of these tables (default: all the domain's tables but
 * `failed_attempts`, which a counted refusal does change).
 */
export async function dumpTables(
  db: Kysely<Database>,
  tables: readonly DumpedTable[] = [
    'spaces',
    'users',
    'sirets',
    'attributions',
    'dossiers',
    'invitations',
    'sessions',
    'event_streams',
    'events',
  ],
): Promise<TableDump> {
  const dump: TableDump = {};
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`
      select * from ${sql.table(table)} order by ${sql.raw(DUMPED_TABLES[table])}`.execute(db);
    dump[table] = rows;
  }
  return dump;
}

export interface EventRecord {
  stream: string;
  seq: number;
  type: string;
  data: unknown;
  audience: number[] | null;
}

/** The events of a stream after `afterSeq`, in order. */
export async function listEvents(
  db: Kysely<Database>,
  stream: string,
  afterSeq = 0,
): Promise<EventRecord[]> {
  return db
    .selectFrom('events')
    .select(['stream', 'seq', 'type', 'data', 'audience'])
    .where('stream', '=', stream)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .execute();
}

/** The head of a stream (0 when it has no event yet). */
export { streamHead } from '../../server/realtime/build-snapshot.js';

export interface Refusal {
  /** The DomainError's code (the error is rethrown when it has none). */
  code: string;
  /** Every table before and after the attempt (failed-attempt counters aside). */
  before: TableDump;
  after: TableDump;
}

/**
 * Runs a rule expected to refuse and returns its code with the tables before
 * and after, for the test to check that the refusal changed nothing.
 */
export async function refusalOf(
  db: Kysely<Database>,
  attempt: () => Promise<unknown>,
): Promise<Refusal> {
  const before = await dumpTables(db);
  try {
    await attempt();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string') throw error;
    return { code, before, after: await dumpTables(db) };
  }
  throw new Error('expected a refusal, the rule succeeded');
}

/**
 * Runs a command that must be refused with `code` and checks that it changed
 * none of `tables` (default: those of `dumpTables`).
 */
export async function expectRefusedWithoutChange(
  db: Kysely<Database>,
  run: () => Promise<unknown>,
  code: ErrorCode,
  tables?: readonly DumpedTable[],
): Promise<void> {
  const before = await dumpTables(db, tables);
  await expect(run()).rejects.toMatchObject({ name: 'DomainError', code });
  expect(await dumpTables(db, tables)).toEqual(before);
}

/**
 * Runs a rule that must be refused with `code` (any error carrying that code)
 * and checks that the refusal changed none of the tables of `dumpTables`.
 */
export async function expectRefused(
  db: Kysely<Database>,
  attempt: () => Promise<unknown>,
  code: string,
): Promise<void> {
  const refusal = await refusalOf(db, attempt);
  expect(refusal.code).toBe(code);
  expect(refusal.after).toEqual(refusal.before);
}

/** Marks an account removed directly, as a removal made outside the rules would leave it. */
export async function markUserRemoved(db: Kysely<Database>, userId: number): Promise<void> {
  await db.updateTable('users').set({ status: 'removed' }).where('id', '=', userId).execute();
}
