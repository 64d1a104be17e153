/**
 * Every refusal the server can answer, with its French message (shown as is to
 * the user) and its HTTP status. The seed guide's own words are used where it
 * has them.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'Les informations saisies ne sont pas valides.' },
  UNAUTHENTICATED: { status: 401, message: 'Votre session a expiré. Veuillez vous reconnecter.' },
  INVALID_CREDENTIALS: { status: 401, message: 'Adresse e-mail ou mot de passe incorrect.' },
  FORBIDDEN: { status: 403, message: "Vous n'avez pas accès à cette fonctionnalité." },
  NOT_FOUND: { status: 404, message: "L'élément demandé est introuvable." },
  CONFLICT: { status: 409, message: "L'opération est en conflit avec l'état actuel. Réessayez." },
  EMAIL_ALREADY_USED: {
    status: 409,
    message:
      'Cette adresse e-mail est déjà utilisée par un compte Questionnaires Risques Professionnels.',
  },
  /** A support agent cannot deactivate their own account (docs/domain.md, « Support accounts »). */
  AGENT_SELF_DEACTIVATION: {
    status: 409,
    message:
      'Vous ne pouvez pas désactiver votre propre compte support : demandez-le à un autre agent.',
  },
  /** The support desk always keeps one agent able to sign in. */
  LAST_ACTIVE_AGENT: {
    status: 409,
    message:
      'Ce compte est le dernier compte support actif : créez et activez un autre agent avant de le désactiver.',
  },
  SIRET_NO_DOSSIER_IN_PROGRESS: {
    status: 422,
    message:
      "Il n'est pas possible d'ajouter un SIRET tant qu'un dossier risques professionnels en lien avec ce SIRET n'est pas en cours.",
  },
  SIRET_UNLOCK_CODE_INVALID: {
    status: 422,
    message:
      "Le code de déblocage ne correspond à aucun dossier en cours pour ce SIRET. Il figure sur le courrier reçu à l'ouverture du dossier.",
  },
  SIRET_ALREADY_MANAGED: {
    status: 409,
    message: 'Ce SIRET est déjà géré par un autre espace employeur.',
  },
  /** Anonymous sign-up: one answer whatever the SIRET's state, until the unlock code is proved. */
  SIGNUP_PROOF_REFUSED: {
    status: 422,
    message:
      "Ce SIRET et ce code de déblocage ne permettent pas de créer un espace employeur. Vérifiez le SIRET et le code figurant sur le courrier reçu à l'ouverture d'un dossier risques professionnels en cours.",
  },
  SIRET_NOT_IN_SPACE: {
    status: 422,
    message: "Ce SIRET n'appartient pas à votre espace employeur.",
  },
  /** « Attributions »: someone changed a secondary's SIRETs between the matrix's reading and its save. */
  ATTRIBUTIONS_CONFLICT: {
    status: 409,
    message:
      'Les attributions ont changé pendant votre saisie : rien n’a été enregistré. Vérifiez les lignes signalées puis enregistrez à nouveau.',
  },
  /** An imported file with at least one wrong line: nothing is applied (all or nothing). */
  ATTRIBUTIONS_IMPORT_INVALID: {
    status: 422,
    message: 'Le fichier contient des erreurs : rien n’a été importé.',
  },
  SIRET_DELETE_NOT_ALLOWED: {
    status: 409,
    message:
      "La suppression d'un SIRET n'est possible qu'à partir de l'étape dossier de consultation. Merci de renouveler votre opération une fois cette étape atteinte sur l'ensemble des dossiers associés à ce SIRET",
  },
  CESSION_TARGET_NOT_PRINCIPAL: {
    status: 422,
    message: "L'adresse mail à renseigner doit être celle d'un utilisateur principal",
  },
  /** One's own address: a typing slip, not a guess, so it is not counted towards the lock. */
  CESSION_TARGET_SELF: {
    status: 422,
    message:
      "Vous ne pouvez pas céder vos SIRETs à votre propre adresse : renseignez celle d'un autre utilisateur principal.",
  },
  CESSION_ALREADY_REVERTED: {
    status: 409,
    message: 'Cette cession a déjà été annulée ou refusée.',
  },
  /** The message names what stands in the way (server/rules/revert-cession.ts). */
  CESSION_REVERT_IMPOSSIBLE: {
    status: 409,
    message: 'Cette cession ne peut plus être annulée.',
  },
  /** The message lists what cannot come back; the same request with `confirmPartial` does the rest. */
  CESSION_REVERT_PARTIAL: {
    status: 409,
    message: 'Une partie de la cession ne peut pas revenir. Confirmez pour rétablir tout le reste.',
  },
  CESSION_REFUSAL_CLOSED: {
    status: 409,
    message:
      'Le délai de 7 jours pour refuser cette cession est passé : contactez le 3679 pour la faire annuler.',
  },
  PRINCIPAL_CANDIDATE_INVALID: {
    status: 422,
    message:
      "Seul un utilisateur secondaire actif de cet espace peut en devenir l'utilisateur principal.",
  },
  INVITATION_INVALID: {
    status: 410,
    message:
      "Ce lien d'invitation n'est plus valide. Demandez à votre utilisateur principal de vous renvoyer l'invitation.",
  },
  LOCKED: {
    status: 423,
    message:
      'Trop de tentatives infructueuses : cette opération est bloquée. Contactez le 3679 pour une réinitialisation.',
  },
  RATE_LIMITED: {
    status: 429,
    message: 'Trop de tentatives en peu de temps. Patientez quelques minutes avant de réessayer.',
  },
  SYNC_RATE_LIMITED: {
    status: 429,
    message:
      'Trop de demandes de synchronisation en peu de temps. La synchronisation reprendra dans quelques secondes.',
  },
  SYNC_SUPERSEDED: {
    status: 409,
    message: 'Cette demande de synchronisation a été remplacée par une demande plus récente.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    message: 'Le service est temporairement indisponible. Réessayez dans quelques instants.',
  },
  INTERNAL: {
    status: 500,
    message: 'Une erreur inattendue est survenue. Réessayez dans quelques instants.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

/** A code of the wire contract (`{ error: { code, message } }`). */
export type ErrorCode = keyof typeof ERRORS;

/** A secondary whose SIRETs changed under a save of the matrix: what they hold now. */
export interface AttributionConflict {
  userId: number;
  email: string;
  sirets: string[];
}

/** A wrong line of an imported file (1 is the file's first line). */
export interface ImportLineError {
  line: number;
  message: string;
}

/**
 * What some refusals tell besides their message. `remainingAttempts`: on a
 * refusal counted towards a lock (docs/domain.md, « Lock-outs »), how many
 * more refusals the scope allows before it locks. `conflicts`: with
 * `ATTRIBUTIONS_CONFLICT`. `lines`: with `ATTRIBUTIONS_IMPORT_INVALID`.
 */
export interface ErrorDetails {
  remainingAttempts?: number;
  conflicts?: AttributionConflict[];
  lines?: ImportLineError[];
}

export type ErrorBody = {
  error: { code: ErrorCode; message: string } & ErrorDetails;
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

export function errorBody(
  code: ErrorCode,
  message: string = ERRORS[code].message,
  details: ErrorDetails = {},
): ErrorBody {
  const told = Object.fromEntries(
    Object.entries(details).filter(([, value]) => value !== undefined),
  ) as ErrorDetails;
  return { error: { code, message, ...told } };
}
