import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import type { MemberSnapshot } from '../../shared/events.js';
import type { AttributionConflict } from '../../shared/errors.js';
import { compactSiret, formatSiret } from '../../shared/siret.js';
import {
  applyLive,
  buildChanges,
  changeCount,
  createEditor,
  discardEdits,
  markSaved,
  readLive,
  rebase,
  setCells,
  tally,
  type AttributionsModel,
  type Cell,
  type ChangedMeanwhile,
} from '../panel/attributions-editor.js';
import { AttributionsImport } from './attributions-import.js';
import { AttributionsMatrix } from './attributions-matrix.js';
import { Button } from './button.js';
import { useStore } from './store-context.js';
import { TextField } from './text-field.js';

export interface AttributionsViewProps {
  state: MemberSnapshot;
}

/** How many SIRETs a conflict or a change made meanwhile lists before « et N autres ». */
const LISTED_SIRETS = 6;

interface Conflict {
  message: string;
  conflicts: AttributionConflict[];
}

/**
 * The edit model follows the live state synchronously (no render shows edits
 * over a stale state); edits live in a ref so that a burst of events re-reads
 * nothing but the rows.
 */
function useAttributionsEditor(state: MemberSnapshot) {
  const live = useMemo(() => readLive(state), [state.sirets, state.members]);
  const ref = useRef<AttributionsModel | null>(null);
  const [, rerender] = useState(0);
  let model = ref.current ?? createEditor(live);
  if (model.live !== live) model = applyLive(model, live);
  ref.current = model;
  const update = useCallback((change: (model: AttributionsModel) => AttributionsModel) => {
    ref.current = change(ref.current!);
    rerender((count) => count + 1);
  }, []);
  return [model, update] as const;
}

export function modificationCount(count: number): string {
  if (count === 0) return 'Aucune modification';
  return count === 1 ? '1 modification' : `${count} modifications`;
}

function listSirets(sirets: readonly string[]): string {
  const shown = sirets.slice(0, LISTED_SIRETS).map(formatSiret).join(', ');
  const more = sirets.length - LISTED_SIRETS;
  return more > 0 ? `${shown} et ${more} autre${more > 1 ? 's' : ''}` : shown;
}

function describeMeanwhile({ added, removed }: ChangedMeanwhile): string {
  return [
    added.length > 0 ? `ajouté : ${listSirets(added)}` : null,
    removed.length > 0 ? `retiré : ${listSirets(removed)}` : null,
  ]
    .filter(Boolean)
    .join(' ; ');
}

/** The principal's « Attributions » tab: every SIRET × every secondary, saved at once. */
export function AttributionsView({ state }: AttributionsViewProps) {
  const store = useStore();
  const [model, update] = useAttributionsEditor(state);
  const [siretQuery, setSiretQuery] = useState('');
  const [userQuery, setUserQuery] = useState('');
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const { live } = model;

  const sirets = useMemo(() => {
    const needle = compactSiret(siretQuery);
    return needle === '' ? live.sirets : live.sirets.filter((siret) => siret.includes(needle));
  }, [live, siretQuery]);
  const users = useMemo(() => {
    const needle = userQuery.trim().toLowerCase();
    return needle === ''
      ? live.rows
      : live.rows.filter((row) => row.email.toLowerCase().includes(needle));
  }, [live, userQuery]);
  const counts = useMemo(() => tally(model, users, sirets), [model, users, sirets]);
  const pending = changeCount(model);
  const meanwhile = live.rows.flatMap((row) => {
    const changed = model.edits.get(row.userId)?.meanwhile;
    return changed ? [{ email: row.email, userId: row.userId, changed }] : [];
  });
  const flagged = new Set([
    ...meanwhile.map((item) => item.userId),
    ...(conflict?.conflicts.map((item) => item.userId) ?? []),
  ]);
  const saving = store.isBusy('saveAttributions');

  const onSet = useCallback(
    (cells: Cell[], value: boolean) => update((current) => setCells(current, cells, value)),
    [update],
  );

  async function onSave() {
    const changes = buildChanges(model);
    if (changes.length === 0) return;
    const result = await store.saveAttributions({ changes });
    if (result.ok) {
      update((current) => markSaved(current, changes));
      setConflict(null);
    } else if (result.code === 'ATTRIBUTIONS_CONFLICT') {
      const conflicts = result.details?.conflicts ?? [];
      update((current) => rebase(current, conflicts));
      setConflict({ message: result.message, conflicts });
    }
  }

  function onCancel() {
    update(discardEdits);
    setConflict(null);
  }

  return (
    <section class="section attributions" aria-labelledby="attributions-title">
      <h2 id="attributions-title">Attributions des SIRETs</h2>
      <p class="lead">
        Cochez les SIRETs attribués à chaque utilisateur secondaire, puis enregistrez toutes vos
        modifications en une fois.
      </p>
      {live.sirets.length === 0 ? (
        <p class="empty">
          Aucun SIRET dans votre espace : ajoutez-en dans l’onglet « Paramétrage ».
        </p>
      ) : live.rows.length === 0 ? (
        <p class="empty">
          Aucun utilisateur secondaire : invitez-en dans l’onglet « Paramétrage ».
        </p>
      ) : (
        <>
          <div class="toolbar attributions-filters">
            <TextField
              label="Filtrer les SIRETs"
              type="search"
              inputMode="numeric"
              value={siretQuery}
              onInput={setSiretQuery}
            />
            <TextField
              label="Filtrer les utilisateurs"
              type="search"
              value={userQuery}
              onInput={setUserQuery}
            />
          </div>
          {conflict && (
            <div class="form-error attributions-conflict" role="alert">
              <p>{conflict.message}</p>
              <ul>
                {conflict.conflicts.map((item) => (
                  <li key={item.userId}>
                    <strong>{item.email}</strong> :{' '}
                    {item.sirets.length === 0
                      ? 'aucun SIRET désormais'
                      : `détient désormais ${listSirets(item.sirets)}`}
                  </li>
                ))}
              </ul>
              <p class="attributions-conflict-next">
                Vos modifications sont conservées : « Enregistrer » les appliquera à cette
                situation.
              </p>
            </div>
          )}
          {meanwhile.length > 0 && !conflict && (
            <div class="notice-warning attributions-meanwhile">
              <p>
                Modifiés par ailleurs pendant votre saisie (vos modifications sont conservées) :
              </p>
              <ul>
                {meanwhile.map((item) => (
                  <li key={item.userId}>
                    <strong>{item.email}</strong> : {describeMeanwhile(item.changed)}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {sirets.length === 0 ? (
            <p class="empty">Aucun SIRET ne correspond à « {siretQuery.trim()} ».</p>
          ) : users.length === 0 ? (
            <p class="empty">Aucun utilisateur ne correspond à « {userQuery.trim()} ».</p>
          ) : (
            <AttributionsMatrix
              model={model}
              sirets={sirets}
              users={users}
              tally={counts}
              flagged={flagged}
              onSet={onSet}
            />
          )}
          <p class="attributions-legend">
            <span class="matrix-legend-changed" aria-hidden="true" /> modification non enregistrée ·{' '}
            <span class="matrix-pending" aria-hidden="true" /> en attente de validation ·{' '}
            <span class="matrix-meanwhile" aria-hidden="true">
              !
            </span>{' '}
            modifié par ailleurs
          </p>
          <span id="matrix-changed-hint" hidden>
            Modification non enregistrée
          </span>
          <div class="attributions-savebar">
            <p class="attributions-count" aria-live="polite">
              {modificationCount(pending)}
            </p>
            <Button onClick={onCancel} disabled={pending === 0 || saving}>
              Annuler les modifications
            </Button>
            <Button variant="primary" busy={saving} disabled={pending === 0} onClick={onSave}>
              Enregistrer
            </Button>
          </div>
        </>
      )}
      {/* After the matrix: a space without secondaries yet can still invite them from a file. */}
      <AttributionsImport />
    </section>
  );
}
