import { useMemo } from 'preact/hooks';
import { ROLE_LABELS, USER_STATUS_LABELS } from '../../shared/domain.js';
import type { MemberSnapshot } from '../../shared/events.js';
import { plural } from '../../shared/french-format.js';
import type { MemberView } from '../../shared/views.js';
import { compareMembers } from '../../shared/visibility.js';
import { useStore } from './store-context.js';
import { memoRow, useWindowRange, WindowGap } from './use-window-range.js';

export interface TeamViewProps {
  state: MemberSnapshot;
}

/** A member's height before one is measured (their address, then a line of details). */
const DEFAULT_MEMBER_HEIGHT = 58;

/** Sorted once per members array (presence events keep it): a tab switch back finds it sorted. */
const sortedMembers = new WeakMap<MemberView[], MemberView[]>();

function membersInOrder(members: MemberView[]): MemberView[] {
  let sorted = sortedMembers.get(members);
  if (!sorted) {
    sorted = [...members].sort(compareMembers);
    sortedMembers.set(members, sorted);
  }
  return sorted;
}

/**
 * The members of the space, their status and who is online now, only those on
 * screen rendered (a space may have hundreds). While the panel itself is
 * offline it knows nobody's presence: everyone reads « Hors ligne » until it is
 * connected again.
 */
export function TeamView({ state }: TeamViewProps) {
  const store = useStore();
  const connected = store.connection.value === 'connected';
  const onlineIds = connected ? state.online : null;
  const online = useMemo(() => new Set(onlineIds ?? []), [onlineIds]);
  const members = membersInOrder(state.members);
  const onlineCount = members.filter((member) => online.has(member.id)).length;
  const { listRef, slots } = useWindowRange<HTMLUListElement>({
    count: members.length,
    defaultItemHeight: DEFAULT_MEMBER_HEIGHT,
  });
  return (
    <section aria-labelledby="team-title" class="section">
      <h2 id="team-title">Équipe</h2>
      <p class="team-summary">
        {plural(members.length, 'membre', 'membres')}, {plural(onlineCount, 'en ligne', 'en ligne')}
      </p>
      <ul class="team-list windowed-list" aria-label="Membres de l'espace employeur" ref={listRef}>
        {slots.map((slot) => {
          if (slot.kind === 'gap') return <WindowGap key={slot.key} height={slot.height} />;
          const member = members[slot.index]!;
          return (
            <TeamMember
              key={member.id}
              member={member}
              isMe={member.id === state.me.id}
              isOnline={online.has(member.id)}
              position={slot.index + 1}
              setSize={members.length}
            />
          );
        })}
      </ul>
    </section>
  );
}

interface TeamMemberProps {
  member: MemberView;
  isMe: boolean;
  isOnline: boolean;
  position: number;
  setSize: number;
}

/** Memoised: a presence change repaints the members whose presence changed. */
const TeamMember = memoRow(function TeamMember({
  member,
  isMe,
  isOnline,
  position,
  setSize,
}: TeamMemberProps) {
  const email = `${member.email}${isMe ? ' (vous)' : ''}`;
  return (
    <li
      class="team-member"
      aria-posinset={position}
      aria-setsize={setSize}
      data-window-item={position - 1}
    >
      <span class={`presence ${isOnline ? 'presence-on' : 'presence-off'}`} aria-hidden="true" />
      <span class="team-email">{email}</span>
      <span class="team-details">
        {ROLE_LABELS[member.role]} · {USER_STATUS_LABELS[member.status]} ·{' '}
        {isOnline ? 'En ligne' : 'Hors ligne'}
      </span>
    </li>
  );
});
