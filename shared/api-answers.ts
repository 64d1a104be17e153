/**
 * The JSON success answers of the HTTP API, one zod schema each, built from
 * the views of views.ts. A route declares its answer with one of them
 * (server/http/define-route.ts): the handler's result is typed by it, the
 * OpenAPI document describes it, and the panel's client reads its results'
 * types from `ApiAnswers` (type imports only: no zod in the extension).
 */
import { z } from 'zod';
import {
  agentView,
  cessionView,
  dossierView,
  historyPageView,
  invitationView,
  lockView,
  meView,
  memberView,
  pageOf,
  secondaryView,
  sessionView,
  siretView,
  siretWithCountsView,
  supportAccountView,
  supportOverviewView,
  supportSpaceView,
} from './views.js';

const itemsOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item) });
/** Whether the invitation e-mail left; the account exists either way. */
const mailSent = z.boolean();

export const sessionAnswer = sessionView;
export const meAnswer = z.strictObject({ user: meView });
export const invitationPreviewAnswer = z.strictObject({
  email: z.string(),
  invitedBy: z.string(),
  expiresAt: z.iso.datetime(),
});
export const siretsAnswer = itemsOf(siretWithCountsView);
export const addedSiretAnswer = z.strictObject({ siret: siretView });
export const cessionCheckAnswer = z.strictObject({ email: z.string() });
export const secondariesPageAnswer = pageOf(secondaryView);
export const invitedSecondaryAnswer = secondaryView.extend({ mailSent });
export const secondaryAnswer = secondaryView;
export const resentInvitationAnswer = z.strictObject({ expiresAt: z.iso.datetime(), mailSent });
export const dossiersAnswer = itemsOf(dossierView);
export const teamAnswer = itemsOf(memberView);
export const adminInvitationsAnswer = itemsOf(invitationView);
export const locksAnswer = itemsOf(lockView);
export const addedDossierAnswer = z.strictObject({ id: z.number().int(), dossier: dossierView });
export const dossierAnswer = z.strictObject({ dossier: dossierView });
export const historyAnswer = historyPageView;
export const cessionAnswer = z.strictObject({ cessionId: z.number().int(), user: meView });
export const cessionsAnswer = z.strictObject({ cessions: z.array(cessionView) });
export const supportAccountsAnswer = z.strictObject({ accounts: z.array(supportAccountView) });
export const supportSpaceAnswer = supportSpaceView;
export const supportOverviewAnswer = supportOverviewView;
export const agentsAnswer = itemsOf(agentView);
export const createdAgentAnswer = z.strictObject({ agent: agentView, mailSent });
const siretDigits = z.string().regex(/^\d{14}$/);
export const attributionsAnswer = z.strictObject({
  /** The secondaries whose SIRETs changed (rows sent unchanged are left out). */
  changed: z.array(
    z.strictObject({
      userId: z.number().int(),
      email: z.string(),
      attributed: z.array(siretDigits),
      withdrawn: z.array(siretDigits),
    }),
  ),
});
const attributionPair = z.strictObject({ email: z.string(), siret: siretDigits });
/** An import's report: what it changes (or would, with `dryRun`), and its wrong lines. */
export const attributionImportAnswer = z.strictObject({
  applied: z.boolean(),
  add: z.array(attributionPair),
  remove: z.array(attributionPair),
  invite: z.array(z.string()),
  errors: z.array(z.strictObject({ line: z.number().int(), message: z.string() })),
  /** The invited addresses whose e-mail did not leave (their accounts exist: « Renvoyer »). */
  mailsNotSent: z.array(z.string()),
});

/**
 * Each JSON route's answer, by `METHOD /path` as the routes declare them. The
 * typed-answers test checks that every route of the registry declares this very
 * schema, so that the panel's types and the server's answers cannot drift.
 */
export const API_ANSWERS = {
  'POST /auth/signup': sessionAnswer,
  'POST /auth/login': sessionAnswer,
  'GET /me': meAnswer,
  'GET /invitations/:token': invitationPreviewAnswer,
  'POST /invitations/:token/accept': sessionAnswer,
  'GET /sirets': siretsAnswer,
  'POST /sirets': addedSiretAnswer,
  'POST /cession': cessionAnswer,
  'POST /cession/check': cessionCheckAnswer,
  'GET /secondaries': secondariesPageAnswer,
  'POST /secondaries': invitedSecondaryAnswer,
  'PUT /secondaries/:id/sirets': secondaryAnswer,
  'POST /secondaries/:id/invitation': resentInvitationAnswer,
  'GET /dossiers': dossiersAnswer,
  'GET /team': teamAnswer,
  'GET /admin/invitations': adminInvitationsAnswer,
  'GET /admin/locks': locksAnswer,
  'POST /admin/dossiers': addedDossierAnswer,
  'PATCH /admin/dossiers/:id': dossierAnswer,
  'GET /history': historyAnswer,
  'GET /admin/history': historyAnswer,
  'GET /admin/cessions': cessionsAnswer,
  'GET /admin/accounts': supportAccountsAnswer,
  'GET /admin/spaces/:id': supportSpaceAnswer,
  'GET /admin/overview': supportOverviewAnswer,
  'GET /admin/agents': agentsAnswer,
  'POST /admin/agents': createdAgentAnswer,
  'POST /admin/invitations/:id/resend': resentInvitationAnswer,
  'PUT /attributions': attributionsAnswer,
  'POST /attributions.csv': attributionImportAnswer,
} as const satisfies Record<string, z.ZodType>;

export type JsonRoute = keyof typeof API_ANSWERS;
/** The body a JSON route answers with, as the client reads it. */
export type ApiAnswer<R extends JsonRoute> = z.output<(typeof API_ANSWERS)[R]>;
