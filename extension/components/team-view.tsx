import { ROLE_LABELS, USER_STATUS_LABELS } from '../../shared/domain.js';
import type { MemberSnapshot } from '../../shared/events.js';
import { plural } from '../../shared/french-format.js';
import { compareMembers } from '../../shared/visibility.js';
import { useStore } from './store-context.js';

export interface TeamViewProps {
  state: MemberSnapshot;
}

/**
 * The members of the space, their status and who is online now. While the
 * panel itself is offline it knows nobody's presence: everyone reads « Hors
 * ligne » until it is connected again.
 */
export function TeamView({ state }: TeamViewProps) {
  const store = useStore();
  const connected = store.connection.value === 'connected';
  const online = new Set(connected ? state.online : []);
  const members = [...state.members].sort(compareMembers);
  const onlineCount = members.filter((member) => online.has(member.id)).length;
  return (
    <section aria-labelledby="team-title" class="section">
      <h2 id="team-title">Équipe</h2>
      <p class="team-summary">
        {plural(members.length, 'membre', 'membres')}, {plural(onlineCount, 'en ligne', 'en ligne')}
      </p>
      <ul class="team-list" aria-label="Membres de l'espace employeur">
        {members.map((member) => {
          const isOnline = online.has(member.id);
          return (
            <li key={member.id} class="team-member">
              <span
                class={`presence ${isOnline ? 'presence-on' : 'presence-off'}`}
                aria-hidden="true"
              />
              <span class="team-email">
                {member.email}
                {member.id === state.me.id && ' (vous)'}
              </span>
              <span class="team-details">
                {ROLE_LABELS[member.role]} · {USER_STATUS_LABELS[member.status]} ·{' '}
                {isOnline ? 'En ligne' : 'Hors ligne'}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
