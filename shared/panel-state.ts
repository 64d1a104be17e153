/**
 * What a panel shows, as a pure function of the snapshot and the events that
 * followed it: `applyEvent(snapshot, event)` returns the next snapshot and
 * never changes its input. The side panel and the realtime tests replay events
 * with it, so both agree on what a stream of events means.
 *
 * Ordering and duplicates are not handled here (see live-sync.ts): this only
 * says what one event changes. Applying a stored event also moves
 * `lastEventId` to its id; ephemeral events (id 0) never do.
 */
import type {
  AdminSnapshot,
  EventOf,
  MemberLockView,
  MemberSnapshot,
  ServerEvent,
  Snapshot,
} from './events.js';
import type { DossierView, InvitationView, LockView, MemberView, SiretView } from './views.js';
import {
  compareMembers,
  isOwnSiretList,
  listsInvitation,
  listsLocks,
  memberAsSeenBy,
  showsDossier,
  type Onlooker,
} from './visibility.js';

/** The next state once `event` is applied to `state`. */
export function applyEvent(state: Snapshot, event: ServerEvent): Snapshot {
  const next =
    state.kind === 'member' ? applyMemberEvent(state, event) : applyAdminEvent(state, event);
  if (event.id > next.lastEventId) return { ...next, lastEventId: event.id };
  return next;
}

function applyMemberEvent(state: MemberSnapshot, event: ServerEvent): MemberSnapshot {
  switch (event.type) {
    case 'siret.added':
      return {
        ...state,
        sirets: upsertSiret(state.sirets, event.data.siret),
        dossiers: upsertDossiers(state.dossiers, event.data.dossiers),
      };
    case 'siret.removed':
      return removeSiret(state, event.data.siret);
    case 'secondary.added':
      return {
        ...state,
        members: upsertMember(state.members, memberAsSeenBy(viewerOf(state), event.data.member)),
      };
    case 'secondary.removed':
      return {
        ...state,
        members: state.members.filter((member) => member.id !== event.data.userId),
        invitations: state.invitations.filter((item) => item.userId !== event.data.userId),
        online: state.online.filter((id) => id !== event.data.userId),
      };
    case 'secondary.status_changed':
      return changeMemberStatus(state, event);
    case 'secondary.sirets_changed':
      return changeSecondarySirets(state, event);
    case 'dossier.added':
      if (!showsDossier(state.sirets, event.data.dossier)) return state;
      return { ...state, dossiers: upsertDossiers(state.dossiers, [event.data.dossier]) };
    case 'dossier.status_changed':
      return {
        ...state,
        dossiers: state.dossiers.map((dossier) =>
          dossier.id === event.data.dossierId ? { ...dossier, status: event.data.status } : dossier,
        ),
      };
    case 'invitation.created':
      if (!listsInvitation(viewerOf(state), event.data.invitation)) return state;
      return { ...state, invitations: upsertInvitation(state.invitations, event.data.invitation) };
    case 'invitation.accepted':
      return {
        ...state,
        invitations: withoutInvitation(state.invitations, event.data.invitationId),
        members: state.members.map((member) =>
          member.id === event.data.userId ? { ...member, status: 'active' } : member,
        ),
      };
    // The row keeps its secondary's latest link, marked: « Expirée », or revoked until a new one.
    case 'invitation.expired':
      return {
        ...state,
        invitations: patchInvitation(state.invitations, event.data.invitationId, {
          status: 'expired',
        }),
      };
    case 'invitation.revoked':
      return {
        ...state,
        invitations: patchInvitation(state.invitations, event.data.invitationId, {
          status: 'revoked',
        }),
      };
    case 'presence.changed':
      return { ...state, online: [...event.data.online] };
    case 'lock.locked':
      return addMemberLock(state, event);
    case 'lock.reset':
      return removeMemberLock(state, event);
    // The whole view changes after the first three (the client asks for a fresh
    // snapshot, live-sync.ts); agents' events never come on a space's stream.
    case 'space.ceded':
    case 'space.cession_reverted':
    case 'space.principal_changed':
    case 'agent.created':
    case 'agent.activated':
    case 'agent.deactivated':
    case 'hidden':
    case 'session.revoked':
      return state;
    default:
      return ignoreUnknown(event, state);
  }
}

/** The admin snapshot holds no agents' list: the support desk reads it (GET /admin/agents). */
function applyAdminEvent(state: AdminSnapshot, event: ServerEvent): AdminSnapshot {
  switch (event.type) {
    case 'invitation.created':
      return { ...state, invitations: prependInvitation(state.invitations, event.data.invitation) };
    case 'invitation.accepted':
      return updateInvitation(state, event.data.invitationId, {
        status: 'accepted',
        acceptedAt: event.data.acceptedAt,
      });
    case 'invitation.expired':
      return updateInvitation(state, event.data.invitationId, { status: 'expired' });
    case 'invitation.revoked':
      return updateInvitation(state, event.data.invitationId, { status: 'revoked' });
    case 'lock.locked':
      return { ...state, locks: upsertLock(state.locks, event.data.lock) };
    case 'lock.reset':
      return { ...state, locks: state.locks.filter((lock) => lock.id !== event.data.lockId) };
    case 'siret.added':
    case 'siret.removed':
    case 'secondary.added':
    case 'secondary.removed':
    case 'secondary.status_changed':
    case 'secondary.sirets_changed':
    case 'space.ceded':
    case 'space.cession_reverted':
    case 'space.principal_changed':
    case 'dossier.added':
    case 'dossier.status_changed':
    case 'agent.created':
    case 'agent.activated':
    case 'agent.deactivated':
    case 'presence.changed':
    case 'hidden':
    case 'session.revoked':
      return state;
    default:
      return ignoreUnknown(event, state);
  }
}

function removeSiret(state: MemberSnapshot, siret: string): MemberSnapshot {
  return {
    ...state,
    sirets: state.sirets.filter((item) => item.siret !== siret),
    dossiers: state.dossiers.filter((dossier) => dossier.siret !== siret),
    members: state.members.map((member) =>
      member.sirets?.includes(siret)
        ? { ...member, sirets: member.sirets.filter((item) => item !== siret) }
        : member,
    ),
  };
}

function changeMemberStatus(
  state: MemberSnapshot,
  event: EventOf<'secondary.status_changed'>,
): MemberSnapshot {
  const { userId, status } = event.data;
  if (status === 'removed') {
    return { ...state, members: state.members.filter((member) => member.id !== userId) };
  }
  return {
    ...state,
    members: state.members.map((member) => (member.id === userId ? { ...member, status } : member)),
  };
}

/**
 * The principal sees the new list of a secondary; the secondary concerned also
 * gains the dossiers of SIRETs just attributed and loses those of SIRETs taken away.
 */
function changeSecondarySirets(
  state: MemberSnapshot,
  event: EventOf<'secondary.sirets_changed'>,
): MemberSnapshot {
  const { userId, sirets, dossiers, addedAt: joinedAt } = event.data;
  const members = state.members.map((member) =>
    member.id === userId ? { ...member, sirets: [...sirets] } : member,
  );
  if (!isOwnSiretList(viewerOf(state), userId)) return { ...state, members };
  const kept = new Set(sirets);
  const addedAt = new Map(state.sirets.map((item) => [item.siret, item.addedAt]));
  return {
    ...state,
    members,
    sirets: sirets.map((siret) => ({
      siret,
      addedAt: addedAt.get(siret) ?? joinedAt?.[siret] ?? event.at,
    })),
    dossiers: upsertDossiers(
      state.dossiers.filter((dossier) => kept.has(dossier.siret)),
      dossiers.filter((dossier) => kept.has(dossier.siret)),
    ),
  };
}

/** A lock of the space's own counters joins the principal's list (a secondary has none). */
function addMemberLock(state: MemberSnapshot, event: EventOf<'lock.locked'>): MemberSnapshot {
  const { id, scope, siret, lockedAt } = event.data.lock;
  if (!listsLocks(viewerOf(state)) || (scope !== 'add_siret' && scope !== 'cession')) return state;
  const lock: MemberLockView = { id, scope, siret, lockedAt };
  const others = state.locks.filter((item) => item.id !== id);
  return { ...state, locks: [...others, lock].sort((a, b) => a.id - b.id) };
}

function removeMemberLock(state: MemberSnapshot, event: EventOf<'lock.reset'>): MemberSnapshot {
  if (!state.locks.some((item) => item.id === event.data.lockId)) return state;
  return { ...state, locks: state.locks.filter((item) => item.id !== event.data.lockId) };
}

function updateInvitation(
  state: AdminSnapshot,
  invitationId: number,
  patch: Partial<InvitationView>,
): AdminSnapshot {
  return { ...state, invitations: patchInvitation(state.invitations, invitationId, patch) };
}

function patchInvitation(
  items: InvitationView[],
  invitationId: number,
  patch: Partial<InvitationView>,
): InvitationView[] {
  if (!items.some((item) => item.id === invitationId)) return items;
  return items.map((item) => (item.id === invitationId ? { ...item, ...patch } : item));
}

function upsertSiret(sirets: SiretView[], siret: SiretView): SiretView[] {
  if (sirets.some((item) => item.siret === siret.siret)) {
    return sirets.map((item) => (item.siret === siret.siret ? siret : item));
  }
  return [...sirets, siret];
}

function upsertDossiers(dossiers: DossierView[], incoming: DossierView[]): DossierView[] {
  if (incoming.length === 0) return dossiers;
  const byId = new Map(incoming.map((dossier) => [dossier.id, dossier]));
  const kept = dossiers.map((dossier) => byId.get(dossier.id) ?? dossier);
  const known = new Set(dossiers.map((dossier) => dossier.id));
  return [...kept, ...incoming.filter((dossier) => !known.has(dossier.id))];
}

/** Whose panel this is, as shared/visibility.ts asks it. */
function viewerOf(state: MemberSnapshot): Onlooker {
  return { userId: state.me.id, role: state.me.role, spaceId: state.spaceId };
}

/** Members in the snapshot's order, whatever the order they arrived in. */
function upsertMember(members: MemberView[], member: MemberView): MemberView[] {
  const others = members.filter((item) => item.id !== member.id);
  return [...others, member].sort(compareMembers);
}

function upsertInvitation(items: InvitationView[], invitation: InvitationView): InvitationView[] {
  // One invitation per user, their latest: a resent one replaces the previous link.
  const others = items.filter(
    (item) => item.id !== invitation.id && item.userId !== invitation.userId,
  );
  return [...others, invitation];
}

/** How many invitations an admin's feed keeps (newest first). */
export const ADMIN_FEED_LIMIT = 500;

function prependInvitation(items: InvitationView[], invitation: InvitationView): InvitationView[] {
  const others = items.filter((item) => item.id !== invitation.id);
  return [invitation, ...others].slice(0, ADMIN_FEED_LIMIT);
}

function withoutInvitation(items: InvitationView[], invitationId: number): InvitationView[] {
  return items.filter((item) => item.id !== invitationId);
}

function upsertLock(locks: LockView[], lock: LockView): LockView[] {
  return [lock, ...locks.filter((item) => item.id !== lock.id)];
}

/** Exhaustive at compile time; at run time a newer server's unknown type changes nothing. */
function ignoreUnknown<S>(_event: never, state: S): S {
  return state;
}
