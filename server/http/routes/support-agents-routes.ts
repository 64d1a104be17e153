/**
 * The support desk's own acts (docs/domain.md, « Support accounts » and rule
 * 4, « Support acts »): agents' accounts, and a space's invitations resent or
 * revoked by an agent. Each asks for a reason, kept in the history.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import {
  agentsAnswer,
  createdAgentAnswer,
  resentInvitationAnswer,
} from '../../../shared/api-answers.js';
import { createAgentBody, idParamSchema, requiredReasonBody } from '../../../shared/schemas.js';
import { listAgentViews } from '../../db/queries/agents.js';
import { agentInvitationMail } from '../../mail/invitation-mail.js';
import { createAgent, deactivateAgent } from '../../rules/support-agents.js';
import {
  supportResendInvitation,
  supportRevokeInvitation,
} from '../../rules/support-invitations.js';
import type { AppEnv, AppServices } from '../context.js';
import { defineRoute, type RouteRegistry } from '../define-route.js';
import { sendInvitationMail } from '../send-invitation-mail.js';

const TAG = 'Support';
const idParams = z.object({ id: idParamSchema });

export function supportAgentsRoutes(
  app: Hono<AppEnv>,
  registry: RouteRegistry,
  services: AppServices,
): void {
  defineRoute(
    app,
    registry,
    services,
    {
      method: 'get',
      path: '/admin/agents',
      summary: 'Les comptes du support, avec leur statut et leur date de création',
      tag: TAG,
      access: 'admin',
      answer: { status: 200, description: 'Agents du support', schema: agentsAnswer },
      errors: { 403: 'Réservé au support' },
    },
    async () => ({ items: await listAgentViews(services.db) }),
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: '/admin/agents',
      summary: 'Créer un compte du support (un lien lui permet de choisir son mot de passe)',
      tag: TAG,
      access: 'admin',
      body: createAgentBody,
      answer: { status: 201, description: 'Compte créé, en attente', schema: createdAgentAnswer },
      errors: { 400: 'Saisie invalide', 403: 'Réservé au support', 409: 'Adresse déjà utilisée' },
    },
    async (_c, { auth, body }) => {
      const { agent, invitation } = await services.run((trx) =>
        createAgent(trx, { userId: auth.user.id }, { email: body.email, reason: body.reason }),
      );
      const mailSent = await sendInvitationMail(services, invitation, agentInvitationMail);
      return { agent, mailSent };
    },
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: '/admin/agents/:id/deactivate',
      summary: 'Désactiver un compte du support (ses sessions prennent fin aussitôt)',
      tag: TAG,
      access: 'admin',
      params: idParams,
      body: requiredReasonBody,
      answer: { status: 204, description: 'Compte désactivé' },
      errors: {
        400: 'Saisie invalide',
        403: 'Réservé au support',
        404: 'Aucun agent actif ou en attente sous cet identifiant',
        409: 'Soi-même, ou le dernier agent actif',
      },
    },
    async (_c, { auth, params, body }) => {
      await services.run((trx) =>
        deactivateAgent(trx, { userId: auth.user.id }, { userId: params.id, reason: body.reason }),
      );
    },
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: '/admin/invitations/:id/resend',
      summary: "Renvoyer l'invitation d'un utilisateur secondaire (nouveau lien valable 7 jours)",
      tag: TAG,
      access: 'admin',
      params: idParams,
      body: requiredReasonBody,
      answer: { status: 200, description: 'Invitation renvoyée', schema: resentInvitationAnswer },
      errors: {
        400: 'Saisie invalide',
        403: 'Réservé au support',
        404: 'Invitation inconnue ou invité supprimé',
        409: 'Compte déjà actif',
      },
    },
    async (_c, { auth, params, body }) => {
      const { invitation } = await services.run((trx) =>
        supportResendInvitation(
          trx,
          { userId: auth.user.id },
          { invitationId: params.id, reason: body.reason },
        ),
      );
      const mailSent = await sendInvitationMail(services, invitation);
      return { expiresAt: invitation.expiresAt, mailSent };
    },
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: '/admin/invitations/:id/revoke',
      summary: "Annuler l'invitation en attente d'un utilisateur secondaire",
      tag: TAG,
      access: 'admin',
      params: idParams,
      body: requiredReasonBody,
      answer: { status: 204, description: 'Invitation annulée' },
      errors: {
        400: 'Saisie invalide',
        403: 'Réservé au support',
        404: 'Aucune invitation en attente sous cet identifiant',
      },
    },
    async (_c, { auth, params, body }) => {
      await services.run((trx) =>
        supportRevokeInvitation(
          trx,
          { userId: auth.user.id },
          { invitationId: params.id, reason: body.reason },
        ),
      );
    },
  );
}
