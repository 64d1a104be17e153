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
        <DossierTable siret={siret} dossiers={dossiers} today={today} />
      )}
    </section>
  );
}

export interface DossierTableProps {
  siret: string;
  dossiers: DossierView[];
  today: string;
}

/** A SIRET's dossiers, as the portal's dashboard lists them (the support's space page too). */
export function DossierTable({ siret, dossiers, today }: DossierTableProps) {
  return (
    <div class="table-scroll">
      {/* Explicit roles: narrow panels lay the rows out as cards (CSS) and keep the table. */}
      <table class="table table-stack dossier-table" role="table">
        <caption class="visually-hidden">Dossiers du SIRET {formatSiret(siret)}</caption>
        <thead role="rowgroup">
          <tr role="row">
            <th scope="col" role="columnheader">
              Dossier
            </th>
            <th scope="col" role="columnheader">
              Statut
            </th>
            <th scope="col" role="columnheader">
              Date limite
            </th>
            <th scope="col" role="columnheader">
              Délai
            </th>
          </tr>
        </thead>
        <tbody role="rowgroup">
          {dossiers.map((dossier) => (
            <DossierRow key={dossier.id} dossier={dossier} today={today} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface DossierRowProps {
  dossier: DossierView;
  today: string;
}

function DossierRow({ dossier, today }: DossierRowProps) {
  const open = dossier.status === 'completer_dossier';
  const left = daysLeft(dossier.dueAt, today);
  const urgent = open && left <= 3;
  return (
    <tr role="row">
      <th scope="row" role="rowheader">
        <span class="dossier-reference">{dossier.reference}</span>
        <span class="cell-detail">
          <abbr title={DOSSIER_KIND_LABELS[dossier.kind]}>{dossier.kind}</abbr>
        </span>
      </th>
      <td role="cell">
        <span class={`badge badge-${dossier.status}`}>{DOSSIER_STATUS_LABELS[dossier.status]}</span>
      </td>
      {/* The labels show where the cards hide the column headers (narrow panels). */}
      <td role="cell" data-label="Date limite">
        {open ? formatDate(dossier.dueAt) : '—'}
      </td>
      <td role="cell" data-label="Délai" class={urgent ? 'deadline-urgent' : undefined}>
        {open ? formatDaysLeft(dossier.dueAt, today) : '—'}
      </td>
    </tr>
  );
}
