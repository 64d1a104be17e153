/**
 * « Historique » over HTTP (docs/api.md): a member's own history, the support's
 * history of every space with its filters, and both as CSV files.
 */
import type { Hono } from 'hono';
import { historyAnswer } from '../../../shared/api-answers.js';
import { ACTOR_ROLE_LABELS, EVENT_TYPE_LABELS } from '../../../shared/history-text.js';
import { formatDateTime } from '../../../shared/french-format.js';
import { startOfDayInFrance, addDays } from '../../../shared/jours-francs.js';
import {
  adminHistoryQuery,
  historyQuery,
  type AdminHistoryQuery,
} from '../../../shared/schemas.js';
import type { HistoryEntryView, HistoryPageView } from '../../../shared/views.js';
import type { HistorySearch } from '../../db/queries/history.js';
import { readMemberHistory, readSupportHistory } from '../../history/read-history.js';
import type { Authenticated } from '../../auth/sessions.js';
import type { AppEnv, AppServices } from '../context.js';
import { csvFile } from '../csv-file.js';
import { defineRoute, type RouteRegistry } from '../define-route.js';

const TAG = 'Historique';
/** An export reads pages of this size… */
const EXPORT_PAGE = 100;
/** …up to this many entries: beyond, the filters should narrow it. */
export const EXPORT_MAX_ENTRIES = 10_000;

export function historyRoutes(
  app: Hono<AppEnv>,
  registry: RouteRegistry,
  services: AppServices,
): void {
  const { db } = services;
  const ownPage = (auth: Authenticated, before: number | null, limit: number) =>
    readMemberHistory(
      db,
      { userId: auth.user.id, role: auth.user.role, spaceId: auth.user.spaceId! },
      { before, limit },
    );
  const supportPage = (
    auth: Authenticated,
    query: AdminHistoryQuery,
    before: number | null,
    limit: number,
  ) =>
    readSupportHistory(
      db,
      { userId: auth.user.id, role: auth.user.role, spaceId: null },
      searchOf(query, before, limit),
    );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'get',
      path: '/history',
      summary: 'L’historique de l’utilisateur : qui a fait quoi et quand, les plus récents d’abord',
      description:
        'Utilisateur principal : tout son espace. Utilisateur secondaire : ce qui le concerne (SIRETs attribués ou retirés, son statut, la cession de son espace). `next` est le `before` de la page suivante, `null` à la fin.',
      tag: TAG,
      access: 'member',
      query: historyQuery,
      answer: { status: 200, description: 'Une page de l’historique', schema: historyAnswer },
      errors: {
        400: 'Saisie invalide',
        401: 'Non connecté',
        403: 'Réservé aux membres d’un espace',
      },
    },
    (_c, { auth, query }) => ownPage(auth, query.before ?? null, query.limit),
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'get',
      path: '/history.csv',
      summary: 'Exporter l’historique de l’utilisateur (CSV)',
      tag: TAG,
      access: 'member',
      answer: {
        status: 200,
        description: `Fichier CSV (séparateur « ; », UTF-8), au plus ${EXPORT_MAX_ENTRIES} lignes`,
        contentType: 'text/csv',
      },
      errors: { 401: 'Non connecté', 403: 'Réservé aux membres d’un espace' },
    },
    async (c, { auth }) =>
      csvFile(
        c,
        'historique.csv',
        await exportRows((before) => ownPage(auth, before, EXPORT_PAGE)),
      ),
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'get',
      path: '/admin/history',
      summary:
        'L’historique de tous les espaces, filtré par e-mail, SIRET, type de changement et dates',
      description:
        'Les dates `from` et `to` sont des jours en France, tous deux inclus. `next` est le `before` de la page suivante, `null` à la fin.',
      tag: TAG,
      access: 'admin',
      query: adminHistoryQuery,
      answer: { status: 200, description: 'Une page de l’historique', schema: historyAnswer },
      errors: { 400: 'Saisie invalide', 401: 'Non connecté', 403: 'Réservé au support' },
    },
    (_c, { auth, query }) => supportPage(auth, query, query.before ?? null, query.limit),
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'get',
      path: '/admin/history.csv',
      summary: 'Exporter l’historique filtré de tous les espaces (CSV)',
      tag: TAG,
      access: 'admin',
      query: adminHistoryQuery,
      answer: {
        status: 200,
        description: `Fichier CSV (séparateur « ; », UTF-8), au plus ${EXPORT_MAX_ENTRIES} lignes`,
        contentType: 'text/csv',
      },
      errors: { 400: 'Saisie invalide', 401: 'Non connecté', 403: 'Réservé au support' },
    },
    async (c, { auth, query }) =>
      csvFile(
        c,
        'historique-support.csv',
        await exportRows((before) => supportPage(auth, query, before, EXPORT_PAGE)),
      ),
  );
}

function searchOf(query: AdminHistoryQuery, before: number | null, limit: number): HistorySearch {
  const keys = [
    ...(query.email ? [`email:${query.email}`] : []),
    ...(query.siret ? [`siret:${query.siret}`] : []),
  ];
  return {
    keys,
    types: query.type ? [query.type] : null,
    from: query.from ? startOfDayInFrance(query.from) : null,
    // `to` is included: the search stops where the next day starts.
    to: query.to ? startOfDayInFrance(addDays(query.to, 1)) : null,
    beforeId: before,
    limit,
  };
}

async function exportRows(
  page: (before: number | null) => Promise<HistoryPageView>,
): Promise<string[][]> {
  const rows = [['Date', 'Auteur', 'Rôle', 'Changement', 'Description']];
  let before: number | null = null;
  do {
    const { entries, next } = await page(before);
    rows.push(...entries.map(csvRow));
    before = next;
  } while (before !== null && rows.length <= EXPORT_MAX_ENTRIES);
  return rows.slice(0, EXPORT_MAX_ENTRIES + 1);
}

function csvRow(entry: HistoryEntryView): string[] {
  return [
    formatDateTime(entry.at),
    entry.actor.email ?? ACTOR_ROLE_LABELS[entry.actor.role],
    ACTOR_ROLE_LABELS[entry.actor.role],
    EVENT_TYPE_LABELS[entry.type],
    entry.text,
  ];
}
