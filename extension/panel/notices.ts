/**
 * What a live change means for the person looking at the panel, in words: the
 * visible notices of a secondary (a SIRET attributed or taken away, a cession)
 * and the sentence announced to screen readers for other changes.
 */
import {
  DOSSIER_STATUS_LABELS,
  INVITATION_STATUS_LABELS,
  LOCK_SCOPE_LABELS,
  USER_STATUS_LABELS,
} from '../../shared/domain.js';
import type { MemberSnapshot, ServerEvent, Snapshot } from '../../shared/events.js';
import type { LiveChange } from '../../shared/live-sync.js';
import { formatSiret } from '../../shared/siret.js';
import type { LockView } from '../../shared/views.js';

export interface SiretNoticeText {
  kind: 'attributed' | 'removed' | 'ceded';
  text: string;
}

/** Notices for a secondary whose SIRETs changed, or for a principal who just ceded their space. */
export function siretNotices(change: LiveChange): SiretNoticeText[] {
  const { previous, state } = change;
  if (previous?.kind !== 'member' || state?.kind !== 'member') return [];
  if (previous.me.id !== state.me.id) return [];
  if (previous.me.role === 'principal' && state.me.role === 'secondary') {
    return [
      {
        kind: 'ceded',
        text: 'Vos SIRETs ont été cédés : vous êtes désormais utilisateur secondaire et n’avez plus accès au Paramétrage.',
      },
    ];
  }
  if (state.me.role !== 'secondary' || previous.spaceId !== state.spaceId) return [];
  const before = new Set(previous.sirets.map((item) => item.siret));
  const after = new Set(state.sirets.map((item) => item.siret));
  const notices: SiretNoticeText[] = [];
  for (const siret of after) {
    if (!before.has(siret)) {
      notices.push({
        kind: 'attributed',
        text: `Le SIRET ${formatSiret(siret)} vous a été attribué.`,
      });
    }
  }
  for (const siret of before) {
    if (!after.has(siret)) {
      notices.push({ kind: 'removed', text: `Le SIRET ${formatSiret(siret)} vous a été retiré.` });
    }
  }
  return notices;
}

/**
 * A short sentence for screen readers about an event, or null when silent.
 * `state` is the view before the event (a removed member's e-mail is still there).
 */
export function describeEvent(event: ServerEvent, state: Snapshot | null): string | null {
  switch (event.type) {
    case 'siret.added':
      return `SIRET ajouté : ${formatSiret(event.data.siret.siret)}.`;
    case 'siret.removed':
      return `SIRET supprimé : ${formatSiret(event.data.siret)}.`;
    case 'secondary.added':
      return `Utilisateur secondaire ajouté : ${event.data.member.email}.`;
    case 'secondary.removed': {
      const email = emailOf(state, event.data.userId);
      return email
        ? `Utilisateur secondaire supprimé : ${email}.`
        : 'Un utilisateur secondaire a été supprimé.';
    }
    case 'secondary.status_changed':
      return `${emailOf(state, event.data.userId) ?? 'Un utilisateur'} : ${USER_STATUS_LABELS[event.data.status]}.`;
    case 'secondary.sirets_changed':
      // The secondary concerned gets a visible notice instead (siretNotices).
      if (state?.kind === 'member' && state.me.id === event.data.userId) return null;
      return `SIRETs de ${emailOf(state, event.data.userId) ?? 'un utilisateur'} mis à jour.`;
    case 'dossier.added':
      return `Nouveau dossier ${event.data.dossier.reference} (SIRET ${formatSiret(event.data.dossier.siret)}).`;
    case 'dossier.status_changed': {
      const reference = referenceOf(state, event.data.dossierId);
      const label = DOSSIER_STATUS_LABELS[event.data.status];
      return reference
        ? `Dossier ${reference} : ${label}.`
        : `Un dossier est passé à l’étape ${label}.`;
    }
    case 'invitation.created':
      return `Invitation envoyée à ${event.data.invitation.email} par ${event.data.invitation.invitedBy}.`;
    case 'invitation.accepted':
      return `Invitation ${INVITATION_STATUS_LABELS.accepted.toLowerCase()} : ${invitationEmail(state, event.data.invitationId) ?? emailOf(state, event.data.userId) ?? 'un utilisateur'}.`;
    case 'invitation.expired':
      return `Invitation ${INVITATION_STATUS_LABELS.expired.toLowerCase()} : ${invitationEmail(state, event.data.invitationId) ?? 'un utilisateur'}.`;
    case 'invitation.revoked':
      return `Invitation ${INVITATION_STATUS_LABELS.revoked.toLowerCase()} : ${invitationEmail(state, event.data.invitationId) ?? 'un utilisateur'}.`;
    case 'lock.locked':
      return describeLock(event.data.lock);
    case 'lock.reset':
      return isSignupAlert(state, event.data.lockId) ? 'Alerte acquittée.' : 'Blocage levé.';
    case 'space.ceded':
    case 'presence.changed':
    case 'hidden':
    case 'session.revoked':
      return null;
    default:
      return null;
  }
}

/**
 * A sign-up alert blocks nobody: read out as a « Blocage », it would send
 * support looking for a lock that does not exist.
 */
function describeLock(lock: LockView): string {
  if (lock.scope === 'signup_alert') {
    const siret = lock.siret ? `SIRET ${formatSiret(lock.siret)}, ` : '';
    return `Alerte inscription : ${siret}${lock.failures} codes de déblocage faux depuis plusieurs adresses ; rien n’est bloqué.`;
  }
  return `Blocage : ${lock.email ?? 'inscription'} (${LOCK_SCOPE_LABELS[lock.scope]}).`;
}

function isSignupAlert(state: Snapshot | null, lockId: number): boolean {
  if (state?.kind !== 'admin') return false;
  return state.locks.some((item) => item.id === lockId && item.scope === 'signup_alert');
}

function emailOf(state: Snapshot | null, userId: number): string | null {
  if (state?.kind !== 'member') return null;
  return (state as MemberSnapshot).members.find((item) => item.id === userId)?.email ?? null;
}

function referenceOf(state: Snapshot | null, dossierId: number): string | null {
  if (state?.kind !== 'member') return null;
  return state.dossiers.find((item) => item.id === dossierId)?.reference ?? null;
}

function invitationEmail(state: Snapshot | null, invitationId: number): string | null {
  if (state?.kind !== 'admin') return null;
  return state.invitations.find((item) => item.id === invitationId)?.email ?? null;
}
