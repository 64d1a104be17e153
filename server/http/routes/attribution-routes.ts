/**
 * « Attributions »: the table of the space's secondaries × its SIRETs, saved
 * all at once (docs/api.md, docs/domain.md rule 4).
 */
import type { Hono } from 'hono';
import { attributionsAnswer } from '../../../shared/api-answers.js';
import { setAttributionsBody } from '../../../shared/schemas.js';
import { setAttributions } from '../../rules/set-attributions.js';
import type { AppEnv, AppServices } from '../context.js';
import { defineRoute, type RouteRegistry } from '../define-route.js';

const TAG = 'Paramétrage';

export function attributionRoutes(
  app: Hono<AppEnv>,
  registry: RouteRegistry,
  services: AppServices,
): void {
  defineRoute(
    app,
    registry,
    services,
    {
      method: 'put',
      path: '/attributions',
      summary:
        'Enregistrer les attributions de plusieurs utilisateurs secondaires (« Attributions »)',
      description:
        'Chaque ligne de `changes` donne les SIRETs voulus d’un utilisateur secondaire (`sirets`) ' +
        'et ceux que le tableau montrait avant la saisie (`base`). Tout ou rien : si les SIRETs ' +
        'd’une ligne ne sont plus `base`, rien n’est enregistré (`409`, ce que chaque ligne ' +
        'signalée détient maintenant dans `error.conflicts`). La réponse nomme les utilisateurs ' +
        'dont les SIRETs ont changé ; chacun reçoit un événement `secondary.sirets_changed`.',
      tag: TAG,
      access: 'principal',
      body: setAttributionsBody,
      answer: {
        status: 200,
        description: 'Attributions enregistrées : SIRETs attribués et retirés par utilisateur',
        schema: attributionsAnswer,
      },
      errors: {
        400: 'Saisie invalide (ligne en double, SIRET mal formé, aucune ligne)',
        401: 'Non connecté',
        403: 'Réservé à l’utilisateur principal',
        404: 'Un utilisateur n’est pas un secondaire de cet espace',
        409: 'Attributions modifiées pendant la saisie : rien n’a été enregistré (ATTRIBUTIONS_CONFLICT)',
        422: 'SIRET hors de l’espace',
      },
    },
    async (_c, { auth, body }) => {
      const { changed } = await services.run((trx) =>
        setAttributions(trx, { userId: auth.user.id }, body),
      );
      return { changed };
    },
  );
}
