import type { MemberSnapshot } from '../../shared/events.js';
import { formatSiret } from '../../shared/siret.js';
import { DashboardView } from './dashboard-view.js';
import { HistoryView, historyTabLabel } from './history-view.js';
import { LazyAttributionsView } from './lazy-screens.js';
import { ParametrageView } from './parametrage-view.js';
import { NoticesList } from './notices-list.js';
import { Tabs } from './tabs.js';
import { TeamView } from './team-view.js';
import { useStore } from './store-context.js';

export interface MemberHomeProps {
  state: MemberSnapshot;
}

/** A member's screens: only the principal has the Paramétrage tab. */
export function MemberHome({ state }: MemberHomeProps) {
  const store = useStore();
  const isPrincipal = state.me.role === 'principal';
  return (
    <>
      <NoticesList />
      {!isPrincipal && <MySirets state={state} />}
      <Tabs
        label={isPrincipal ? 'Espace utilisateur principal' : 'Espace utilisateur secondaire'}
        selectedId={store.memberTab.value}
        onSelect={store.selectMemberTab}
        keepVisited
        tabs={[
          {
            id: 'dashboard',
            label: 'Tableau de bord',
            render: () => <DashboardView state={state} />,
            source: state,
          },
          ...(isPrincipal
            ? [
                {
                  id: 'parametrage',
                  label: 'Paramétrage',
                  render: () => <ParametrageView state={state} />,
                  source: state,
                },
                {
                  id: 'attributions',
                  label: 'Attributions',
                  render: () => <LazyAttributionsView state={state} />,
                  source: state,
                },
              ]
            : []),
          { id: 'team', label: 'Équipe', render: () => <TeamView state={state} />, source: state },
          {
            id: 'history',
            ...historyTabLabel(store.historyUnread.value),
            render: () => <HistoryView />,
            // It reads only the history's own signals.
            source: null,
          },
        ]}
      />
    </>
  );
}

export interface MySiretsProps {
  state: MemberSnapshot;
}

/** A secondary's SIRETs, as attributed by the principal (live). */
function MySirets({ state }: MySiretsProps) {
  return (
    <section aria-labelledby="my-sirets-title" class="section my-sirets">
      <h2 id="my-sirets-title">Mes SIRETs</h2>
      {state.sirets.length === 0 ? (
        <p class="empty">Aucun SIRET ne vous est attribué pour le moment.</p>
      ) : (
        <ul class="chips" aria-labelledby="my-sirets-title">
          {state.sirets.map(({ siret }) => (
            <li key={siret} class="chip">
              {formatSiret(siret)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
