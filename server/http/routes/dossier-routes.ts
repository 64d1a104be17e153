import type { Hono } from 'hono';
import { dossiersAnswer, teamAnswer } from '../../../shared/api-answers.js';
import { listTeam, listVisibleDossiers } from '../../db/queries/read-models.js';
import type { AppEnv, AppServices } from '../context.js';
import { defineRoute, type RouteRegistry } from '../define-route.js';

export function dossierRoutes(
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
      path: '/dossiers',
      summary: "Les dossiers des SIRETs que l'utilisateur traite",
      tag: 'Dossiers',
      access: 'user',
      answer: { status: 200, description: 'Dossiers', schema: dossiersAnswer },
      errors: { 401: 'Non connecté' },
    },
    async (_c, { auth }) => ({ items: await listVisibleDossiers(services.db, auth.user) }),
  );

  defineRoute(
    app,
    registry,
    services,
    {
      method: 'get',
      path: '/team',
      summary: "Les membres de l'espace et leur statut",
      tag: 'Dossiers',
      access: 'member',
      answer: { status: 200, description: 'Membres', schema: teamAnswer },
      errors: { 401: 'Non connecté', 403: 'Réservé aux membres d’un espace' },
    },
    async (_c, { auth }) => ({ items: await listTeam(services.db, auth.user) }),
  );
}
