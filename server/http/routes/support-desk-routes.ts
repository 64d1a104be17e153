/**
 * The support desk's read side (docs/api.md, « Support desk »): find anyone
 * by e-mail or SIRET, see a space whole, and the day's figures. Read only:
 * the actions (resets, cessions) have their own routes.
 */
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  supportAccountsAnswer,
  supportOverviewAnswer,
  supportSpaceAnswer,
} from '../../../shared/api-answers.js';
import { addDays, todayInFrance } from '../../../shared/jours-francs.js';
import { idParamSchema, supportAccountsQuery } from '../../../shared/schemas.js';
import type { SupportOverviewView, SupportSpaceView } from '../../../shared/views.js';
import { listDossiersOfSpace } from '../../db/queries/dossiers.js';
import { listInvitationViews } from '../../db/queries/invitations.js';
import { listLockViews } from '../../db/queries/locks.js';
import { listSiretsOfSpace } from '../../db/queries/sirets.js';
import {
  countInvitationsByDay,
  countPendingAndLocked,
  findSpaceWithPrincipal,
  listSecondariesForSupport,
  searchAccounts,
} from '../../db/queries/support-desk.js';
import type { Database } from '../../db/schema.js';
import { readSpaceHistoryForSupport } from '../../history/read-history.js';
import { DomainError } from '../../rules/domain-error.js';
import type { Authenticated } from '../../auth/sessions.js';
import type { AppEnv, AppServices, RealtimePort } from '../context.js';
import { defineRoute, type RouteRegistry } from '../define-route.js';

const TAG = 'Support';
const idParams = z.object({ id: idParamSchema });
/** A space's page shows its latest history entries; the history screen pages further. */
const SPACE_HISTORY_ENTRIES = 50;
/** Invitations of a space listed at most on its page. */
const SPACE_INVITATIONS = 500;
/** The overview's series: this many French calendar days, today included. */
const OVERVIEW_DAYS = 30;

export function supportDeskRoutes(
  app: Hono<AppEnv>,
  registry: RouteRegistry,
  services: AppServices,
): void {
  const { db } = services;

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'get',
      path: '/admin/accounts',
      summary: 'Trouver un compte par une partie de son adresse e-mail ou par un SIRET',
      description:
        'Un SIRET (espaces et points acceptés) donne les comptes de l’espace qui le gère ; sinon `q` est une partie de l’adresse e-mail. Au plus 50 comptes, les utilisateurs principaux d’abord, puis par adresse. `spaceName` est l’adresse de l’utilisateur principal de l’espace (`null` sans espace ou pour un espace dissous).',
      tag: TAG,
      access: 'admin',
      query: supportAccountsQuery,
      answer: { status: 200, description: 'Comptes trouvés', schema: supportAccountsAnswer },
      errors: {
        400: 'Recherche trop courte, trop longue ou SIRET invalide',
        403: 'Réservé au support',
      },
    },
    async (_c, { query }) => ({ accounts: await searchAccounts(db, query.q) }),
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'get',
      path: '/admin/spaces/:id',
      summary:
        'Un espace employeur en entier : SIRETs, dossiers, membres, invitations, blocages, historique',
      tag: TAG,
      access: 'admin',
      params: idParams,
      answer: { status: 200, description: 'L’espace', schema: supportSpaceAnswer },
      errors: { 400: 'Identifiant invalide', 403: 'Réservé au support', 404: 'Espace inconnu' },
    },
    async (_c, { auth, params }) => readSpace(db, auth, params.id, services.realtime),
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'get',
      path: '/admin/overview',
      summary:
        'Les chiffres du support : invitations en attente, validées, expirées, comptes bloqués',
      description:
        'Les jours sont des jours en France ; `days` couvre les 30 derniers jours, aujourd’hui compris, du plus ancien au plus récent, chaque jour présent.',
      tag: TAG,
      access: 'admin',
      answer: { status: 200, description: 'Les chiffres', schema: supportOverviewAnswer },
      errors: { 403: 'Réservé au support' },
    },
    () => readOverview(db, new Date()),
  );
}

async function readSpace(
  db: Kysely<Database>,
  auth: Authenticated,
  spaceId: number,
  realtime: Pick<RealtimePort, 'online'>,
): Promise<SupportSpaceView> {
  const space = await findSpaceWithPrincipal(db, spaceId);
  if (!space) throw new DomainError('NOT_FOUND');
  const viewer = { userId: auth.user.id, role: auth.user.role, spaceId: null };
  const [sirets, dossiers, secondaries, invitations, locks, history, online] = await Promise.all([
    listSiretsOfSpace(db, spaceId),
    listDossiersOfSpace(db, spaceId),
    listSecondariesForSupport(db, spaceId),
    listInvitationViews(db, {
      spaceId,
      statuses: ['pending', 'expired'],
      limit: SPACE_INVITATIONS,
    }),
    listLockViews(db, { spaceId }),
    readSpaceHistoryForSupport(db, viewer, spaceId, SPACE_HISTORY_ENTRIES),
    // Presence lives in the sockets; a dissolved space has nobody left to count.
    space.dissolvedAt ? [] : realtime.online(spaceId),
  ]);
  return {
    id: space.id,
    name: space.principal?.email ?? null,
    dissolvedAt: space.dissolvedAt ? space.dissolvedAt.toISOString() : null,
    principal: space.principal,
    sirets: sirets.map((siret) => ({
      ...siret,
      dossiers: dossiers.filter((dossier) => dossier.siret === siret.siret),
    })),
    secondaries,
    invitations,
    locks,
    history: history.entries,
    online,
  };
}

/** Today's figures come from the series, so the two can never disagree. */
async function readOverview(db: Kysely<Database>, now: Date): Promise<SupportOverviewView> {
  const today = todayInFrance(now);
  const [days, counts] = await Promise.all([
    countInvitationsByDay(db, addDays(today, 1 - OVERVIEW_DAYS), today),
    countPendingAndLocked(db, now),
  ]);
  const monday = addDays(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7));
  return {
    pendingInvitations: counts.pendingInvitations,
    validatedToday: days.at(-1)?.validated ?? 0,
    expiredThisWeek: days
      .filter((day) => day.date >= monday)
      .reduce((sum, day) => sum + day.expired, 0),
    lockedAccounts: counts.lockedAccounts,
    days,
  };
}
