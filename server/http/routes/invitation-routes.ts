import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { invitationPreviewAnswer, sessionAnswer } from '../../../shared/api-answers.js';
import { acceptInvitationBody, tokenSchema } from '../../../shared/schemas.js';
import { createSession } from '../../auth/sessions.js';
import { toMeView } from '../../auth/me-view.js';
import { findAgentInvitationByToken } from '../../db/queries/agents.js';
import { findInvitationByToken, type InvitationPreview } from '../../db/queries/invitations.js';
import { DomainError } from '../../rules/domain-error.js';
import { acceptInvitation } from '../../rules/accept-invitation.js';
import { acceptAgentInvitation } from '../../rules/support-agents.js';
import { hashSecret } from '../../security/secrets.js';
import type { AppEnv, AppServices } from '../context.js';
import { defineRoute, type RouteRegistry } from '../define-route.js';
import { limitAttempt, type CountedAttempt } from '../rate-limit.js';

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
      answer: { status: 200, description: 'Invitation', schema: invitationPreviewAnswer },
      errors: {
        400: 'Lien invalide',
        410: 'Invitation expirée ou déjà utilisée',
      },
    },
    async (_c, { params }) => {
      const invitation = await previewInvitation(services.db, params.token);
      if (!invitation) throw new DomainError('INVITATION_INVALID');
      return {
        email: invitation.email,
        invitedBy: invitation.invitedBy,
        expiresAt: invitation.expiresAt,
      };
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
      answer: { status: 200, description: 'Compte actif, session ouverte', schema: sessionAnswer },
      errors: {
        400: 'Saisie invalide',
        410: 'Invitation expirée ou déjà utilisée',
        429: 'Trop de tentatives',
      },
    },
    async (c, { params, body }) => {
      const attempt = await limitInvitationAttempt(c, services);
      const user = await acceptWithPassword(services, params.token, body.password);
      await attempt.release();
      const { token } = await createSession(services.db, user.id);
      return { token, user: toMeView(user) };
    },
  );
}

/**
 * Failed accepts (unknown, used or expired links) count against the client's
 * address; past the limit it is refused (429). An accepted link gives its place back.
 */
export function limitInvitationAttempt(
  c: Context<AppEnv>,
  services: AppServices,
): Promise<CountedAttempt> {
  return limitAttempt(
    c,
    services.db,
    `invitation:addr:${c.get('clientAddress')}`,
    services.config.rateLimits.invitationFailuresPerAddress,
  );
}

/**
 * The link a token opens while it can be accepted: a secondary's invitation,
 * or a new support agent's (`forAgent`). Shared by the JSON routes and the page.
 */
export async function previewInvitation(
  db: AppServices['db'],
  token: string,
): Promise<(InvitationPreview & { forAgent: boolean }) | undefined> {
  const secondary = await findInvitationByToken(db, token);
  if (secondary) return { ...secondary, forAgent: false };
  const agent = await findAgentInvitationByToken(db, token);
  return agent ? { ...agent, forAgent: true } : undefined;
}

/** Shared by the JSON route and the invitation page. */
export async function acceptWithPassword(services: AppServices, token: string, password: string) {
  // The link first: hashing costs 19 MiB and tens of milliseconds of a core, which a
  // link nobody can accept must not cost. The rule checks it again under its locks.
  const invitation = await previewInvitation(services.db, token);
  if (!invitation) throw new DomainError('INVITATION_INVALID');
  const passwordHash = await hashSecret(password);
  const accept = invitation.forAgent ? acceptAgentInvitation : acceptInvitation;
  const { user } = await services.run((trx) => accept(trx, { token, passwordHash }));
  return user;
}
