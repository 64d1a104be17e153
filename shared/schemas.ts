/**
 * Request schemas of the HTTP contract, validated once at the server's edge
 * on the limits and French messages of field-checks.ts, which the panel
 * checks its forms with (without zod). French messages: they reach the user.
 */
import { z } from 'zod';
import { DOSSIER_KINDS, DOSSIER_STATUSES, INVITATION_STATUSES } from './domain.js';
import { STORED_EVENT_TYPES } from './events.js';
import {
  MAX_REASON_LENGTH,
  EMAIL_PATTERN,
  FIELD_MESSAGES,
  MAX_EMAIL_LENGTH,
  MAX_PASSWORD_LENGTH,
  MAX_UNLOCK_CODE_LENGTH,
  MIN_PASSWORD_LENGTH,
} from './field-checks.js';
import { DOSSIER_REFERENCE_MESSAGES, MAX_DOSSIER_REFERENCE_LENGTH } from './dossier-checks.js';
import { compactSiret, parseSiret, SIRET_MESSAGES, siretProblem } from './siret.js';

export {
  MAX_EMAIL_LENGTH,
  MAX_PASSWORD_LENGTH,
  MAX_UNLOCK_CODE_LENGTH,
  MIN_PASSWORD_LENGTH,
} from './field-checks.js';

export const emailSchema = z
  .string({ error: FIELD_MESSAGES.emailRequired })
  .trim()
  .max(MAX_EMAIL_LENGTH, FIELD_MESSAGES.emailTooLong)
  .pipe(z.email({ pattern: EMAIL_PATTERN, error: FIELD_MESSAGES.emailInvalid }))
  .transform((email) => email.toLowerCase());

export const passwordSchema = z
  .string({ error: FIELD_MESSAGES.passwordRequired })
  .min(MIN_PASSWORD_LENGTH, FIELD_MESSAGES.passwordTooShort)
  .max(MAX_PASSWORD_LENGTH, FIELD_MESSAGES.passwordTooLong);

/** Accepts what people type (`732 829 320 00074`), yields the 14 digits. */
export const siretSchema = z
  .string({ error: SIRET_MESSAGES.required })
  .max(40, SIRET_MESSAGES.length)
  .superRefine((value, context) => {
    const problem = siretProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  })
  .transform((value) => parseSiret(value) as string);

export const unlockCodeSchema = z
  .string({ error: FIELD_MESSAGES.unlockCodeRequired })
  .trim()
  .min(1, FIELD_MESSAGES.unlockCodeRequired)
  .max(MAX_UNLOCK_CODE_LENGTH, FIELD_MESSAGES.unlockCodeInvalid);

export const idParamSchema = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1, "L'identifiant n'est pas valide.");

/** Invitation and session tokens are base64url strings of 43 characters (256 bits). */
export const tokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, "Ce lien d'invitation n'est pas valide.");

export const signupBody = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  siret: siretSchema,
  unlockCode: unlockCodeSchema,
});
export type SignupBody = z.infer<typeof signupBody>;

export const loginBody = z.strictObject({
  email: emailSchema,
  password: z.string().min(1, 'Le mot de passe est obligatoire.').max(MAX_PASSWORD_LENGTH),
});
export type LoginBody = z.infer<typeof loginBody>;

export const acceptInvitationBody = z.strictObject({ password: passwordSchema });
export type AcceptInvitationBody = z.infer<typeof acceptInvitationBody>;

export const addSiretBody = z.strictObject({
  siret: siretSchema,
  unlockCode: unlockCodeSchema,
  assignToAllSecondaries: z.boolean().default(false),
});
export type AddSiretBody = z.infer<typeof addSiretBody>;

export const cessionBody = z.strictObject({ email: emailSchema });
export type CessionBody = z.infer<typeof cessionBody>;

export const addSecondaryBody = z.strictObject({ email: emailSchema });
export type AddSecondaryBody = z.infer<typeof addSecondaryBody>;

export const setSecondarySiretsBody = z.strictObject({
  sirets: z.array(siretSchema).max(10_000, 'Trop de SIRETs.'),
});
export type SetSecondarySiretsBody = z.infer<typeof setSecondarySiretsBody>;

/**
 * « Attributions »: the wanted SIRETs of each secondary whose row changed, and
 * the SIRETs the matrix showed for them before the edit (`base`). The server
 * refuses the whole save when a row's SIRETs are no longer `base`.
 */
export const setAttributionsBody = z.strictObject({
  changes: z
    .array(
      z.strictObject({
        userId: z.number().int().positive(),
        sirets: z.array(siretSchema).max(10_000, 'Trop de SIRETs.'),
        base: z.array(siretSchema).max(10_000, 'Trop de SIRETs.'),
      }),
    )
    .min(1, 'Aucune modification à enregistrer.')
    .max(1_000, 'Trop de lignes modifiées en une fois.')
    .refine(
      (changes) => new Set(changes.map((change) => change.userId)).size === changes.length,
      'Un même utilisateur apparaît deux fois.',
    ),
});
export type SetAttributionsBody = z.infer<typeof setAttributionsBody>;

/** `POST /attributions.csv?dryRun=1`: what the file would change, changing nothing. */
export const importAttributionsQuery = z.object({
  dryRun: z
    .enum(['0', '1', 'true', 'false'], {
      error: 'Le paramètre dryRun doit valoir 1 (vérifier sans importer) ou 0.',
    })
    .optional()
    .transform((value) => value === '1' || value === 'true'),
});

export const secondariesQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(10),
  q: z.string().trim().max(MAX_EMAIL_LENGTH).optional(),
});
export type SecondariesQuery = z.infer<typeof secondariesQuery>;

export const adminInvitationsQuery = z.object({
  status: z.enum(INVITATION_STATUSES).optional(),
  q: z.string().trim().max(MAX_EMAIL_LENGTH).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AdminInvitationsQuery = z.infer<typeof adminInvitationsQuery>;

const ACCOUNT_SEARCH_MESSAGE = `Saisissez de 2 à ${MAX_EMAIL_LENGTH} caractères : une partie de l’adresse e-mail, ou un SIRET.`;

/**
 * `GET /api/v1/admin/accounts`: a SIRET typed any way (spaces, dots) finds the
 * accounts of the space managing it; anything else is part of an e-mail. Fourteen
 * digits are a SIRET: a wrong check digit is said as such rather than found nowhere.
 */
export const supportAccountsQuery = z.object({
  q: z
    .string({ error: ACCOUNT_SEARCH_MESSAGE })
    .trim()
    .min(2, ACCOUNT_SEARCH_MESSAGE)
    .max(MAX_EMAIL_LENGTH, ACCOUNT_SEARCH_MESSAGE)
    .superRefine((value, context) => {
      const digits = compactSiret(value);
      const problem = /^\d{14}$/.test(digits) ? siretProblem(digits) : null;
      if (problem) context.addIssue({ code: 'custom', message: problem });
    })
    .transform((value) => {
      const siret = parseSiret(value);
      return siret ? { siret } : { emailPart: value.toLowerCase() };
    }),
});
export type SupportAccountsQuery = z.infer<typeof supportAccountsQuery>;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'La date doit être au format AAAA-MM-JJ.')
  .refine(
    (value) =>
      !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
      new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
    {
      error: "Cette date n'existe pas.",
    },
  );

const historyCursor = {
  before: z.coerce
    .number({ error: 'Le curseur de page n’est pas valide.' })
    .int('Le curseur de page n’est pas valide.')
    .positive('Le curseur de page n’est pas valide.')
    .max(Number.MAX_SAFE_INTEGER, 'Le curseur de page n’est pas valide.')
    .optional(),
  limit: z.coerce
    .number({ error: 'Le nombre de lignes doit être un nombre entre 1 et 100.' })
    .int('Le nombre de lignes doit être un nombre entre 1 et 100.')
    .min(1, 'Le nombre de lignes doit être un nombre entre 1 et 100.')
    .max(100, 'Le nombre de lignes doit être un nombre entre 1 et 100.')
    .default(50),
};

/** `GET /api/v1/history`: the caller's own history, a page before `before`. */
export const historyQuery = z.strictObject(historyCursor);
export type HistoryQuery = z.infer<typeof historyQuery>;

/** An empty field of a search form is no filter. */
const blankAsAbsent = (value: unknown) => (value === '' ? undefined : value);

/** `GET /api/v1/admin/history`: every space, filtered; dates are days in France, both included. */
export const adminHistoryQuery = z
  .strictObject({
    ...historyCursor,
    email: z.preprocess(blankAsAbsent, emailSchema.optional()),
    siret: z.preprocess(blankAsAbsent, siretSchema.optional()),
    type: z.preprocess(
      blankAsAbsent,
      z.enum(STORED_EVENT_TYPES, { error: 'Ce type de changement n’existe pas.' }).optional(),
    ),
    from: z.preprocess(blankAsAbsent, isoDate.optional()),
    to: z.preprocess(blankAsAbsent, isoDate.optional()),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    error: 'La date de début doit précéder la date de fin.',
  });
export type AdminHistoryQuery = z.infer<typeof adminHistoryQuery>;

/**
 * What a support agent types for an act that changes a space or the support
 * desk (a cession undone, an agent's account, a space's invitations): kept in
 * the history, so required.
 */
const requiredReason = z
  .string({ error: FIELD_MESSAGES.reasonRequired })
  .trim()
  .min(1, FIELD_MESSAGES.reasonRequired)
  .max(MAX_REASON_LENGTH, FIELD_MESSAGES.reasonTooLong);

export const requiredReasonBody = z.strictObject({ reason: requiredReason });
export type RequiredReasonBody = z.infer<typeof requiredReasonBody>;

/** `confirmPartial`: do what can be done when part of the cession cannot come back. */
const confirmPartial = z
  .boolean({ error: 'confirmPartial doit valoir true ou false.' })
  .default(false);

export const cessionUndoBody = z.strictObject({ reason: requiredReason, confirmPartial });
export type CessionUndoBody = z.infer<typeof cessionUndoBody>;

/** The receiving principal may say why they refuse a cession; nothing requires it. */
export const cessionRefusalBody = z.strictObject({
  reason: z
    .string({ error: 'Le motif doit être un texte.' })
    .trim()
    .max(MAX_REASON_LENGTH, FIELD_MESSAGES.reasonTooLong)
    .optional(),
  confirmPartial,
});
export type CessionRefusalBody = z.infer<typeof cessionRefusalBody>;

export const principalChangeBody = z.strictObject({
  userId: z
    .number({ error: "L'utilisateur est obligatoire." })
    .int()
    .positive()
    .max(2 ** 31 - 1, "L'identifiant n'est pas valide."),
  reason: requiredReason,
});
export type PrincipalChangeBody = z.infer<typeof principalChangeBody>;

export const cessionsQuery = z.strictObject({
  email: z
    .string({ error: "L'adresse e-mail à chercher est obligatoire." })
    .trim()
    .min(2, 'Saisissez au moins 2 caractères de l’adresse e-mail.')
    .max(254, "L'adresse e-mail est trop longue."),
});

/** A new support agent: their address, and why they join the support desk. */
export const createAgentBody = requiredReasonBody.extend({ email: emailSchema });
export type CreateAgentBody = z.infer<typeof createAgentBody>;

/**
 * The support's reason for an act that also stands in for the insurer's
 * systems (a dossier arriving or moving): those systems give none, so it may
 * be absent; when given, it is kept in the history like a required one.
 */
const optionalReason = requiredReason.optional();

export const addDossierBody = z.strictObject({
  reference: z
    .string({ error: DOSSIER_REFERENCE_MESSAGES.required })
    .trim()
    .min(1, DOSSIER_REFERENCE_MESSAGES.required)
    .max(MAX_DOSSIER_REFERENCE_LENGTH, DOSSIER_REFERENCE_MESSAGES.tooLong),
  siret: siretSchema,
  kind: z.enum(DOSSIER_KINDS).default('AT'),
  status: z.enum(DOSSIER_STATUSES).default('completer_dossier'),
  unlockCode: unlockCodeSchema,
  openedAt: isoDate.optional(),
  reason: optionalReason,
});
export type AddDossierBody = z.infer<typeof addDossierBody>;

export const changeDossierStatusBody = z.strictObject({
  status: z.enum(DOSSIER_STATUSES),
  reason: optionalReason,
});
export type ChangeDossierStatusBody = z.infer<typeof changeDossierStatusBody>;
