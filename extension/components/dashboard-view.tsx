import { DOSSIER_KIND_LABELS, DOSSIER_STATUS_LABELS } from '../../shared/domain.js';
import type { MemberSnapshot } from '../../shared/events.js';
import { daysLeft } from '../../shared/jours-francs.js';
import { formatSiret } from '../../shared/siret.js';
import type { DossierView } from '../../shared/views.js';
import { formatDate, formatDaysLeft, plural } from '../../shared/french-format.js';
import { countDossiers, groupDossiersBySiret } from '../panel/selectors.js';
import { useStore } from './store-context.js';

export interface DashboardViewProps {
  state: MemberSnapshot;
}

/** "Tableau de bord": the dossiers of the viewer's SIRETs, grouped by SIRET. */
export function DashboardView({ state }: DashboardViewProps) {
  const groups = groupDossiersBySiret(state);
  return (
    <section aria-labelledby="dashboard-title" class="section">
      <h2 id="dashboard-title">Tableau de bord</h2>
      {groups.length === 0 ? (
        <p class="empty">
          {state.me.role === 'principal'
            ? 'Aucun SIRET dans votre espace : ajoutez-en un dans l’onglet Paramétrage.'
            : 'Aucun SIRET ne vous est attribué pour le moment.'}
        </p>
      ) : (
        groups.map((group) => (
          <SiretDossiers
            key={group.siret}
            state={state}
            siret={group.siret}
            dossiers={group.dossiers}
          />
        ))
      )}
    </section>
  );
}

export interface SiretDossiersProps {
  state: MemberSnapshot;
  siret: string;
  dossiers: DossierView[];
}

function SiretDossiers({ state, siret, dossiers }: SiretDossiersProps) {
  const today = useStore().today();
  const counts = countDossiers(state, siret);
  const titleId = `siret-${siret}`;
  return (
    <section class="siret-group" aria-labelledby={titleId}>
      <h3 id={titleId}>SIRET {formatSiret(siret)}</h3>
      <p class="siret-counts">
        {plural(counts.inProgress, 'dossier en cours', 'dossiers en cours')}
        {counts.toComplete > 0 && `, dont ${counts.toComplete} à compléter`}
      </p>
      {dossiers.length === 0 ? (
        <p class="empty">Aucun dossier pour ce SIRET.</p>
      ) : (
        <div class="table-scroll">
          <table class="table">
            <caption class="visually-hidden">Dossiers du SIRET {formatSiret(siret)}</caption>
            <thead>
              <tr>
                <th scope="col">Dossier</th>
                <th scope="col">Statut</th>
                <th scope="col">Date limite</th>
                <th scope="col">Délai</th>
              </tr>
            </thead>
            <tbody>
              {dossiers.map((dossier) => (
                <DossierRow key={dossier.id} dossier={dossier} today={today} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export interface DossierRowProps {
  dossier: DossierView;
  today: string;
}

function DossierRow({ dossier, today }: DossierRowProps) {
  const open = dossier.status === 'completer_dossier';
  const left = daysLeft(dossier.dueAt, today);
  const urgent = open && left <= 3;
  return (
    <tr>
      <th scope="row">
        {dossier.reference}
        <span class="cell-detail">
          <abbr title={DOSSIER_KIND_LABELS[dossier.kind]}>{dossier.kind}</abbr>
        </span>
      </th>
      <td>
        <span class={`badge badge-${dossier.status}`}>{DOSSIER_STATUS_LABELS[dossier.status]}</span>
      </td>
      <td>{open ? formatDate(dossier.dueAt) : '—'}</td>
      <td class={urgent ? 'deadline-urgent' : undefined}>
        {open ? formatDaysLeft(dossier.dueAt, today) : '—'}
      </td>
    </tr>
  );
}
