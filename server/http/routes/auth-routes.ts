import type { Hono } from 'hono';
import { meAnswer, sessionAnswer } from '../../../shared/api-answers.js';
import { loginBody, signupBody } from '../../../shared/schemas.js';
import { createSession, revokeSession } from '../../auth/sessions.js';
import { toMeView } from '../../auth/me-view.js';
import { findUserByEmail } from '../../db/queries/users.js';
import { DomainError } from '../../rules/domain-error.js';
import { signUpPrincipal } from '../../rules/sign-up-principal.js';
import { decoySecretHash, hashSecret, verifySecret } from '../../security/secrets.js';
import type { AppEnv, AppServices } from '../context.js';
import { defineRoute, type RouteRegistry } from '../define-route.js';
import { beginLoginAttempt } from '../login-limits.js';
import { limitAttempt } from '../rate-limit.js';

export function authRoutes(
  app: Hono<AppEnv>,
  registry: RouteRegistry,
  services: AppServices,
): void {
  const { db, config } = services;

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: '/auth/signup',
      summary:
        'Créer un espace employeur (utilisateur principal) avec un SIRET et son code de déblocage',
      tag: 'Authentification',
      access: 'public',
      body: signupBody,
      answer: { status: 201, description: 'Espace créé, session ouverte', schema: sessionAnswer },
      errors: {
        400: 'Saisie invalide',
        409: 'E-mail ou SIRET déjà utilisé',
        422: 'Code ou dossier refusé',
        423: 'Bloqué',
        429: 'Trop de tentatives',
      },
    },
    async (c, { body }) => {
      await limitAttempt(
        c,
        db,
        `signup:addr:${c.get('clientAddress')}`,
        config.rateLimits.signupPerAddress,
      );
      await limitAttempt(c, db, `signup:email:${body.email}`, config.rateLimits.signupPerEmail);
      const passwordHash = await hashSecret(body.password);
      const { user } = await services.run((trx) =>
        signUpPrincipal(trx, {
          email: body.email,
          passwordHash,
          siret: body.siret,
          unlockCode: body.unlockCode,
          clientAddress: c.get('clientAddress'),
        }),
      );
      const { token } = await createSession(db, user.id);
      return { token, user: toMeView(user) };
    },
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: '/auth/login',
      summary: 'Se connecter',
      tag: 'Authentification',
      access: 'public',
      body: loginBody,
      answer: { status: 200, description: 'Session ouverte', schema: sessionAnswer },
      errors: {
        401: 'Identifiants incorrects',
        429: 'Trop de tentatives',
      },
    },
    async (c, { body }) => {
      const attempt = await beginLoginAttempt(c, services, body.email);
      const user = await findUserByEmail(db, body.email);
      // The same work whether the account exists or not: no timing tells them apart.
      const hash = user?.passwordHash ?? (await decoySecretHash());
      const matches = await verifySecret(hash, body.password);
      if (!user || !user.passwordHash || !matches || user.status !== 'active') {
        throw new DomainError('INVALID_CREDENTIALS');
      }
      await attempt.succeeded();
      const { token } = await createSession(db, user.id);
      return { token, user: toMeView(user) };
    },
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: '/auth/logout',
      summary: 'Se déconnecter (le jeton cesse de fonctionner partout, ses sockets sont fermées)',
      tag: 'Authentification',
      access: 'user',
      answer: { status: 204, description: 'Session fermée' },
      errors: { 401: 'Non connecté' },
    },
    async (_c, { auth }) => {
      await revokeSession(db, auth.session.id);
      services.realtime.endSession(auth.session.id, 'logout');
    },
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'get',
      path: '/me',
      summary: "L'utilisateur connecté",
      tag: 'Authentification',
      access: 'user',
      answer: { status: 200, description: 'Utilisateur', schema: meAnswer },
      errors: { 401: 'Non connecté' },
    },
    (_c, { auth }) => ({ user: toMeView(auth.user) }),
  );
}
