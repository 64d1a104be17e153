/** What the panel reads: each viewer sees only what their role allows (docs/domain.md, "Who"). */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DossierView, MemberView, Page, SecondaryView } from '../../../shared/views.js';
import type { UserStatus } from '../../../shared/domain.js';
import {
  compareMembers,
  dossierScope,
  memberAsSeenBy,
  type Onlooker,
} from '../../../shared/visibility.js';
import type { Database, User } from '../schema.js';
import { listDossiersOfSpace, listDossiersOfUser, toDossierView } from './dossiers.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Dossiers of the SIRETs the viewer handles (all of the space for its principal); an admin sees every dossier. */
export async function listVisibleDossiers(db: Db, viewer: User): Promise<DossierView[]> {
  const scope = dossierScope(viewerOf(viewer));
  if (scope === 'all') {
    const rows = await db
      .selectFrom('dossiers')
      .selectAll()
      .orderBy('openedAt')
      .orderBy('id')
      .execute();
    return rows.map(toDossierView);
  }
  if (scope === 'none' || viewer.spaceId === null) return [];
  return scope === 'space'
    ? listDossiersOfSpace(db, viewer.spaceId)
    : listDossiersOfUser(db, viewer.id);
}

/** Every member of the viewer's space, each as the viewer may see them, in the members' order. */
export async function listTeam(db: Db, viewer: User): Promise<MemberView[]> {
  if (viewer.spaceId === null) return [];
  const members = await db
    .selectFrom('users')
    .select(['id', 'email', 'role', 'status'])
    .where('spaceId', '=', viewer.spaceId)
    .where('status', '<>', 'removed')
    .where('role', 'in', ['principal', 'secondary'])
    .execute();
  const attributions = await attributionsOfSpace(db, viewer.spaceId);
  const onlooker = viewerOf(viewer);
  return members
    .map((m) =>
      memberAsSeenBy(onlooker, {
        id: m.id,
        email: m.email,
        role: m.role as MemberView['role'],
        status: m.status,
        sirets: m.role === 'principal' ? null : (attributions.get(m.id) ?? []),
      }),
    )
    .sort(compareMembers);
}

function viewerOf(user: User): Onlooker {
  return { userId: user.id, role: user.role, spaceId: user.spaceId };
}

export interface SecondariesFilter {
  page: number;
  pageSize: number;
  q?: string | undefined;
  status?: UserStatus | undefined;
}

/** The principal's table of secondary users, one page of it, searchable by e-mail. */
export async function listSecondariesPage(
  db: Db,
  spaceId: number,
  filter: SecondariesFilter,
): Promise<Page<SecondaryView>> {
  let base = db
    .selectFrom('users')
    .where('spaceId', '=', spaceId)
    .where('role', '=', 'secondary')
    .where('status', '<>', 'removed');
  if (filter.q) base = base.where('email', 'like', `%${escapeLike(filter.q.toLowerCase())}%`);
  if (filter.status) base = base.where('status', '=', filter.status);
  const { total } = await base
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await base
    .select(['id', 'email', 'status'])
    .orderBy('email')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  const sirets = await attributionsOf(
    db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => ({ ...r, sirets: sirets.get(r.id) ?? [] })),
    total: Number(total),
    page: filter.page,
    pageSize: filter.pageSize,
  };
}

/** Rows of the attributions export: one line per secondary and SIRET (a line without SIRET for none). */
export async function listAttributionRows(
  db: Db,
  spaceId: number,
): Promise<{ email: string; status: UserStatus; siret: string | null }[]> {
  return db
    .selectFrom('users as u')
    .leftJoin('attributions as a', 'a.userId', 'u.id')
    .select(['u.email', 'u.status', sql<string | null>`a.siret`.as('siret')])
    .where('u.spaceId', '=', spaceId)
    .where('u.role', '=', 'secondary')
    .where('u.status', '<>', 'removed')
    .orderBy('u.email')
    .orderBy('a.siret')
    .execute();
}

async function attributionsOfSpace(db: Db, spaceId: number): Promise<Map<number, string[]>> {
  const rows = await db
    .selectFrom('attributions as a')
    .innerJoin('users as u', 'u.id', 'a.userId')
    .select(['a.userId', 'a.siret'])
    .where('u.spaceId', '=', spaceId)
    .orderBy('a.siret')
    .execute();
  return groupSirets(rows);
}

async function attributionsOf(db: Db, userIds: number[]): Promise<Map<number, string[]>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('attributions')
    .select(['userId', 'siret'])
    .where('userId', 'in', userIds)
    .orderBy('siret')
    .execute();
  return groupSirets(rows);
}

function groupSirets(rows: { userId: number; siret: string }[]): Map<number, string[]> {
  const bySecondary = new Map<number, string[]>();
  for (const { userId, siret } of rows) {
    const list = bySecondary.get(userId) ?? [];
    list.push(siret);
    bySecondary.set(userId, list);
  }
  return bySecondary;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
