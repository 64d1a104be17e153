import type { Hono } from 'hono';
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
      responses: { 200: 'Dossiers', 401: 'Non connecté' },
    },
    async (c, { auth }) => c.json({ items: await listVisibleDossiers(services.db, auth.user) }),
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
      responses: { 200: 'Membres', 401: 'Non connecté', 403: 'Réservé aux membres d’un espace' },
    },
    async (c, { auth }) => c.json({ items: await listTeam(services.db, auth.user) }),
  );
}
