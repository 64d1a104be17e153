import { useMemo, useState } from 'preact/hooks';
import type { MemberSnapshot } from '../../shared/events.js';
import { formatSiret } from '../../shared/siret.js';
import type { SiretView } from '../../shared/views.js';
import { formatDate, plural } from '../../shared/french-format.js';
import { countDossiers, dossiersOf, findSirets, formatCount } from '../panel/selectors.js';
import { Button } from './button.js';
import { ConfirmDialog, RefusalDialog } from './dialog.js';
import { useStore } from './store-context.js';
import { TextField } from './text-field.js';
import { memoRow, useFocusedKey, useWindowRange, WindowGap } from './use-window-range.js';

export interface SiretListProps {
  state: MemberSnapshot;
}

type DeleteStep =
  { kind: 'confirm'; siret: string } | { kind: 'refused'; siret: string; message: string } | null;

/** A row's height before one is measured (wide layout: the SIRET, its details, a button). */
const DEFAULT_ROW_HEIGHT = 60;

/**
 * The space's SIRETs, searchable, only the rows on screen rendered; "Supprimer"
 * asks "Confirmer", a refusal opens the seed's dialog.
 */
export function SiretList({ state }: SiretListProps) {
  const store = useStore();
  const [step, setStep] = useState<DeleteStep>(null);
  const [query, setQuery] = useState('');
  const matches = useMemo(() => findSirets(state.sirets, query), [state.sirets, query]);
  const { focusedKey, onFocusIn, onFocusOut } = useFocusedKey();
  const pinnedIndex = useMemo(
    () => (focusedKey === null ? null : matches.findIndex((item) => item.siret === focusedKey)),
    [matches, focusedKey],
  );
  const { listRef, slots } = useWindowRange<HTMLUListElement>({
    count: matches.length,
    defaultItemHeight: DEFAULT_ROW_HEIGHT,
    pinnedIndex,
    resetKey: query,
  });
  // Stable across renders, so the memoised rows only render again when their own data changes.
  const askDelete = useMemo(() => (siret: string) => setStep({ kind: 'confirm', siret }), []);

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

  const total = state.sirets.length;
  const searched = query.trim() !== '';
  return (
    <div class="siret-list">
      <h3 id="siret-list-title" tabIndex={-1}>
        Liste des SIRETs
      </h3>
      {total === 0 ? (
        <p class="empty">Aucun SIRET dans votre espace pour le moment.</p>
      ) : (
        <>
          <div class="list-search">
            <TextField
              label="Rechercher un SIRET"
              type="search"
              inputMode="numeric"
              value={query}
              onInput={setQuery}
            />
            <p class="list-count" aria-live="polite">
              {searched
                ? `${siretCount(matches.length)} sur ${formatCount(total)}`
                : siretCount(total)}
            </p>
          </div>
          {matches.length === 0 ? (
            <p class="empty">Aucun SIRET ne correspond à « {query.trim()} ».</p>
          ) : (
            <ul
              class="rows windowed-list"
              aria-labelledby="siret-list-title"
              ref={listRef}
              onFocusIn={onFocusIn}
              onFocusOut={onFocusOut}
            >
              {slots.map((slot) => {
                if (slot.kind === 'gap') return <WindowGap key={slot.key} height={slot.height} />;
                const item = matches[slot.index]!;
                const counts = countDossiers(state, item.siret);
                return (
                  <SiretRow
                    key={item.siret}
                    item={item}
                    position={slot.index + 1}
                    setSize={matches.length}
                    inProgress={counts.inProgress}
                    toComplete={counts.toComplete}
                    busy={store.isBusy(`deleteSiret:${item.siret}`)}
                    onDelete={askDelete}
                  />
                );
              })}
            </ul>
          )}
        </>
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

interface SiretRowProps {
  item: SiretView;
  /** 1-based place in the (searched) list, and its length: said to screen readers. */
  position: number;
  setSize: number;
  inProgress: number;
  toComplete: number;
  busy: boolean;
  onDelete: (siret: string) => void;
}

/** One SIRET; memoised: a live change elsewhere in the space leaves it alone. */
const SiretRow = memoRow(function SiretRow({
  item: { siret, addedAt },
  position,
  setSize,
  inProgress,
  toComplete,
  busy,
  onDelete,
}: SiretRowProps) {
  const formatted = formatSiret(siret);
  return (
    <li
      class="row window-row"
      aria-posinset={position}
      aria-setsize={setSize}
      data-window-key={siret}
      data-window-item={position - 1}
    >
      <div class="row-text">
        <span class="siret">{formatted}</span>
        <span class="cell-detail">
          Ajouté le {formatDate(addedAt)} ·{' '}
          {plural(inProgress, 'dossier en cours', 'dossiers en cours')}
          {toComplete > 0 && `, dont ${toComplete} à compléter`}
        </span>
      </div>
      <Button
        variant="danger"
        aria-label={`Supprimer le SIRET ${formatted}`}
        busy={busy}
        onClick={() => onDelete(siret)}
      >
        Supprimer
      </Button>
    </li>
  );
});

/** « 1 000 SIRETs », « 1 SIRET ». */
function siretCount(count: number): string {
  return `${formatCount(count)} ${count >= 2 ? 'SIRETs' : 'SIRET'}`;
}

/** The dossiers still at « Compléter dossier » that keep the SIRET from being deleted. */
function BlockingDossiers({ state, siret }: { state: MemberSnapshot; siret: string }) {
  const blocking = dossiersOf(state, siret).filter(
    (dossier) => dossier.status === 'completer_dossier',
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
