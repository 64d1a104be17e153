import type { Hono } from 'hono';
import { z } from 'zod';
import { acceptInvitationBody, tokenSchema } from '../../../shared/schemas.js';
import { createSession } from '../../auth/sessions.js';
import { toMeView } from '../../auth/me-view.js';
import { findInvitationByToken } from '../../db/queries/invitations.js';
import { DomainError } from '../../rules/domain-error.js';
import { acceptInvitation } from '../../rules/accept-invitation.js';
import { hashSecret } from '../../security/secrets.js';
import type { AppEnv, AppServices } from '../context.js';
import { defineRoute, type RouteRegistry } from '../define-route.js';

const tokenParams = z.object({ token: tokenSchema });

export function invitationRoutes(
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
      path: '/invitations/:token',
      summary: "Une invitation en attente (adresse invitée, qui invite, date d'expiration)",
      tag: 'Invitations',
      access: 'public',
      params: tokenParams,
      responses: {
        200: 'Invitation',
        400: 'Lien invalide',
        410: 'Invitation expirée ou déjà utilisée',
      },
    },
    async (c, { params }) => {
      const invitation = await findInvitationByToken(services.db, params.token);
      if (!invitation) throw new DomainError('INVITATION_INVALID');
      return c.json(invitation);
    },
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: '/invitations/:token/accept',
      summary:
        'Accepter une invitation en choisissant son mot de passe (le compte devient « Actif »)',
      tag: 'Invitations',
      access: 'public',
      params: tokenParams,
      body: acceptInvitationBody,
      responses: {
        200: 'Compte actif, session ouverte',
        400: 'Saisie invalide',
        410: 'Invitation expirée ou déjà utilisée',
      },
    },
    async (c, { params, body }) => {
      const user = await acceptWithPassword(services, params.token, body.password);
      const { token } = await createSession(services.db, user.id);
      return c.json({ token, user: toMeView(user) });
    },
  );
}

/** Shared by the JSON route and the invitation page. */
export async function acceptWithPassword(services: AppServices, token: string, password: string) {
  const passwordHash = await hashSecret(password);
  const { user } = await services.run((trx) => acceptInvitation(trx, { token, passwordHash }));
  return user;
}
