import type { Hono } from 'hono';
import { z } from 'zod';
import {
  addedDossierAnswer,
  adminInvitationsAnswer,
  dossierAnswer,
  locksAnswer,
} from '../../../shared/api-answers.js';
import {
  addDossierBody,
  adminInvitationsQuery,
  changeDossierStatusBody,
  idParamSchema,
  requiredReasonBody,
} from '../../../shared/schemas.js';
import { listInvitationViews } from '../../db/queries/invitations.js';
import { listLockViews } from '../../db/queries/locks.js';
import { addDossier } from '../../rules/add-dossier.js';
import { changeDossierStatus } from '../../rules/change-dossier-status.js';
import { resetLock, resetUserLocks } from '../../rules/reset-lock.js';
import { hashSecret } from '../../security/secrets.js';
import { findDossierById, toDossierView } from '../../db/queries/dossiers.js';
import { DomainError } from '../../rules/domain-error.js';
import type { AppEnv, AppServices } from '../context.js';
import { defineRoute, type RouteRegistry } from '../define-route.js';
import { supportAgentsRoutes } from './support-agents-routes.js';

const TAG = 'Support';
const idParams = z.object({ id: idParamSchema });

export function adminRoutes(
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
      path: '/admin/invitations',
      summary: 'Les invitations de tous les espaces, les plus récentes d’abord',
      tag: TAG,
      access: 'admin',
      query: adminInvitationsQuery,
      answer: { status: 200, description: 'Invitations', schema: adminInvitationsAnswer },
      errors: { 403: 'Réservé au support' },
    },
    async (_c, { query }) => ({ items: await listInvitationViews(db, query) }),
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'get',
      path: '/admin/locks',
      summary: 'Les blocages en cours (trop de tentatives infructueuses)',
      tag: TAG,
      access: 'admin',
      answer: { status: 200, description: 'Blocages', schema: locksAnswer },
      errors: { 403: 'Réservé au support' },
    },
    async () => ({ items: await listLockViews(db) }),
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: '/admin/locks/:id/reset',
      summary: 'Lever un blocage',
      tag: TAG,
      access: 'admin',
      params: idParams,
      body: requiredReasonBody,
      answer: { status: 204, description: 'Blocage levé' },
      errors: { 400: 'Motif manquant ou saisie invalide', 404: 'Aucun blocage' },
    },
    async (_c, { auth, params, body }) => {
      await services.run((trx) =>
        resetLock(trx, { userId: auth.user.id }, { lockId: params.id, reason: body.reason }),
      );
    },
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: '/admin/users/:id/reset',
      summary: "Lever les blocages d'un utilisateur (réinitialisation « 3679 »)",
      tag: TAG,
      access: 'admin',
      params: idParams,
      body: requiredReasonBody,
      answer: { status: 204, description: 'Blocages levés' },
      errors: {
        400: 'Motif manquant ou saisie invalide',
        404: 'Aucun blocage pour cet utilisateur',
      },
    },
    async (_c, { auth, params, body }) => {
      await services.run((trx) =>
        resetUserLocks(trx, { userId: auth.user.id }, { userId: params.id, reason: body.reason }),
      );
    },
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: '/admin/dossiers',
      summary:
        "Ouvrir un dossier de risques professionnels (arrivée depuis les systèmes de l'assureur)",
      tag: TAG,
      access: 'admin',
      body: addDossierBody,
      answer: { status: 201, description: 'Dossier créé', schema: addedDossierAnswer },
      errors: { 409: 'Référence déjà utilisée' },
    },
    async (_c, { auth, body }) => {
      const unlockCodeHash = await hashSecret(body.unlockCode);
      const { dossier } = await services.run((trx) =>
        addDossier(
          trx,
          { userId: auth.user.id },
          {
            reference: body.reference,
            siret: body.siret,
            kind: body.kind,
            status: body.status,
            unlockCodeHash,
            ...(body.openedAt ? { openedAt: body.openedAt } : {}),
            ...(body.reason ? { reason: body.reason } : {}),
          },
        ),
      );
      return { id: dossier.id, dossier };
    },
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'patch',
      path: '/admin/dossiers/:id',
      summary: "Changer le statut d'un dossier",
      tag: TAG,
      access: 'admin',
      params: idParams,
      body: changeDossierStatusBody,
      answer: { status: 200, description: 'Statut changé', schema: dossierAnswer },
      errors: { 404: 'Dossier inconnu' },
    },
    async (_c, { auth, params, body }) => {
      await services.run((trx) =>
        changeDossierStatus(
          trx,
          { userId: auth.user.id },
          {
            dossierId: params.id,
            status: body.status,
            ...(body.reason ? { reason: body.reason } : {}),
          },
        ),
      );
      const row = await findDossierById(db, params.id);
      if (!row) throw new DomainError('NOT_FOUND');
      return { dossier: toDossierView(row) };
    },
  );

  // Agents' accounts and support's acts on invitations, each with a reason.
  supportAgentsRoutes(app, registry, services);
}
