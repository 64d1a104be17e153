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
import {
  addedSiretAnswer,
  cessionAnswer,
  cessionCheckAnswer,
  invitedSecondaryAnswer,
  resentInvitationAnswer,
  secondariesPageAnswer,
  secondaryAnswer,
  siretsAnswer,
} from '../../../shared/api-answers.js';
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
import {
  defineRoute,
  type RouteAnswer,
  type RouteHandler,
  type RouteRegistry,
  type RouteSpec,
} from '../define-route.js';
import { sendInvitationMail } from '../send-invitation-mail.js';
import { csvFile } from '../csv-file.js';

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
    R extends RouteAnswer,
  >(
    spec: RouteSpec<B, Q, P, R> & { access: 'principal' },
    handler: RouteHandler<B, Q, P, 'principal', R>,
  ) => defineRoute(app, registry, services, spec, handler);

  route(
    {
      method: 'get',
      path: '/sirets',
      summary: "Les SIRETs de l'espace, avec le nombre de dossiers en cours et à compléter",
      tag: TAG,
      access: 'principal',
      answer: { status: 200, description: 'SIRETs', schema: siretsAnswer },
      errors: { 401: 'Non connecté', 403: 'Réservé à l’utilisateur principal' },
    },
    async (_c, { auth }) => ({ items: await listSiretsWithCounts(db, auth.user.spaceId!) }),
  );

  route(
    {
      method: 'post',
      path: '/sirets',
      summary: 'Enregistrer un nouveau SIRET (code de déblocage d’un dossier en cours)',
      tag: TAG,
      access: 'principal',
      body: addSiretBody,
      answer: { status: 201, description: 'SIRET ajouté', schema: addedSiretAnswer },
      errors: {
        400: 'Saisie invalide',
        403: 'Interdit',
        409: 'SIRET déjà géré',
        422: 'Pas de dossier en cours ou code incorrect',
        423: 'Bloqué',
      },
    },
    async (_c, { auth, body }) => {
      const { siret } = await services.run((trx) => addSiret(trx, { userId: auth.user.id }, body));
      return { siret };
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
      answer: { status: 204, description: 'SIRET supprimé' },
      errors: {
        404: 'SIRET inconnu',
        409: 'Un dossier est encore à « Compléter dossier »',
      },
    },
    async (_c, { auth, params }) => {
      await services.run((trx) =>
        deleteSiret(trx, { userId: auth.user.id }, { siret: params.siret }),
      );
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
      answer: { status: 200, description: 'Cession faite', schema: cessionAnswer },
      errors: {
        400: 'Adresse e-mail invalide',
        403: 'Réservé à l’utilisateur principal',
        422: 'Adresse refusée (CESSION_TARGET_NOT_PRINCIPAL, compté) ou sa propre adresse (CESSION_TARGET_SELF)',
        423: 'Cession bloquée après 5 adresses refusées',
      },
    },
    async (_c, { auth, body }) => {
      const { cessionId } = await services.run((trx) =>
        cedeSirets(trx, { userId: auth.user.id }, { email: body.email }),
      );
      const user = await findUserById(db, auth.user.id);
      return { cessionId, user: toMeView(user!) };
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
      answer: {
        status: 200,
        description: 'Adresse acceptée : { email }',
        schema: cessionCheckAnswer,
      },
      errors: {
        400: 'Adresse e-mail invalide',
        401: 'Non connecté',
        403: 'Réservé à l’utilisateur principal',
        422: 'Adresse refusée (CESSION_TARGET_NOT_PRINCIPAL, compté) ou sa propre adresse (CESSION_TARGET_SELF)',
        423: 'Cession bloquée après 5 adresses refusées',
      },
    },
    async (_c, { auth, body }) => {
      const { email } = await services.run((trx) =>
        checkCessionTarget(trx, { userId: auth.user.id }, { email: body.email }),
      );
      return { email };
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
      answer: { status: 200, description: 'Une page de la liste', schema: secondariesPageAnswer },
      errors: { 400: 'Paramètres invalides' },
    },
    (_c, { auth, query }) => listSecondariesPage(db, auth.user.spaceId!, query),
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
      answer: {
        status: 201,
        description: 'Utilisateur créé et invité',
        schema: invitedSecondaryAnswer,
      },
      errors: { 409: 'Adresse déjà utilisée' },
    },
    async (_c, { auth, body }) => {
      const { secondary, invitation } = await services.run((trx) =>
        addSecondary(trx, { userId: auth.user.id }, { email: body.email }),
      );
      const mailSent = await sendInvitationMail(services, invitation);
      return { ...secondary, mailSent };
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
      answer: { status: 204, description: 'Supprimé' },
      errors: { 404: 'Inconnu dans cet espace' },
    },
    async (_c, { auth, params }) => {
      await services.run((trx) =>
        removeSecondary(trx, { userId: auth.user.id }, { userId: params.id }),
      );
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
      answer: { status: 200, description: 'Attributions enregistrées', schema: secondaryAnswer },
      errors: {
        404: 'Inconnu dans cet espace',
        422: 'SIRET hors de l’espace',
      },
    },
    async (_c, { auth, params, body }) => {
      const { secondary } = await services.run((trx) =>
        setSecondarySirets(
          trx,
          { userId: auth.user.id },
          { userId: params.id, sirets: body.sirets },
        ),
      );
      return secondary;
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
      answer: { status: 200, description: 'Invitation renvoyée', schema: resentInvitationAnswer },
      errors: {
        404: 'Inconnu dans cet espace',
        409: 'Compte déjà actif',
      },
    },
    async (_c, { auth, params }) => {
      const { invitation } = await services.run((trx) =>
        resendInvitation(trx, { userId: auth.user.id }, { userId: params.id }),
      );
      const mailSent = await sendInvitationMail(services, invitation);
      return { expiresAt: invitation.expiresAt, mailSent };
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
      answer: { status: 204, description: 'Invitation annulée' },
      errors: { 404: 'Aucune invitation en attente' },
    },
    async (_c, { auth, params }) => {
      await services.run((trx) =>
        revokeInvitation(trx, { userId: auth.user.id }, { userId: params.id }),
      );
    },
  );

  route(
    {
      method: 'get',
      path: '/attributions.csv',
      summary: 'Exporter les attributions utilisateur × SIRET (CSV)',
      tag: TAG,
      access: 'principal',
      answer: {
        status: 200,
        description: 'Fichier CSV (séparateur « ; », UTF-8)',
        contentType: 'text/csv',
      },
      errors: {},
    },
    async (c, { auth }) => {
      const rows = await listAttributionRows(db, auth.user.spaceId!);
      return csvFile(c, 'attributions-sirets.csv', [
        ['Adresse email', 'Statut utilisateur', 'SIRET'],
        ...rows.map((r) => [r.email, USER_STATUS_LABELS[r.status], r.siret ?? '']),
      ]);
    },
  );
}
