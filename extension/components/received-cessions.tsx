import { useState } from 'preact/hooks';
import { formatDate, formatDateTime, plural } from '../../shared/french-format.js';
import { formatSiret } from '../../shared/siret.js';
import type { ReceivedCessionView } from '../../shared/views.js';
import { ConfirmDialog } from './dialog.js';
import { FormError } from './form-error.js';
import { Button } from './button.js';
import { useStore } from './store-context.js';

export interface ReceivedCessionsProps {
  cessions: ReceivedCessionView[];
}

/**
 * « Cessions reçues »: a cession into the principal's space can be refused for
 * 7 days (docs/domain.md rule 1, « Undoing a cession »): everything goes back
 * to the space that ceded it, whose principal is principal again.
 */
export function ReceivedCessions({ cessions }: ReceivedCessionsProps) {
  const store = useStore();
  const [asked, setAsked] = useState<ReceivedCessionView | null>(null);
  /** The server named what cannot come back: the next confirmation does the rest. */
  const [partial, setPartial] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const open = cessions.filter((cession) => Date.parse(cession.refusableUntil) > Date.now());
  if (open.length === 0 && asked === null) return null;

  function close() {
    setAsked(null);
    setPartial(null);
    setRefusal(null);
  }

  async function refuse(cession: ReceivedCessionView) {
    const result = await store.refuseCession(cession.id, partial !== null);
    if (result.ok) close();
    else if (result.code === 'CESSION_REVERT_PARTIAL') setPartial(result.message);
    else if (!result.outage) setRefusal(result.message);
  }

  return (
    <section aria-labelledby="received-cessions-title" class="section parametrage-part">
      <h2 id="received-cessions-title">Cessions reçues</h2>
      <ul class="received-cessions">
        {open.map((cession) => (
          <li key={cession.id} class="received-cession">
            <p>
              <strong>{cession.fromPrincipalEmail}</strong> vous a cédé{' '}
              {plural(cession.sirets.length, 'SIRET', 'SIRETs')}
              {cession.secondaryCount > 0 &&
                ` et ${plural(cession.secondaryCount, 'utilisateur secondaire', 'utilisateurs secondaires')}`}{' '}
              le {formatDateTime(cession.cededAt)}.
            </p>
            <p class="hint">
              Vous ne l'attendiez pas ? Vous pouvez la refuser jusqu'au{' '}
              {formatDate(cession.refusableUntil)} : tout retournera dans l'espace de{' '}
              {cession.fromPrincipalEmail}.
            </p>
            <Button
              variant="danger"
              aria-label={`Refuser la cession de ${cession.fromPrincipalEmail}`}
              onClick={() => setAsked(cession)}
            >
              Refuser la cession
            </Button>
          </li>
        ))}
      </ul>
      {asked && (
        <ConfirmDialog
          title="Refuser la cession"
          confirmLabel={partial ? 'Confirmer quand même' : 'Refuser la cession'}
          busy={store.isBusy(`refuseCession:${asked.id}`)}
          onCancel={close}
          onConfirm={() => void refuse(asked)}
        >
          <p>
            {asked.sirets.length > 1 ? 'Les SIRETs' : 'Le SIRET'}{' '}
            {asked.sirets.map(formatSiret).join(', ')}
            {asked.secondaryCount > 0 &&
              ` et ${plural(asked.secondaryCount, 'utilisateur secondaire', 'utilisateurs secondaires')}`}{' '}
            retourneront dans l'espace de <strong>{asked.fromPrincipalEmail}</strong>, qui en
            redeviendra l'utilisateur principal.
          </p>
          {partial && (
            <p class="notice-warning" role="alert">
              {partial}
            </p>
          )}
          <FormError message={refusal} />
        </ConfirmDialog>
      )}
    </section>
  );
}
