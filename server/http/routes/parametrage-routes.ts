import type { Hono } from 'hono';
import { z } from 'zod';
import {
  addSecondaryBody,
  addSiretBody,
  cessionBody,
  idParamSchema,
  secondariesQuery,
  setSecondarySiretsBody,
  siretSchema,
} from '../../../shared/schemas.js';
import { USER_STATUS_LABELS } from '../../../shared/domain.js';
import { toMeView } from '../../auth/me-view.js';
import { findUserById } from '../../db/queries/users.js';
import { listSiretsWithCounts } from '../../db/queries/sirets.js';
import { listAttributionRows, listSecondariesPage } from '../../db/queries/read-models.js';
import { addSiret } from '../../rules/add-siret.js';
import { deleteSiret } from '../../rules/delete-siret.js';
import { cedeSirets } from '../../rules/cede-sirets.js';
import { checkCessionTarget } from '../../rules/check-cession-target.js';
import { addSecondary } from '../../rules/add-secondary.js';
import { removeSecondary } from '../../rules/remove-secondary.js';
import { setSecondarySirets } from '../../rules/set-secondary-sirets.js';
import { resendInvitation } from '../../rules/resend-invitation.js';
import { revokeInvitation } from '../../rules/revoke-invitation.js';
import type { AppEnv, AppServices } from '../context.js';
import { defineRoute, type RouteRegistry } from '../define-route.js';
import { sendInvitationMail } from '../send-invitation-mail.js';

const TAG = 'Paramétrage';
const idParams = z.object({ id: idParamSchema });
const siretParams = z.object({ siret: siretSchema });
const secondariesListQuery = secondariesQuery.extend({
  status: z.enum(['pending', 'active']).optional(),
});

export function parametrageRoutes(
  app: Hono<AppEnv>,
  registry: RouteRegistry,
  services: AppServices,
): void {
  const { db } = services;
  const route = <
    B extends z.ZodType | undefined,
    Q extends z.ZodType | undefined,
    P extends z.ZodType | undefined,
  >(
    spec: Parameters<typeof defineRoute<B, Q, P, 'principal'>>[3],
    handler: Parameters<typeof defineRoute<B, Q, P, 'principal'>>[4],
  ) => defineRoute(app, registry, services, spec, handler);

  route(
    {
      method: 'get',
      path: '/sirets',
      summary: "Les SIRETs de l'espace, avec le nombre de dossiers en cours et à compléter",
      tag: TAG,
      access: 'principal',
      responses: { 200: 'SIRETs', 401: 'Non connecté', 403: 'Réservé à l’utilisateur principal' },
    },
    async (c, { auth }) => c.json({ items: await listSiretsWithCounts(db, auth.user.spaceId!) }),
  );

  route(
    {
      method: 'post',
      path: '/sirets',
      summary: 'Enregistrer un nouveau SIRET (code de déblocage d’un dossier en cours)',
      tag: TAG,
      access: 'principal',
      body: addSiretBody,
      responses: {
        201: 'SIRET ajouté',
        400: 'Saisie invalide',
        403: 'Interdit',
        409: 'SIRET déjà géré',
        422: 'Pas de dossier en cours ou code incorrect',
        423: 'Bloqué',
      },
    },
    async (c, { auth, body }) => {
      const { siret } = await services.run((trx) => addSiret(trx, { userId: auth.user.id }, body));
      return c.json({ siret }, 201);
    },
  );

  route(
    {
      method: 'delete',
      path: '/sirets/:siret',
      summary:
        'Supprimer un SIRET (possible à partir de l’étape « Consultation » de tous ses dossiers)',
      tag: TAG,
      access: 'principal',
      params: siretParams,
      responses: {
        204: 'SIRET supprimé',
        404: 'SIRET inconnu',
        409: 'Un dossier est encore à « Compléter dossier »',
      },
    },
    async (c, { auth, params }) => {
      await services.run((trx) =>
        deleteSiret(trx, { userId: auth.user.id }, { siret: params.siret }),
      );
      return c.body(null, 204);
    },
  );

  route(
    {
      method: 'post',
      path: '/cession',
      summary:
        'Céder tous les SIRETs à un autre utilisateur principal (l’appelant devient utilisateur secondaire)',
      tag: TAG,
      access: 'principal',
      body: cessionBody,
      responses: {
        200: 'Cession faite',
        400: 'Adresse e-mail invalide',
        403: 'Réservé à l’utilisateur principal',
        422: 'Adresse refusée (CESSION_TARGET_NOT_PRINCIPAL, compté) ou sa propre adresse (CESSION_TARGET_SELF)',
        423: 'Cession bloquée après 5 adresses refusées',
      },
    },
    async (c, { auth, body }) => {
      await services.run((trx) => cedeSirets(trx, { userId: auth.user.id }, { email: body.email }));
      const user = await findUserById(db, auth.user.id);
      return c.json({ user: toMeView(user!) });
    },
  );

  route(
    {
      method: 'post',
      path: '/cession/check',
      summary: 'Vérifier l’adresse du destinataire d’une cession, sans céder',
      description:
        'À appeler avant de demander confirmation de la cession. Répond 200 `{ email }` (l’adresse ' +
        'telle qu’enregistrée) quand c’est celle de l’utilisateur principal d’un autre espace, sinon ' +
        'le même refus que `POST /cession` avec la même adresse. Une adresse refusée compte comme ' +
        'une cession refusée : la cinquième bloque la cession jusqu’à une réinitialisation (3679). ' +
        'Sa propre adresse est refusée avec `CESSION_TARGET_SELF`, sans compter.',
      tag: TAG,
      access: 'principal',
      body: cessionBody,
      responses: {
        200: 'Adresse acceptée : { email }',
        400: 'Adresse e-mail invalide',
        401: 'Non connecté',
        403: 'Réservé à l’utilisateur principal',
        422: 'Adresse refusée (CESSION_TARGET_NOT_PRINCIPAL, compté) ou sa propre adresse (CESSION_TARGET_SELF)',
        423: 'Cession bloquée après 5 adresses refusées',
      },
    },
    async (c, { auth, body }) => {
      const { email } = await services.run((trx) =>
        checkCessionTarget(trx, { userId: auth.user.id }, { email: body.email }),
      );
      return c.json({ email });
    },
  );

  route(
    {
      method: 'get',
      path: '/secondaries',
      summary: 'Liste des utilisateurs secondaires (paginée, filtrable)',
      tag: TAG,
      access: 'principal',
      query: secondariesListQuery,
      responses: { 200: 'Une page de la liste', 400: 'Paramètres invalides' },
    },
    async (c, { auth, query }) => c.json(await listSecondariesPage(db, auth.user.spaceId!, query)),
  );

  route(
    {
      method: 'post',
      path: '/secondaries',
      summary:
        'Enregistrer un nouvel utilisateur secondaire (« En attente de validation », invitation envoyée)',
      tag: TAG,
      access: 'principal',
      body: addSecondaryBody,
      responses: { 201: 'Utilisateur créé et invité', 409: 'Adresse déjà utilisée' },
    },
    async (c, { auth, body }) => {
      const { secondary, invitation } = await services.run((trx) =>
        addSecondary(trx, { userId: auth.user.id }, { email: body.email }),
      );
      const mailSent = await sendInvitationMail(services, invitation);
      return c.json({ ...secondary, mailSent }, 201);
    },
  );

  route(
    {
      method: 'delete',
      path: '/secondaries/:id',
      summary: 'Supprimer un utilisateur secondaire (ses sessions prennent fin aussitôt)',
      tag: TAG,
      access: 'principal',
      params: idParams,
      responses: { 204: 'Supprimé', 404: 'Inconnu dans cet espace' },
    },
    async (c, { auth, params }) => {
      await services.run((trx) =>
        removeSecondary(trx, { userId: auth.user.id }, { userId: params.id }),
      );
      return c.body(null, 204);
    },
  );

  route(
    {
      method: 'put',
      path: '/secondaries/:id/sirets',
      summary: 'Définir les SIRETs attribués à un utilisateur secondaire (« Liste SIRETs »)',
      tag: TAG,
      access: 'principal',
      params: idParams,
      body: setSecondarySiretsBody,
      responses: {
        200: 'Attributions enregistrées',
        404: 'Inconnu dans cet espace',
        422: 'SIRET hors de l’espace',
      },
    },
    async (c, { auth, params, body }) => {
      const { secondary } = await services.run((trx) =>
        setSecondarySirets(
          trx,
          { userId: auth.user.id },
          { userId: params.id, sirets: body.sirets },
        ),
      );
      return c.json(secondary);
    },
  );

  route(
    {
      method: 'post',
      path: '/secondaries/:id/invitation',
      summary: "Renvoyer l'invitation (nouveau lien, l'ancien cesse de fonctionner)",
      tag: TAG,
      access: 'principal',
      params: idParams,
      responses: {
        200: 'Invitation renvoyée',
        404: 'Inconnu dans cet espace',
        409: 'Compte déjà actif',
      },
    },
    async (c, { auth, params }) => {
      const { invitation } = await services.run((trx) =>
        resendInvitation(trx, { userId: auth.user.id }, { userId: params.id }),
      );
      const mailSent = await sendInvitationMail(services, invitation);
      return c.json({ expiresAt: invitation.expiresAt, mailSent });
    },
  );

  route(
    {
      method: 'delete',
      path: '/secondaries/:id/invitation',
      summary: "Annuler l'invitation en attente",
      tag: TAG,
      access: 'principal',
      params: idParams,
      responses: { 204: 'Invitation annulée', 404: 'Aucune invitation en attente' },
    },
    async (c, { auth, params }) => {
      await services.run((trx) =>
        revokeInvitation(trx, { userId: auth.user.id }, { userId: params.id }),
      );
      return c.body(null, 204);
    },
  );

  route(
    {
      method: 'get',
      path: '/attributions.csv',
      summary: 'Exporter les attributions utilisateur × SIRET (CSV)',
      tag: TAG,
      access: 'principal',
      responses: { 200: 'Fichier CSV (séparateur « ; », UTF-8)' },
    },
    async (c, { auth }) => {
      const rows = await listAttributionRows(db, auth.user.spaceId!);
      const lines = [
        ['Adresse email', 'Statut utilisateur', 'SIRET'],
        ...rows.map((r) => [r.email, USER_STATUS_LABELS[r.status], r.siret ?? '']),
      ].map((cells) => cells.map(csvCell).join(';'));
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', 'attachment; filename="attributions-sirets.csv"');
      // The BOM lets spreadsheet software read the accents as UTF-8.
      return c.body(`\uFEFF${lines.join('\r\n')}\r\n`);
    },
  );
}

function csvCell(value: string): string {
  // A leading formula character would run in a spreadsheet: neutralise it.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
