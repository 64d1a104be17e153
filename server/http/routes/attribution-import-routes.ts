/**
 * « Importer les attributions »: the export of GET /attributions.csv, edited in
 * a spreadsheet, sent back as the request's body (docs/api.md).
 */
import type { Context, Hono } from 'hono';
import { attributionImportAnswer } from '../../../shared/api-answers.js';
import { importAttributionsQuery } from '../../../shared/schemas.js';
import { importAttributions } from '../../rules/import-attributions.js';
import { DomainError } from '../../rules/domain-error.js';
import type { AppEnv, AppServices } from '../context.js';
import { defineRoute, type RouteRegistry } from '../define-route.js';
import { readCsv } from '../read-csv.js';
import { sendInvitationMail, type InvitationToSend } from '../send-invitation-mail.js';

const TAG = 'Paramétrage';
const PATH = '/attributions.csv';
/** Types a browser or a client may give a CSV file; none at all is accepted too. */
const CSV_TYPES = [
  'text/csv',
  'text/plain',
  'application/vnd.ms-excel',
  'application/octet-stream',
];
/** Invitation e-mails sent at once after an import. */
const MAILS_IN_FLIGHT = 8;

export function attributionImportRoutes(
  app: Hono<AppEnv>,
  registry: RouteRegistry,
  services: AppServices,
): void {
  defineRoute(
    app,
    registry,
    services,
    {
      method: 'post',
      path: PATH,
      summary: 'Importer les attributions utilisateur × SIRET (le fichier de l’export, modifié)',
      description:
        'Le corps est le fichier CSV lui-même (UTF-8, séparateur « ; » ou « , », en-tête ' +
        '`Adresse email;Statut utilisateur;SIRET`, 2 Mo au plus). Chaque utilisateur secondaire ' +
        'nommé par le fichier reçoit exactement les SIRETs de ses lignes ; une adresse inconnue ' +
        'est invitée avec ses SIRETs ; les autres ne changent pas. Tout ou rien : une seule ligne ' +
        'fausse et rien n’est importé (`422`, toutes les lignes fausses dans `error.lines`). ' +
        'Avec `dryRun=1`, répond ce que le fichier changerait, sans rien changer.',
      tag: TAG,
      access: 'principal',
      query: importAttributionsQuery,
      fileBody: {
        contentType: 'text/csv',
        description: 'Le fichier CSV des attributions, en UTF-8',
      },
      answer: {
        status: 200,
        description: 'Compte rendu : ajouts, retraits, invitations, lignes fausses (dryRun)',
        schema: attributionImportAnswer,
      },
      errors: {
        400: 'Fichier qui n’est pas du texte UTF-8',
        401: 'Non connecté',
        403: 'Réservé à l’utilisateur principal',
        413: 'Fichier de plus de 2 Mo',
        422: 'Lignes fausses : rien n’a été importé (ATTRIBUTIONS_IMPORT_INVALID)',
      },
    },
    async (c, { auth, query }) => {
      const rows = readCsv(await readCsvText(c));
      const result = await services.run((trx) =>
        importAttributions(trx, { userId: auth.user.id }, { rows, dryRun: query.dryRun }),
      );
      const mailsNotSent = await sendInvitationMails(services, result.invitations);
      return {
        applied: result.applied,
        add: result.add,
        remove: result.remove,
        invite: result.invite,
        errors: result.errors,
        mailsNotSent,
      };
    },
  );
}

async function readCsvText(c: Context<AppEnv>): Promise<string> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type && !CSV_TYPES.includes(type)) {
    throw new DomainError('VALIDATION_FAILED', {
      message: 'Envoyez le fichier CSV lui-même comme contenu de la requête (text/csv).',
    });
  }
  const bytes = await c.req.arrayBuffer();
  try {
    // `fatal`: a file saved in another encoding is refused, not read with wrong letters.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DomainError('VALIDATION_FAILED', {
      message: 'Le fichier doit être enregistré en UTF-8 (CSV UTF-8).',
    });
  }
}

/** Sends each invitation after commit; returns the addresses whose e-mail did not leave. */
async function sendInvitationMails(
  services: AppServices,
  invitations: readonly InvitationToSend[],
): Promise<string[]> {
  const notSent: string[] = [];
  for (let start = 0; start < invitations.length; start += MAILS_IN_FLIGHT) {
    const batch = invitations.slice(start, start + MAILS_IN_FLIGHT);
    const sent = await Promise.all(
      batch.map((invitation) => sendInvitationMail(services, invitation)),
    );
    batch.forEach((invitation, i) => {
      if (!sent[i]) notSent.push(invitation.email);
    });
  }
  return notSent.sort();
}
