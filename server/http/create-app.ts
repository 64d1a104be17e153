/**
 * The HTTP side: Hono routes over the rules. Each command route validates its
 * input, runs one rule in one transaction, and lets the realtime side publish
 * what it committed.
 */
import { createOriginPolicy } from '../extension-origins.js';
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { errorBody } from '../../shared/errors.js';
import { pingDatabase } from '../db/queries/health.js';
import { DomainError } from '../rules/domain-error.js';
import { runRule } from '../rules/run-rule.js';
import type { AppDeps, AppEnv, AppServices } from './context.js';
import { bodySizeLimit } from './body-size-limit.js';
import { corsHeaders } from './cors-headers.js';
import { resolveClientAddress } from './client-address.js';
import type { RouteRegistry } from './define-route.js';
import { handleError } from './handle-error.js';
import { buildOpenApi } from './openapi.js';
import { adminRoutes } from './routes/admin-routes.js';
import { cessionRoutes } from './routes/cession-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { dossierRoutes } from './routes/dossier-routes.js';
import { historyRoutes } from './routes/history-routes.js';
import { invitationRoutes } from './routes/invitation-routes.js';
import { parametrageRoutes } from './routes/parametrage-routes.js';
import { attributionRoutes } from './routes/attribution-routes.js';
import { attributionImportRoutes } from './routes/attribution-import-routes.js';
import { supportDeskRoutes } from './routes/support-desk-routes.js';
import { invitationPage } from './pages/invitation-page.js';
import { portalStandIn } from './pages/portal-stand-in.js';

export const API_BASE = '/api/v1';
const MAX_BODY_BYTES = 64 * 1024;
/**
 * The routes that take a whole table of a large space: the matrix's save
 * (200 secondaries × 1,000 SIRETs, twice) and the edited export (5,000 lines
 * weigh about 250 KB). Room for the largest spaces, not for abuse.
 */
export const LARGE_BODY_BYTES = 2 * 1024 * 1024;
const LARGE_BODIES: ReadonlySet<string> = new Set([
  `PUT ${API_BASE}/attributions`,
  `POST ${API_BASE}/attributions.csv`,
]);

export function createApp(deps: AppDeps): { app: Hono<AppEnv>; registry: RouteRegistry } {
  const services: AppServices = {
    ...deps,
    run: (rule) => runRule(deps.db, rule, (events) => deps.realtime.publish(events)),
  };
  const app = new Hono<AppEnv>();
  const registry: RouteRegistry = [];
  const ownOrigin = new URL(deps.config.publicUrl).origin;
  const isAllowedOrigin = createOriginPolicy([ownOrigin, ...deps.config.allowedOrigins]);

  app.use(async (c, next) => {
    const requestId = randomUUID();
    c.set('requestId', requestId);
    c.set('auth', null);
    c.set('clientAddress', resolveClientAddress(c, deps.config.trustProxy));
    // Set before the answer exists, so that the answer is built with it rather than copied to add it.
    c.header('X-Request-Id', requestId);
    const started = performance.now();
    await next();
    // The route pattern, not the path: invitation paths carry a secret token.
    deps.logger.info(
      {
        requestId,
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });
  app.use(
    `${API_BASE}/*`,
    corsHeaders({
      isAllowedOrigin,
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowHeaders: ['Authorization', 'Content-Type'],
      exposeHeaders: ['X-Request-Id', 'Content-Disposition'],
      maxAgeSeconds: 600,
    }),
  );
  app.use(
    '*',
    bodySizeLimit({
      maxSize: (c) =>
        LARGE_BODIES.has(`${c.req.method} ${c.req.path}`) ? LARGE_BODY_BYTES : MAX_BODY_BYTES,
      onError: (c) =>
        c.json(errorBody('VALIDATION_FAILED', 'La requête est trop volumineuse.'), 413),
    }),
  );

  app.get('/health', async (c) => {
    await pingDatabase(deps.db);
    return c.json({ ok: true });
  });

  const api = new Hono<AppEnv>();
  authRoutes(api, registry, services);
  invitationRoutes(api, registry, services);
  parametrageRoutes(api, registry, services);
  attributionRoutes(api, registry, services);
  attributionImportRoutes(api, registry, services);
  dossierRoutes(api, registry, services);
  adminRoutes(api, registry, services);
  cessionRoutes(api, registry, services);
  supportDeskRoutes(api, registry, services);
  historyRoutes(api, registry, services);
  api.get('/openapi.json', (c) => c.json(buildOpenApi(registry, API_BASE, deps.config.publicUrl)));
  api.notFound(() => {
    throw new DomainError('NOT_FOUND', { message: "Cette adresse de l'API n'existe pas." });
  });
  app.route(API_BASE, api);

  invitationPage(app, services);
  portalStandIn(app);

  app.notFound((c) => c.json(errorBody('NOT_FOUND', "Cette page n'existe pas."), 404));
  app.onError(handleError(deps.logger));
  api.onError(handleError(deps.logger));
  return { app, registry };
}
