/**
 * Cessions put back (docs/domain.md rule 1, « Undoing a cession »): support
 * finds them by either principal's e-mail and undoes one with a reason; the
 * receiving principal refuses one within 7 days; support makes another member
 * principal of a space.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import { cessionsAnswer } from '../../../shared/api-answers.js';
import {
  cessionRefusalBody,
  cessionsQuery,
  cessionUndoBody,
  idParamSchema,
  principalChangeBody,
} from '../../../shared/schemas.js';
import type { CessionView } from '../../../shared/views.js';
import {
  listCessionsByEmail,
  readCessionRemains,
  type CessionRow,
} from '../../db/queries/cessions.js';
import { findDissolvedSpaces } from '../../db/queries/spaces.js';
import type { Database } from '../../db/schema.js';
import { changePrincipal } from '../../rules/change-principal.js';
import { planRevert, refuseCession, undoCession } from '../../rules/revert-cession.js';
import type { AppEnv, AppServices } from '../context.js';
import { defineRoute, type RouteRegistry } from '../define-route.js';
import type { Kysely } from 'kysely';

const idParams = z.object({ id: idParamSchema });
/** Enough for a caller's own cessions; a search narrower than this is a typo. */
const CESSIONS_LISTED = 50;

const REVERT_ERRORS = {
  400: 'Motif manquant ou saisie invalide',
  404: 'Aucune cession',
  409: 'Déjà annulée (CESSION_ALREADY_REVERTED), impossible (CESSION_REVERT_IMPOSSIBLE, le message dit pourquoi) ou en partie seulement (CESSION_REVERT_PARTIAL : le message dit ce qui ne peut pas revenir ; `confirmPartial: true` rétablit le reste)',
};

export function cessionRoutes(
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
      path: '/admin/cessions',
      summary:
        'Les cessions dont l’un des deux utilisateurs principaux a cette adresse (ou une partie)',
      tag: 'Support',
      access: 'admin',
      query: cessionsQuery,
      answer: {
        status: 200,
        description: 'Cessions, les plus récentes d’abord',
        schema: cessionsAnswer,
      },
      errors: { 400: 'Adresse trop courte ou trop longue', 403: 'Réservé au support' },
    },
    async (_c, { query }) => ({
      cessions: await cessionViews(db, await listCessionsByEmail(db, query.email, CESSIONS_LISTED)),
    }),
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: '/admin/cessions/:id/undo',
      summary:
        'Annuler une cession : SIRETs, utilisateurs secondaires et attributions reviennent à l’espace d’origine',
      tag: 'Support',
      access: 'admin',
      params: idParams,
      body: cessionUndoBody,
      answer: { status: 204, description: 'Cession annulée' },
      errors: { ...REVERT_ERRORS, 403: 'Réservé au support' },
    },
    async (_c, { auth, params, body }) => {
      await services.run((trx) =>
        undoCession(trx, { userId: auth.user.id }, { cessionId: params.id, ...body }),
      );
    },
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: '/cessions/:id/refuse',
      summary:
        'Refuser une cession reçue (dans les 7 jours) : tout revient à l’espace qui l’a faite',
      tag: 'Paramétrage',
      access: 'principal',
      params: idParams,
      body: cessionRefusalBody,
      answer: { status: 204, description: 'Cession refusée' },
      errors: {
        ...REVERT_ERRORS,
        403: 'Réservé à l’utilisateur principal',
        404: 'Aucune cession reçue par cet espace',
      },
    },
    async (_c, { auth, params, body }) => {
      await services.run((trx) =>
        refuseCession(
          trx,
          { userId: auth.user.id },
          { cessionId: params.id, confirmPartial: body.confirmPartial, reason: body.reason },
        ),
      );
    },
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: '/admin/spaces/:id/principal',
      summary: 'Faire d’un utilisateur secondaire actif l’utilisateur principal de l’espace',
      tag: 'Support',
      access: 'admin',
      params: idParams,
      body: principalChangeBody,
      answer: { status: 204, description: 'Utilisateur principal changé' },
      errors: {
        400: 'Motif manquant ou saisie invalide',
        403: 'Réservé au support',
        404: 'Aucun espace',
        422: 'Pas un utilisateur secondaire actif de cet espace',
      },
    },
    async (_c, { auth, params, body }) => {
      await services.run((trx) =>
        changePrincipal(
          trx,
          { userId: auth.user.id },
          { spaceId: params.id, userId: body.userId, reason: body.reason },
        ),
      );
    },
  );
}

/** Each cession as support sees it, with what an undo would leave behind now. */
async function cessionViews(db: Kysely<Database>, rows: CessionRow[]): Promise<CessionView[]> {
  const dissolved = await findDissolvedSpaces(
    db,
    rows.flatMap((row) => [row.fromSpaceId, row.toSpaceId]),
  );
  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      cededAt: row.cededAt.toISOString(),
      fromSpaceId: row.fromSpaceId,
      toSpaceId: row.toSpaceId,
      fromPrincipalEmail: row.fromPrincipalEmail,
      toPrincipalEmail: row.toPrincipalEmail,
      sirets: row.sirets,
      secondaryCount: row.memberIds.length,
      revertedAt: row.revertedAt?.toISOString() ?? null,
      revertedHow: row.revertedHow,
      revertedByEmail: row.revertedByEmail,
      reason: row.reason,
      revert:
        row.revertedAt === null
          ? planRevert(row, await readCessionRemains(db, row), dissolved)
          : null,
    })),
  );
}
