import { useState } from 'preact/hooks';
import { formatSiret } from '../../shared/siret.js';
import type { MemberView, SiretView } from '../../shared/views.js';
import { Button } from './button.js';
import { Dialog } from './dialog.js';
import { FormError } from './form-error.js';
import { useStore } from './store-context.js';
import { CheckboxField } from './text-field.js';

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
            {sirets.map(({ siret }) => (
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
