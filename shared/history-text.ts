/**
 * An event of the history in words (docs/domain.md, « Historique »): one
 * French sentence, the same in the panel, the support's screen and the CSV
 * export. It reads the event as the viewer received it (shared/visibility.ts),
 * so it never says more than the viewer may know; `names` fills in what the
 * event only names by id.
 */
import {
  DOSSIER_KIND_LABELS,
  DOSSIER_STATUS_LABELS,
  LOCK_SCOPE_LABELS,
  USER_STATUS_LABELS,
} from './domain.js';
import type { ActorRole, ActorView, ServerEvent, StoredEventType } from './events.js';
import { plural } from './french-format.js';
import { formatSiret } from './siret.js';

/** The kinds of change, as the support's filter and the exports name them. */
export const EVENT_TYPE_LABELS: Record<StoredEventType, string> = {
  'siret.added': 'SIRET ajouté',
  'siret.removed': 'SIRET supprimé',
  'secondary.added': 'Utilisateur secondaire ajouté',
  'secondary.removed': 'Utilisateur secondaire supprimé',
  'secondary.status_changed': 'Statut d’un utilisateur',
  'secondary.sirets_changed': 'SIRETs attribués',
  'space.ceded': 'Cession des SIRETs',
  'space.cession_reverted': 'Cession annulée ou refusée',
  'space.principal_changed': 'Nouvel utilisateur principal',
  'dossier.added': 'Nouveau dossier',
  'dossier.status_changed': 'Étape d’un dossier',
  'invitation.created': 'Invitation envoyée',
  'invitation.accepted': 'Invitation validée',
  'invitation.expired': 'Invitation expirée',
  'invitation.revoked': 'Invitation annulée',
  'lock.locked': 'Blocage ou alerte',
  'lock.reset': 'Blocage levé',
  'agent.created': 'Agent du support créé',
  'agent.activated': 'Agent du support activé',
  'agent.deactivated': 'Agent du support désactivé',
};

export const ACTOR_ROLE_LABELS: Record<ActorRole, string> = {
  principal: 'Utilisateur principal',
  secondary: 'Utilisateur secondaire',
  support: 'Support QRP',
  system: 'Système',
};

/** What an event names by id, looked up by whoever renders it. */
export interface HistoryNames {
  userEmail(userId: number): string | undefined;
  invitationEmail(invitationId: number): string | undefined;
  dossierReference(dossierId: number): string | undefined;
}

export const NO_NAMES: HistoryNames = {
  userEmail: () => undefined,
  invitationEmail: () => undefined,
  dossierReference: () => undefined,
};

/** Who did it, as the subject of a sentence. */
export function actorName(actor: ActorView | undefined): string {
  if (actor?.email) return actor.email;
  if (actor?.role === 'support') return 'Le support QRP';
  return 'Le système';
}

export function historyText(event: ServerEvent, names: HistoryNames = NO_NAMES): string {
  const sentence = changeText(event, names);
  // Only support viewers receive the reason a support agent gave (shared/visibility.ts).
  const reason = event.actor?.reason;
  return reason ? `${sentence} (motif : ${reason})` : sentence;
}

function changeText(event: ServerEvent, names: HistoryNames): string {
  const who = actorName(event.actor);
  const user = (id: number) => names.userEmail(id) ?? 'un utilisateur';
  switch (event.type) {
    case 'siret.added': {
      const count = event.data.dossiers.length;
      const dossiers =
        count > 0 ? ` (${plural(count, 'dossier en cours', 'dossiers en cours')})` : '';
      return `${who} a ajouté le SIRET ${formatSiret(event.data.siret.siret)}${dossiers}`;
    }
    case 'siret.removed':
      return `${who} a supprimé le SIRET ${formatSiret(event.data.siret)}`;
    case 'secondary.added':
      return `${who} a ajouté l’utilisateur secondaire ${event.data.member.email}`;
    case 'secondary.removed':
      return `${who} a supprimé l’utilisateur secondaire ${user(event.data.userId)}`;
    case 'secondary.status_changed': {
      const email = user(event.data.userId);
      if (event.data.status === 'active') return `${email} a validé son invitation`;
      return `${email} : ${USER_STATUS_LABELS[event.data.status]}`;
    }
    case 'secondary.sirets_changed':
      return siretsChangedText(who, user(event.data.userId), event.data);
    case 'space.ceded': {
      const to = event.data.toPrincipalEmail ?? 'un autre utilisateur principal';
      const count = event.data.sirets.length;
      if (count === 0) return `${who} a cédé son espace à ${to}`;
      const secondaries = event.data.secondaryCount ?? 0;
      const moved =
        secondaries > 0
          ? `${plural(count, 'SIRET', 'SIRETs')} et ${plural(secondaries, 'utilisateur secondaire', 'utilisateurs secondaires')}`
          : plural(count, 'SIRET', 'SIRETs');
      return `${who} a cédé ${moved} à ${to}`;
    }
    case 'space.cession_reverted':
      return cessionRevertedText(who, event.data);
    case 'space.principal_changed':
      return `${who} a fait de ${event.data.principalEmail} l’utilisateur principal à la place de ${event.data.formerPrincipalEmail}`;
    case 'dossier.added': {
      const { dossier } = event.data;
      return `Nouveau dossier ${dossier.reference} (${DOSSIER_KIND_LABELS[dossier.kind]}) pour le SIRET ${formatSiret(dossier.siret)}`;
    }
    case 'dossier.status_changed': {
      const reference = names.dossierReference(event.data.dossierId);
      const label = DOSSIER_STATUS_LABELS[event.data.status];
      const dossier = reference ? `Le dossier ${reference}` : 'Un dossier';
      return `${dossier} du SIRET ${formatSiret(event.data.siret)} est passé à l’étape « ${label} »`;
    }
    case 'invitation.created':
      return `${who} a invité ${event.data.invitation.email}`;
    case 'invitation.accepted':
      return `${names.invitationEmail(event.data.invitationId) ?? user(event.data.userId)} a validé son invitation`;
    case 'invitation.expired':
      return `L’invitation de ${names.invitationEmail(event.data.invitationId) ?? user(event.data.userId)} a expiré`;
    case 'invitation.revoked':
      return `${who} a annulé l’invitation de ${names.invitationEmail(event.data.invitationId) ?? user(event.data.userId)}`;
    case 'lock.locked': {
      const { lock } = event.data;
      if (lock.scope === 'signup_alert') {
        const siret = lock.siret ? ` pour le SIRET ${formatSiret(lock.siret)}` : '';
        return `Alerte inscription${siret} : ${lock.failures} codes de déblocage faux depuis plusieurs adresses ; rien n’est bloqué`;
      }
      const siret = lock.siret ? `, SIRET ${formatSiret(lock.siret)}` : '';
      return `Blocage après ${lock.failures} essais : ${lock.email ?? 'inscription'} (${LOCK_SCOPE_LABELS[lock.scope]}${siret})`;
    }
    case 'lock.reset': {
      const { scope, siret } = event.data;
      if (scope === 'add_siret' && siret) {
        return `${who} a levé le blocage de l’ajout du SIRET ${formatSiret(siret)}`;
      }
      if (scope === 'cession') return `${who} a levé le blocage de la cession des SIRETs`;
      return `${who} a levé le blocage n° ${event.data.lockId}`;
    }
    case 'agent.created':
      return `${who} a créé le compte support de ${event.data.agent.email}`;
    case 'agent.activated':
      return `${user(event.data.userId)} a activé son compte support`;
    case 'agent.deactivated':
      return `${who} a désactivé le compte support de ${user(event.data.userId)}`;
    case 'hidden':
    case 'presence.changed':
    case 'session.revoked':
      return '';
  }
}

function siretsChangedText(
  who: string,
  email: string,
  data: Extract<ServerEvent, { type: 'secondary.sirets_changed' }>['data'],
): string {
  const attributed = data.attributed ?? [];
  const withdrawn = data.withdrawn ?? [];
  if (data.deleted && withdrawn.length > 0) {
    return `${who} a supprimé ${siretList(withdrawn)}, qui était attribué à ${email}`;
  }
  if (attributed.length > 0 && withdrawn.length > 0) {
    return `${who} a attribué ${siretList(attributed)} à ${email} et lui a retiré ${siretList(withdrawn)}`;
  }
  if (attributed.length > 0) return `${who} a attribué ${siretList(attributed)} à ${email}`;
  if (withdrawn.length > 0) return `${who} a retiré ${siretList(withdrawn)} à ${email}`;
  return `${who} a modifié les SIRETs attribués à ${email}`;
}

/** « le SIRET 441 234 567 00010 », « les SIRETs 441 … et 552 … ». */
export function siretList(sirets: readonly string[]): string {
  const formatted = sirets.map(formatSiret);
  if (formatted.length === 1) return `le SIRET ${formatted[0]}`;
  const last = formatted.at(-1);
  return `les SIRETs ${formatted.slice(0, -1).join(', ')} et ${last}`;
}

function cessionRevertedText(
  who: string,
  data: Extract<ServerEvent, { type: 'space.cession_reverted' }>['data'],
): string {
  const act =
    data.how === 'refused'
      ? `${who} a refusé la cession de ${data.formerPrincipalEmail}`
      : `${who} a annulé la cession de ${data.formerPrincipalEmail} à ${data.toPrincipalEmail}`;
  const parts = [
    ...(data.sirets.length > 0 ? [plural(data.sirets.length, 'SIRET', 'SIRETs')] : []),
    ...(data.secondaryCount > 0
      ? [plural(data.secondaryCount, 'utilisateur secondaire', 'utilisateurs secondaires')]
      : []),
  ];
  const returning = data.sirets.length + data.secondaryCount;
  const verb = returning === 1 ? 'revient' : 'reviennent';
  const back = parts.length > 0 ? ` : ${parts.join(' et ')} ${verb} à son espace` : '';
  const missing = data.missingSirets.length + data.missingMembers.length;
  const left =
    missing > 0
      ? ` (${plural(missing, 'élément ne peut', 'éléments ne peuvent')} pas revenir)`
      : '';
  return `${act}${back}${left}`;
}
