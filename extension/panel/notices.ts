/**
 * What a live change means for the person looking at the panel, in words: the
 * visible notices (a SIRET attributed or taken away, a cession given or
 * received, an invitation validated) and the sentence announced to screen
 * readers for other changes. A change the viewer made themself gets the toast
 * of their action instead (feedback.ts), neither a notice nor an announcement.
 */
import {
  DOSSIER_STATUS_LABELS,
  INVITATION_STATUS_LABELS,
  LOCK_SCOPE_LABELS,
  USER_STATUS_LABELS,
} from '../../shared/domain.js';
import type { EventOf, MemberSnapshot, ServerEvent, Snapshot } from '../../shared/events.js';
import { plural } from '../../shared/french-format.js';
import type { LiveChange } from '../../shared/live-sync.js';
import { formatSiret } from '../../shared/siret.js';
import type { LockView } from '../../shared/views.js';

export type NoticeKind =
  /** A SIRET attributed to, or taken away from, the secondary looking. */
  | 'attributed'
  | 'removed'
  /** The principal looking ceded their space. */
  | 'ceded'
  /** The principal looking received a ceded space. */
  | 'received'
  /** The secondary looking moved with a ceded space. */
  | 'managed'
  /** A secondary validated their invitation (principal). */
  | 'validated';

export interface NoticeText {
  kind: NoticeKind;
  text: string;
  /** The SIRET an `attributed` or `removed` notice is about (they cancel out). */
  siret?: string;
  /** The secondary a `validated` notice is about (their row is highlighted). */
  userId?: number;
}

/** True when the viewer made this change themself (their action already said so). */
export function isOwnChange(change: LiveChange): boolean {
  if (change.cause.kind !== 'event') return false;
  const actorId = change.cause.event.actor?.id;
  const me = change.previous?.me ?? change.state?.me;
  return actorId != null && me !== undefined && actorId === me.id;
}

/** The notices a live change brings to the member looking (none for their own changes). */
export function liveNotices(change: LiveChange): NoticeText[] {
  const { previous, state } = change;
  if (previous?.kind !== 'member' || state?.kind !== 'member') return [];
  if (previous.me.id !== state.me.id) return [];
  // The former principal learns it from the new view, whatever brought it (event or resync).
  if (previous.me.role === 'principal' && state.me.role === 'secondary') {
    // A change of principal by support is not a cession: each says what happened.
    const byCession = previous.spaceId !== state.spaceId;
    return [
      {
        kind: 'ceded',
        text: byCession
          ? 'Vos SIRETs ont été cédés : vous êtes désormais utilisateur secondaire et n’avez plus accès au Paramétrage.'
          : 'Le support a désigné un autre utilisateur principal : vous êtes désormais utilisateur secondaire et n’avez plus accès au Paramétrage.',
      },
    ];
  }
  if (previous.me.role === 'secondary' && state.me.role === 'principal') {
    return [
      {
        kind: 'managed',
        text:
          previous.spaceId !== state.spaceId
            ? 'La cession a été annulée : vous êtes de nouveau utilisateur principal de votre espace.'
            : 'Le support vous a désigné utilisateur principal de votre espace : le Paramétrage vous est ouvert.',
      },
    ];
  }
  if (isOwnChange(change)) return [];
  if (change.cause.kind === 'event') {
    const { event } = change.cause;
    if (event.type === 'space.ceded') return cessionNotices(event, state);
    if (event.type === 'space.cession_reverted') return revertNotices(event, state);
    if (event.type === 'invitation.accepted') return validationNotices(event, previous);
  }
  if (state.me.role !== 'secondary' || previous.spaceId !== state.spaceId) return [];
  return siretNotices(previous, state);
}

/** A SIRET attributed or taken away, seen by comparing the secondary's lists. */
function siretNotices(previous: MemberSnapshot, state: MemberSnapshot): NoticeText[] {
  const before = new Set(previous.sirets.map((item) => item.siret));
  const after = new Set(state.sirets.map((item) => item.siret));
  const notices: NoticeText[] = [];
  for (const siret of after) {
    if (!before.has(siret)) notices.push(siretNotice('attributed', siret));
  }
  for (const siret of before) {
    if (!after.has(siret)) notices.push(siretNotice('removed', siret));
  }
  return notices;
}

function siretNotice(kind: 'attributed' | 'removed', siret: string): NoticeText {
  const verb = kind === 'attributed' ? 'attribué' : 'retiré';
  return { kind, siret, text: `Le SIRET ${formatSiret(siret)} vous a été ${verb}.` };
}

/**
 * The receiving principal and the secondaries who moved are told when the event
 * arrives (the snapshot that follows no longer says where they came from).
 */
function cessionNotices(event: EventOf<'space.ceded'>, state: MemberSnapshot): NoticeText[] {
  const { data } = event;
  if (state.me.id === data.formerPrincipalId) return [];
  if (state.spaceId === data.toSpaceId && state.me.role === 'principal') {
    const who = event.actor?.email ?? 'Un employeur';
    const sirets = plural(data.sirets.length, 'SIRET', 'SIRETs');
    const secondaries = data.secondaryCount
      ? ` et ${plural(data.secondaryCount, 'utilisateur secondaire', 'utilisateurs secondaires')}`
      : '';
    return [{ kind: 'received', text: `${who} vous a cédé ${sirets}${secondaries}.` }];
  }
  if (state.spaceId === data.fromSpaceId) {
    return [
      {
        kind: 'managed',
        text: data.toPrincipalEmail
          ? `Votre espace est désormais géré par ${data.toPrincipalEmail}.`
          : 'Votre espace est désormais géré par un autre utilisateur principal.',
      },
    ];
  }
  return [];
}

/**
 * A cession put back: told to the receiving principal and to the secondaries
 * who go home (the former principal learns it from their new role, above).
 */
function revertNotices(
  event: EventOf<'space.cession_reverted'>,
  state: MemberSnapshot,
): NoticeText[] {
  const { data } = event;
  if (state.me.id === data.formerPrincipalId) return [];
  const by = data.how === 'refused' ? 'refusée' : 'annulée par le support';
  if (state.spaceId === data.toSpaceId && state.me.role === 'principal') {
    return [
      {
        kind: 'managed',
        text: `La cession de ${data.formerPrincipalEmail} a été ${by} : ses SIRETs et ses utilisateurs secondaires sont retournés dans son espace.`,
      },
    ];
  }
  return [
    {
      kind: 'managed',
      text: `La cession a été ${by} : votre espace est de nouveau géré par ${data.formerPrincipalEmail}.`,
    },
  ];
}

function validationNotices(
  event: EventOf<'invitation.accepted'>,
  previous: MemberSnapshot,
): NoticeText[] {
  if (previous.me.role !== 'principal') return [];
  const { userId } = event.data;
  const email = emailOf(previous, userId) ?? event.actor?.email ?? 'Un utilisateur secondaire';
  return [{ kind: 'validated', userId, text: `${email} a validé son invitation.` }];
}

/**
 * Puts `incoming` first (newest first). A SIRET attributed then taken away (or
 * the reverse) while its first notice is still shown leaves nothing to read:
 * both go. `cancelled` lists the incoming notices that went that way.
 */
export function mergeNotices<T extends NoticeText>(
  current: readonly T[],
  incoming: readonly T[],
): { notices: T[]; cancelled: T[] } {
  let kept = [...current];
  const added: T[] = [];
  const cancelled: T[] = [];
  for (const notice of incoming) {
    const opposite = oppositeOf(notice);
    const match = opposite
      ? kept.find((item) => item.kind === opposite && item.siret === notice.siret)
      : undefined;
    if (match) {
      kept = kept.filter((item) => item !== match);
      cancelled.push(notice);
    } else {
      added.push(notice);
    }
  }
  return { notices: [...added, ...kept], cancelled };
}

function oppositeOf(notice: NoticeText): NoticeKind | null {
  if (notice.siret === undefined) return null;
  if (notice.kind === 'attributed') return 'removed';
  if (notice.kind === 'removed') return 'attributed';
  return null;
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
      // Pending to active is an invitation validated: its notice follows (liveNotices).
      if (event.data.status === 'active' && statusOf(state, event.data.userId) === 'pending') {
        return null;
      }
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
      // The principal gets a visible notice instead (liveNotices).
      if (state?.kind === 'member' && state.me.role === 'principal') return null;
      return `Invitation ${INVITATION_STATUS_LABELS.accepted.toLowerCase()} : ${invitationEmail(state, event.data.invitationId) ?? emailOf(state, event.data.userId) ?? 'un utilisateur'}.`;
    case 'invitation.expired':
      return `Invitation ${INVITATION_STATUS_LABELS.expired.toLowerCase()} : ${invitationEmail(state, event.data.invitationId) ?? 'un utilisateur'}.`;
    case 'invitation.revoked':
      return `Invitation ${INVITATION_STATUS_LABELS.revoked.toLowerCase()} : ${invitationEmail(state, event.data.invitationId) ?? 'un utilisateur'}.`;
    // A principal is told of their own locks by the form and a toast (lock forms).
    case 'lock.locked':
      return state?.kind === 'admin' ? describeLock(event.data.lock) : null;
    case 'lock.reset':
      if (state?.kind !== 'admin') return null;
      return isSignupAlert(state, event.data.lockId) ? 'Alerte acquittée.' : 'Blocage levé.';
    case 'space.ceded':
    case 'space.cession_reverted':
    case 'space.principal_changed':
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

function statusOf(state: Snapshot | null, userId: number): string | null {
  if (state?.kind !== 'member') return null;
  return state.members.find((item) => item.id === userId)?.status ?? null;
}

function referenceOf(state: Snapshot | null, dossierId: number): string | null {
  if (state?.kind !== 'member') return null;
  return state.dossiers.find((item) => item.id === dossierId)?.reference ?? null;
}

function invitationEmail(state: Snapshot | null, invitationId: number): string | null {
  if (state?.kind !== 'admin') return null;
  return state.invitations.find((item) => item.id === invitationId)?.email ?? null;
}
