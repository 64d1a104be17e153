import { ROLE_LABELS, USER_STATUS_LABELS } from '../../shared/domain.js';
import type { MemberSnapshot } from '../../shared/events.js';
import { plural } from '../../shared/french-format.js';

export interface TeamViewProps {
  state: MemberSnapshot;
}

/** The members of the space, their status and who is online now. */
export function TeamView({ state }: TeamViewProps) {
  const online = new Set(state.online);
  const members = [...state.members].sort(
    (a, b) =>
      Number(b.role === 'principal') - Number(a.role === 'principal') ||
      a.email.localeCompare(b.email),
  );
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
