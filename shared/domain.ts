/** The domain's words as they travel on the wire, and their French labels. */

export const ROLES = ['principal', 'secondary', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const USER_STATUSES = ['pending', 'active', 'removed'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const DOSSIER_STATUSES = ['completer_dossier', 'consultation', 'cloture'] as const;
export type DossierStatus = (typeof DOSSIER_STATUSES)[number];

export const DOSSIER_KINDS = ['AT', 'MP'] as const;
export type DossierKind = (typeof DOSSIER_KINDS)[number];

export const INVITATION_STATUSES = ['pending', 'accepted', 'expired', 'revoked'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/**
 * What a failed-attempt counter protects (docs/domain.md: 5 failures lock until an
 * admin reset). `signup` counts one SIRET's signups from one client address;
 * `signup_alert` counts that SIRET's signups from every address and never
 * locks: past `SIGNUP_ALERT_FAILURES` it alerts the support agents.
 */
export const LOCK_SCOPES = ['signup', 'add_siret', 'cession', 'signup_alert'] as const;
export type LockScope = (typeof LOCK_SCOPES)[number];

/** Failures allowed before a scope locks. */
export const MAX_FAILED_ATTEMPTS = 5;

/**
 * Wrong signup codes for one SIRET, from all addresses together, that alert
 * the support agents: several addresses' worth of locks, a sign of someone
 * guessing from many machines. The right code still goes through.
 */
export const SIGNUP_ALERT_FAILURES = 4 * MAX_FAILED_ATTEMPTS;

/** An invitation link is valid this long unless resent (docs/domain.md). */
export const INVITATION_TTL_DAYS = 7;

export const USER_STATUS_LABELS: Record<UserStatus, string> = {
  pending: 'En attente de validation',
  active: 'Actif',
  removed: 'Supprimé',
};

export const ROLE_LABELS: Record<Role, string> = {
  principal: 'Utilisateur principal',
  secondary: 'Utilisateur secondaire',
  admin: 'Support (3679)',
};

export const DOSSIER_STATUS_LABELS: Record<DossierStatus, string> = {
  completer_dossier: 'Compléter dossier',
  consultation: 'Consultation',
  cloture: 'Clôturé',
};

export const DOSSIER_KIND_LABELS: Record<DossierKind, string> = {
  AT: 'Accident du travail',
  MP: 'Maladie professionnelle',
};

export const INVITATION_STATUS_LABELS: Record<InvitationStatus, string> = {
  pending: 'En attente',
  accepted: 'Validée',
  expired: 'Expirée',
  revoked: 'Annulée',
};

export const LOCK_SCOPE_LABELS: Record<LockScope, string> = {
  signup: 'Inscription depuis une adresse (code de déblocage)',
  add_siret: 'Ajout de SIRET (code de déblocage)',
  cession: 'Cession des SIRETs',
  signup_alert: "Inscription : codes faux depuis plusieurs adresses (alerte, rien n'est bloqué)",
};

/** A dossier is "en cours" until its decision is taken. */
export function isDossierInProgress(status: DossierStatus): boolean {
  return status !== 'cloture';
}
