/**
 * Who sees what (docs/domain.md, "Who"), decided once. The fan-out to rooms,
 * the projection of a replay, the snapshot's queries and the panel's reducer
 * all ask here, so a live event, a `sync` and a fresh snapshot cannot disagree
 * about what a viewer may know.
 *
 * - Events: an admin follows the admin stream and sees all of it; a member
 *   follows their space's stream. Its principal sees every event in detail; an
 *   event whose audience is null is for every member, otherwise only for the
 *   principal and the listed secondaries. Everyone else gets `hidden` (same
 *   id, no data), and so does a member for what came before they joined.
 * - Data: a secondary gets `space.ceded` and `space.cession_reverted` without
 *   their SIRET lists.
 * - Actors: members see who of them made a change; a support agent or the
 *   system is only named by role to them (no id, no e-mail, no reason). An
 *   admin sees every actor whole.
 * - Rows: the principal sees every SIRET and dossier of the space and its
 *   pending invitations and locks; a secondary the SIRETs attributed to them,
 *   their dossiers, no invitation and no lock; an admin every dossier and the recent
 *   invitations. A secondary's SIRET list shows to the principal and to that
 *   secondary only.
 *
 * Pure: no database, no transport.
 */
import type { Role } from './domain.js';
import type { ActorView, ServerEvent, StoredEventType } from './events.js';
import type { DossierView, InvitationView, MemberView, SiretView } from './views.js';

/** Who looks: a member of a space, or an admin (`spaceId` null). */
export interface Onlooker {
  userId: number;
  role: Role;
  spaceId: number | null;
}

/** An event as its stream stores it. */
export interface StreamRecord {
  seq: number;
  type: StoredEventType;
  at: string;
  data: unknown;
  /** Who besides the space's principal sees it in detail; null: every member of the space. */
  audience: readonly number[] | null;
  /** Who made the change, as stored. */
  actor: ActorView;
}

// ── Events ─────────────────────────────────────────────────────────────────

/**
 * What the viewer receives of an event of their stream. `joinedAt` is the
 * first position they may see (join-position.ts): what came before reaches
 * them as `hidden`, like an event of another audience.
 */
export function eventAsSeenBy(
  viewer: Pick<Onlooker, 'userId' | 'role'>,
  record: StreamRecord,
  joinedAt = 0,
): ServerEvent {
  if (record.seq < joinedAt) return hiddenEvent(record);
  const listed = record.audience?.includes(viewer.userId) ?? false;
  return formFor(viewer.role, listed, detailedEvent(record, viewer.role), record);
}

/**
 * Who of a space receives which form of one of its events. Each form goes to
 * the principal if `principal`, to the listed secondaries, and, if `others`,
 * to every member no other form names; members given the same form share one
 * broadcast.
 */
export interface SpaceDelivery {
  event: ServerEvent;
  principal: boolean;
  secondaries: number[];
  others: boolean;
}

/** The forms of a space's event, as `eventAsSeenBy` gives them to each kind of member. */
export function spaceDeliveries(record: StreamRecord): SpaceDelivery[] {
  const detailed = detailedEvent(record, 'principal');
  const listed = record.audience ?? [];
  const recipients: { event: ServerEvent; to: 'principal' | 'listed' | 'others' }[] = [
    { event: formFor('principal', false, detailed, record), to: 'principal' },
    ...(listed.length > 0
      ? [{ event: formFor('secondary', true, detailed, record), to: 'listed' as const }]
      : []),
    { event: formFor('secondary', false, detailed, record), to: 'others' },
  ];
  const deliveries: SpaceDelivery[] = [];
  for (const { event, to } of recipients) {
    let delivery = deliveries.find((d) => d.event === event);
    if (!delivery) {
      delivery = { event, principal: false, secondaries: [], others: false };
      deliveries.push(delivery);
    }
    if (to === 'principal') delivery.principal = true;
    else if (to === 'listed') delivery.secondaries.push(...listed);
    else delivery.others = true;
  }
  return deliveries;
}

/** Stands for an event the viewer may not see: it only moves their position on. */
export function hiddenEvent(record: Pick<StreamRecord, 'seq' | 'at'>): ServerEvent {
  return { id: record.seq, type: 'hidden', at: record.at, data: {} };
}

/**
 * The form of an event for a viewer of this role, listed in its audience or
 * not. A secondary's form is the same object as the detailed one when nothing
 * is taken out of it.
 */
function formFor(
  role: Role,
  listed: boolean,
  detailed: ServerEvent,
  record: StreamRecord,
): ServerEvent {
  if (role !== 'secondary') return detailed;
  if (record.audience !== null && !listed) return hiddenEvent(record);
  // `space.ceded` lists every ceded SIRET: a secondary of either space gets it
  // without the list (their own SIRETs come with the snapshot the event leads to).
  if (detailed.type === 'space.ceded')
    return { ...detailed, data: { ...detailed.data, sirets: [] } };
  if (detailed.type === 'space.cession_reverted')
    return { ...detailed, data: { ...detailed.data, sirets: [], missingSirets: [] } };
  return detailed;
}

function detailedEvent(record: StreamRecord, viewerRole: Role): ServerEvent {
  const { seq, type, at, data } = record;
  return { id: seq, type, at, data, actor: actorAsSeenBy(viewerRole, record.actor) } as ServerEvent;
}

/** Who made a change, as this viewer may know it. */
export function actorAsSeenBy(viewerRole: Role, actor: ActorView): ActorView {
  if (viewerRole === 'admin') return actor;
  if (actor.role === 'support' || actor.role === 'system') {
    return { id: null, email: null, role: actor.role };
  }
  return { id: actor.id, email: actor.email, role: actor.role };
}

// ── Rows ───────────────────────────────────────────────────────────────────

/** Which rows of each kind a member's snapshot holds. */
export interface MemberRowScope {
  /** Every SIRET of the space, or those attributed to the viewer; dossiers follow them. */
  sirets: 'space' | 'attributed';
  /** The space's pending invitations, or none. */
  invitations: 'pending' | 'none';
  /** The space's locked counters (the principal's own attempts), or none. */
  locks: 'space' | 'none';
  /** The cessions into the space its principal may still refuse, or none. */
  cessions: 'refusable' | 'none';
}

export function memberRowScope(viewer: Pick<Onlooker, 'role'>): MemberRowScope {
  return viewer.role === 'principal'
    ? { sirets: 'space', invitations: 'pending', locks: 'space', cessions: 'refusable' }
    : { sirets: 'attributed', invitations: 'none', locks: 'none', cessions: 'none' };
}

/** Whether the viewer's member panel lists the space's locks. */
export function listsLocks(viewer: Pick<Onlooker, 'role'>): boolean {
  return memberRowScope(viewer).locks === 'space';
}

/** Which dossiers a viewer sees anywhere: an admin every one, a member those of their SIRETs. */
export function dossierScope(viewer: Onlooker): 'all' | 'space' | 'attributed' | 'none' {
  if (viewer.role === 'admin') return 'all';
  if (viewer.spaceId === null) return 'none';
  return memberRowScope(viewer).sirets;
}

/** A dossier shows wherever its SIRET does. */
export function showsDossier(
  sirets: readonly SiretView[],
  dossier: Pick<DossierView, 'siret'>,
): boolean {
  return sirets.some((item) => item.siret === dossier.siret);
}

/** Whether the viewer's member panel lists this invitation. */
export function listsInvitation(
  viewer: Pick<Onlooker, 'role'>,
  invitation: Pick<InvitationView, 'status'>,
): boolean {
  return memberRowScope(viewer).invitations === 'pending' && invitation.status === 'pending';
}

/** Whether the viewer sees this secondary's SIRET list: the principal does, and the secondary themself. */
export function seesSiretListOf(
  viewer: Pick<Onlooker, 'userId' | 'role'>,
  userId: number,
): boolean {
  return viewer.role === 'principal' || viewer.userId === userId;
}

/** Whether this list is the viewer's own: their SIRETs and dossiers follow it. */
export function isOwnSiretList(viewer: Pick<Onlooker, 'userId' | 'role'>, userId: number): boolean {
  return viewer.role === 'secondary' && viewer.userId === userId;
}

/** A member as the viewer sees them: a principal has no list, another secondary's is not shown. */
export function memberAsSeenBy(
  viewer: Pick<Onlooker, 'userId' | 'role'>,
  member: MemberView,
): MemberView {
  const shown = member.role === 'secondary' && seesSiretListOf(viewer, member.id);
  return shown || member.sirets === null ? member : { ...member, sirets: null };
}

/**
 * The order of a space's members wherever they are listed: the principal
 * first, then by e-mail, compared by code unit as the database's C collation
 * does.
 */
export function compareMembers(
  a: Pick<MemberView, 'role' | 'email'>,
  b: Pick<MemberView, 'role' | 'email'>,
): number {
  return compareCodeUnits(a.role, b.role) || compareCodeUnits(a.email, b.email);
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
