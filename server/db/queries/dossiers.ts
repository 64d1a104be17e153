/** Dossiers de risques professionnels: how rules and views read and lock them. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DossierStatus } from '../../../shared/domain.js';
import type { DossierView } from '../../../shared/views.js';
import type { Database, Dossier } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** What a view shows of a dossier: lists read these columns only (a space's snapshot reads thousands). */
type DossierViewRow = Pick<
  Dossier,
  'id' | 'reference' | 'siret' | 'kind' | 'status' | 'openedAt' | 'dueAt'
>;
const VIEW_COLUMNS = [
  'dossiers.id',
  'dossiers.reference',
  'dossiers.siret',
  'dossiers.kind',
  'dossiers.status',
  'dossiers.openedAt',
  'dossiers.dueAt',
] as const;

export function toDossierView(row: DossierViewRow): DossierView {
  return {
    id: row.id,
    reference: row.reference,
    siret: row.siret,
    kind: row.kind,
    status: row.status,
    openedAt: row.openedAt,
    dueAt: row.dueAt,
  };
}

/** Every dossier of these SIRETs (closed ones too), oldest first. */
export async function listDossiersOfSirets(
  db: Db,
  sirets: readonly string[],
): Promise<DossierView[]> {
  if (sirets.length === 0) return [];
  const rows = await db
    .selectFrom('dossiers')
    .select(VIEW_COLUMNS)
    .where('siret', 'in', [...sirets])
    .orderBy('openedAt')
    .orderBy('id')
    .execute();
  return rows.map(toDossierView);
}

/** The dossiers of the SIRETs a space manages. */
export async function listDossiersOfSpace(db: Db, spaceId: number): Promise<DossierView[]> {
  const rows = await db
    .selectFrom('dossiers')
    .innerJoin('sirets', 'sirets.siret', 'dossiers.siret')
    .select(VIEW_COLUMNS)
    .where('sirets.spaceId', '=', spaceId)
    .orderBy('dossiers.openedAt')
    .orderBy('dossiers.id')
    .execute();
  return rows.map(toDossierView);
}

/** The dossiers of the SIRETs attributed to a user. */
export async function listDossiersOfUser(db: Db, userId: number): Promise<DossierView[]> {
  const rows = await db
    .selectFrom('dossiers')
    .innerJoin('attributions', 'attributions.siret', 'dossiers.siret')
    .select(VIEW_COLUMNS)
    .where('attributions.userId', '=', userId)
    .orderBy('dossiers.openedAt')
    .orderBy('dossiers.id')
    .execute();
  return rows.map(toDossierView);
}

/**
 * Locks every dossier of a SIRET (ascending id) and returns them. Signups,
 * added SIRETs, deletions and new dossiers of one SIRET are ordered by these
 * row locks; callers that lock a space take it first.
 */
export async function lockDossiersOfSiret(
  trx: Transaction<Database>,
  siret: string,
): Promise<Dossier[]> {
  return trx
    .selectFrom('dossiers')
    .selectAll()
    .where('siret', '=', siret)
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function findDossierById(db: Db, id: number): Promise<Dossier | undefined> {
  return db.selectFrom('dossiers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockDossierById(
  trx: Transaction<Database>,
  id: number,
): Promise<Dossier | undefined> {
  return trx.selectFrom('dossiers').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function hasDossierWithReference(db: Db, reference: string): Promise<boolean> {
  const row = await db
    .selectFrom('dossiers')
    .select('id')
    .where('reference', '=', reference)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertDossier(
  trx: Transaction<Database>,
  values: Pick<
    Dossier,
    'reference' | 'siret' | 'kind' | 'status' | 'unlockCodeHash' | 'openedAt' | 'dueAt'
  >,
): Promise<Dossier> {
  return trx.insertInto('dossiers').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateDossierStatus(
  trx: Transaction<Database>,
  id: number,
  status: DossierStatus,
): Promise<Dossier> {
  return trx
    .updateTable('dossiers')
    .set({ status, updatedAt: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
