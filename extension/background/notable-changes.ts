/**
 * Which live changes deserve a system notification while the panel is
 * closed, and in which words: a SIRET attributed to or taken away from the
 * secondary, an invitation validated or expired (principal), a cession of the
 * user's space, a lock lifted. The user's own actions never notify.
 */
import type { ServerEvent, Snapshot } from '../../shared/events.js';
import { historyText, NO_NAMES, siretList, type HistoryNames } from '../../shared/history-text.js';
import type { MeView } from '../../shared/views.js';
import type { NotificationKind, NotificationPreferences } from '../lib/notification-preferences.js';

export interface NotableChange {
  kind: NotificationKind;
  title: string;
  message: string;
}

/** Who the user is, as the live view knows them. */
export type Viewer = Pick<MeView, 'id' | 'role'>;

/** The kind of notification this event would raise for `viewer`, if any. */
export function notificationKindOf(event: ServerEvent, viewer: Viewer): NotificationKind | null {
  if (event.id === 0) return null;
  if (event.actor?.id != null && event.actor.id === viewer.id) return null;
  switch (event.type) {
    case 'secondary.sirets_changed':
      return viewer.role === 'secondary' && event.data.userId === viewer.id ? 'sirets' : null;
    case 'invitation.accepted':
    case 'invitation.expired':
      return viewer.role === 'principal' ? 'invitations' : null;
    case 'space.ceded':
    case 'space.cession_reverted':
    case 'space.principal_changed':
      return viewer.role === 'principal' || viewer.role === 'secondary' ? 'cession' : null;
    case 'lock.reset':
      return viewer.role === 'principal' ? 'locks' : null;
    default:
      return null;
  }
}

/**
 * The notification for `event`, or null when it does not concern the user or
 * its kind is turned off. `known` is the live state before the event (it names
 * the invitations and members the event only gives by id).
 */
export function notableChange(
  event: ServerEvent,
  viewer: Viewer,
  preferences: NotificationPreferences,
  known: Snapshot | null = null,
): NotableChange | null {
  const kind = notificationKindOf(event, viewer);
  if (kind === null || !preferences[kind]) return null;
  // A change of principal comes under « cession » (who runs the space), in its own words.
  const title = event.type === 'space.principal_changed' ? 'Utilisateur principal' : TITLES[kind];
  return { kind, title, message: messageOf(event, namesFrom(known)) };
}

const TITLES: Record<NotificationKind, string> = {
  sirets: 'Vos SIRETs ont changé',
  invitations: 'Invitation',
  cession: 'Cession de votre espace',
  locks: 'Blocage levé',
};

function messageOf(event: ServerEvent, names: HistoryNames): string {
  if (event.type === 'secondary.sirets_changed') {
    // Said to the secondary themself, rather than « … à vous@exemple.fr ».
    const attributed = event.data.attributed ?? [];
    const withdrawn = event.data.withdrawn ?? [];
    const parts: string[] = [];
    if (attributed.length > 0)
      parts.push(`${capitalise(siretList(attributed))} vous ${attributedVerb(attributed)}`);
    if (withdrawn.length > 0)
      parts.push(
        `${capitalise(siretList(withdrawn))} vous ${withdrawnVerb(withdrawn, event.data.deleted)}`,
      );
    return parts.length > 0
      ? `${parts.join(' ; ')}.`
      : 'Les SIRETs qui vous sont attribués ont changé.';
  }
  if (event.type === 'lock.reset' && event.data.scope) {
    const what = event.data.scope === 'cession' ? 'la cession' : 'l’ajout de SIRET';
    const siret = event.data.siret ? ` (${siretList([event.data.siret])})` : '';
    return `Le blocage de ${what}${siret} est levé : vous pouvez réessayer.`;
  }
  return `${historyText(event, names)}.`;
}

function attributedVerb(sirets: readonly string[]): string {
  return sirets.length > 1 ? 'ont été attribués' : 'a été attribué';
}

function withdrawnVerb(sirets: readonly string[], deleted: boolean | undefined): string {
  const verb = sirets.length > 1 ? 'ont été retirés' : 'a été retiré';
  return deleted ? `${verb} (supprimé${sirets.length > 1 ? 's' : ''} de l’espace)` : verb;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function namesFrom(known: Snapshot | null): HistoryNames {
  if (!known || known.kind !== 'member') return NO_NAMES;
  return {
    userEmail: (id) => known.members.find((member) => member.id === id)?.email,
    invitationEmail: (id) => known.invitations.find((invitation) => invitation.id === id)?.email,
    dossierReference: (id) => known.dossiers.find((dossier) => dossier.id === id)?.reference,
  };
}
