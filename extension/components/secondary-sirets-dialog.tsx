import { useState } from 'preact/hooks';
import { plural } from '../../shared/french-format.js';
import { formatSiret } from '../../shared/siret.js';
import type { MemberView, SiretView } from '../../shared/views.js';
import { findSirets } from '../panel/selectors.js';
import { Button } from './button.js';
import { Dialog } from './dialog.js';
import { FormError } from './form-error.js';
import { useStore } from './store-context.js';
import { CheckboxField, TextField } from './text-field.js';

/** Above this many SIRETs the list gets a search; at most `SHOWN` boxes are drawn at once. */
const SEARCH_FROM = 12;
const SHOWN = 50;

export interface SecondarySiretsDialogProps {
  member: MemberView;
  sirets: SiretView[];
  onClose: () => void;
}

/** "Liste SIRETs": tick the space's SIRETs attributed to one secondary user. */
export function SecondarySiretsDialog({ member, sirets, onClose }: SecondarySiretsDialogProps) {
  const store = useStore();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set(member.sirets ?? []));
  const busyKey = `setSecondarySirets:${member.id}`;
  const busy = store.isBusy(busyKey);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const matches = findSirets(sirets, query);
  // A large space (1,000 SIRETs) is searched, not scrolled: a bounded list of boxes.
  const shown = matches.slice(0, SHOWN);
  const ticked = sirets.filter((item) => chosen.has(item.siret)).length;

  function toggle(siret: string, on: boolean) {
    const next = new Set(chosen);
    if (on) next.add(siret);
    else next.delete(siret);
    setChosen(next);
  }

  async function onSubmit(event: Event) {
    event.preventDefault();
    // A SIRET deleted meanwhile (live) is no longer offered nor sent.
    const selection = sirets.map((item) => item.siret).filter((siret) => chosen.has(siret));
    setRefusal(null);
    const result = await store.setSecondarySirets(member.id, selection);
    if (result.ok) onClose();
    else if (!result.outage) setRefusal(result.message);
  }

  return (
    <Dialog title={`Liste SIRETs — ${member.email}`} onClose={() => !busy && onClose()}>
      <form onSubmit={onSubmit} class="form">
        {sirets.length === 0 ? (
          <p class="empty">Aucun SIRET dans votre espace.</p>
        ) : (
          <fieldset class="checkbox-list">
            <legend>SIRETs attribués à {member.email}</legend>
            {sirets.length > SEARCH_FROM && (
              <>
                <TextField
                  label="Rechercher un SIRET"
                  type="search"
                  inputMode="numeric"
                  value={query}
                  onInput={setQuery}
                  hint="Les SIRETs cochés le restent hors de la recherche. Pour plusieurs utilisateurs à la fois : onglet « Attributions »."
                />
                <p class="list-count" aria-live="polite">
                  {plural(ticked, 'SIRET coché', 'SIRETs cochés')} sur {sirets.length}
                  {matches.length > shown.length &&
                    ` · ${shown.length} affichés sur ${matches.length} : précisez la recherche`}
                </p>
              </>
            )}
            {matches.length === 0 && (
              <p class="empty">Aucun SIRET ne correspond à « {query.trim()} ».</p>
            )}
            {shown.map(({ siret }) => (
              <CheckboxField
                key={siret}
                label={formatSiret(siret)}
                checked={chosen.has(siret)}
                onChange={(on) => toggle(siret, on)}
                disabled={busy}
              />
            ))}
          </fieldset>
        )}
        <FormError message={refusal} />
        <div class="dialog-actions">
          <Button onClick={onClose} disabled={busy}>
            Annuler
          </Button>
          <Button type="submit" variant="primary" busy={busy} disabled={sirets.length === 0}>
            Enregistrer
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
