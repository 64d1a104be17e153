import { useState } from 'preact/hooks';
import type { MemberSnapshot } from '../../shared/events.js';
import { formatSiret } from '../../shared/siret.js';
import { formatDate, plural } from '../../shared/french-format.js';
import { countDossiers } from '../panel/selectors.js';
import { Button } from './button.js';
import { ConfirmDialog, RefusalDialog } from './dialog.js';
import { useStore } from './store-context.js';

export interface SiretListProps {
  state: MemberSnapshot;
}

type DeleteStep =
  { kind: 'confirm'; siret: string } | { kind: 'refused'; siret: string; message: string } | null;

/** The space's SIRETs; "Supprimer" asks "Confirmer", a refusal opens the seed's dialog. */
export function SiretList({ state }: SiretListProps) {
  const store = useStore();
  const [step, setStep] = useState<DeleteStep>(null);

  async function onConfirm(siret: string) {
    const result = await store.deleteSiret(siret);
    if (!result.ok && result.code === 'SIRET_DELETE_NOT_ALLOWED') {
      setStep({ kind: 'refused', siret, message: result.message });
    } else {
      setStep(null);
      // The row and its button go away with the event: put focus on the list, not on nothing.
      if (result.ok) setTimeout(() => document.getElementById('siret-list-title')?.focus(), 0);
    }
  }

  return (
    <div class="siret-list">
      <h3 id="siret-list-title" tabIndex={-1}>
        Liste des SIRETs
      </h3>
      {state.sirets.length === 0 ? (
        <p class="empty">Aucun SIRET dans votre espace pour le moment.</p>
      ) : (
        <ul class="rows">
          {state.sirets.map(({ siret, addedAt }) => {
            const counts = countDossiers(state, siret);
            return (
              <li key={siret} class="row">
                <div>
                  <span class="siret">{formatSiret(siret)}</span>
                  <span class="cell-detail">
                    Ajouté le {formatDate(addedAt)} ·{' '}
                    {plural(counts.inProgress, 'dossier en cours', 'dossiers en cours')}
                    {counts.toComplete > 0 && `, dont ${counts.toComplete} à compléter`}
                  </span>
                </div>
                <Button
                  variant="danger"
                  aria-label={`Supprimer le SIRET ${formatSiret(siret)}`}
                  busy={store.isBusy(`deleteSiret:${siret}`)}
                  onClick={() => setStep({ kind: 'confirm', siret })}
                >
                  Supprimer
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      {step?.kind === 'confirm' && (
        <ConfirmDialog
          title="Supprimer le SIRET"
          busy={store.isBusy(`deleteSiret:${step.siret}`)}
          onCancel={() => setStep(null)}
          onConfirm={() => void onConfirm(step.siret)}
        >
          <p>
            Supprimer le SIRET <strong>{formatSiret(step.siret)}</strong> de votre espace ? Il sera
            aussi retiré de la liste de chaque utilisateur secondaire.
          </p>
        </ConfirmDialog>
      )}
      {step?.kind === 'refused' && (
        <RefusalDialog
          title="Suppression impossible"
          message={step.message}
          details={<BlockingDossiers state={state} siret={step.siret} />}
          onClose={() => setStep(null)}
        />
      )}
    </div>
  );
}

/** The dossiers still at « Compléter dossier » that keep the SIRET from being deleted. */
function BlockingDossiers({ state, siret }: { state: MemberSnapshot; siret: string }) {
  const blocking = state.dossiers.filter(
    (dossier) => dossier.siret === siret && dossier.status === 'completer_dossier',
  );
  if (blocking.length === 0) return null;
  return (
    <p>
      {blocking.length === 1 ? 'Dossier à l’étape' : 'Dossiers à l’étape'} « Compléter dossier » :{' '}
      {blocking.map((dossier, index) => (
        <span key={dossier.id}>
          {index > 0 && ', '}
          <strong class="dossier-reference">{dossier.reference}</strong>
        </span>
      ))}
      .
    </p>
  );
}
