import { useEffect, useRef, useState } from 'preact/hooks';
import type { UserStatus } from '../../shared/domain.js';
import { USER_STATUS_LABELS } from '../../shared/domain.js';
import { reasonProblem } from '../../shared/field-checks.js';
import { formatDateTime } from '../../shared/french-format.js';
import type { AgentView } from '../../shared/views.js';
import type { ActionResult } from '../panel/feedback.js';
import { Button } from './button.js';
import { FormError } from './form-error.js';
import { useStore } from './store-context.js';
import { TextField } from './text-field.js';
import { SupportActDialog } from './support-act-dialog.js';
import { useCheckedField } from './use-checked-field.js';
import { useEmailField } from './use-email-field.js';

const REASON_LABEL = 'Motif';
const REASON_HINT = 'Gardé dans l’historique du support.';

/** An agent's account is deactivated, not removed: « Supprimé » is a secondary's word. */
const AGENT_STATUS_LABELS: Record<UserStatus, string> = {
  ...USER_STATUS_LABELS,
  removed: 'Désactivé',
};

/** Support: the support accounts, a new agent, and deactivating one. */
export function SupportAgents() {
  const store = useStore();
  const agents = store.supportAgents;
  useEffect(() => agents.watch(), [agents]);
  const [leaving, setLeaving] = useState<AgentView | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  /** Set on a deactivation: its « Désactiver » button goes, so focus goes to the list's title. */
  const focusHeading = useRef(false);
  useEffect(() => {
    if (leaving || !focusHeading.current) return;
    focusHeading.current = false;
    headingRef.current?.focus();
  }, [leaving]);
  const list = agents.data.value;
  const error = agents.error.value;
  const myId = store.me.value?.id;

  return (
    <section aria-labelledby="agents-title" class="section agents">
      <h2 id="agents-title" ref={headingRef} tabIndex={-1}>
        Agents du support
      </h2>
      <p class="history-status" role="status">
        {agents.loading.value && list === null ? 'Chargement…' : ''}
      </p>
      {error !== null && (
        <div class="history-error" role="alert">
          <p>{error}</p>
          <Button busy={agents.loading.value} onClick={() => void agents.reload()}>
            Réessayer
          </Button>
        </div>
      )}
      {list && (
        <ul class="rows" aria-labelledby="agents-title">
          {list.map((agent) => {
            const me = agent.id === myId;
            return (
              <li key={agent.id} class="row">
                <div class="agent-who">
                  <span class="lock-who">
                    {agent.email}
                    {me && ' (vous)'}
                  </span>
                  <span class="cell-detail">
                    <span class={`badge badge-${agent.status}`}>
                      {AGENT_STATUS_LABELS[agent.status]}
                    </span>{' '}
                    · créé le {formatDateTime(agent.createdAt)}
                  </span>
                </div>
                {/* One's own account is deactivated by another agent (the server says so too). */}
                {!me && agent.status !== 'removed' && (
                  <Button
                    variant="danger"
                    aria-label={`Désactiver le compte support de ${agent.email}`}
                    onClick={() => setLeaving(agent)}
                  >
                    Désactiver
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <AddAgentForm />
      {leaving && (
        // Why is asked and kept; the server's refusal (oneself, the last agent) is said inside.
        <SupportActDialog
          title="Désactiver ce compte support ?"
          confirmLabel="Désactiver"
          busy={store.isBusy(`deactivateAgent:${leaving.id}`)}
          submit={async (reason) => {
            const result = await agents.deactivate(leaving.id, leaving.email, reason);
            focusHeading.current = result.ok;
            return result;
          }}
          onClose={() => setLeaving(null)}
        >
          <p>
            <strong>{leaving.email}</strong> ne pourra plus se connecter, et ses sessions ouvertes
            se ferment aussitôt.
          </p>
        </SupportActDialog>
      )}
    </section>
  );
}

/** A required « Motif », checked on submit like the e-mail field. */
function useReasonField() {
  const field = useCheckedField(reasonProblem, { label: REASON_LABEL, hint: REASON_HINT });
  return { ...field, reason: field.value };
}

function AddAgentForm() {
  const store = useStore();
  const email = useEmailField();
  const reason = useReasonField();
  const [formProblem, setFormProblem] = useState<string | null>(null);

  async function onSubmit(event: Event) {
    event.preventDefault();
    setFormProblem(null);
    // Both fields say what is wrong; the first one wrong gets the focus.
    const reasonOk = reason.validate();
    const emailOk = email.validate();
    if (!emailOk || !reasonOk) return;
    const result = await store.supportAgents.create(email.email.trim(), reason.reason.trim());
    if (result.ok) {
      email.clear();
      reason.clear();
    } else {
      showRefusal(result);
    }
  }

  /** Each refusal at the field it is about; an outage is said under the header. */
  function showRefusal(result: Extract<ActionResult, { ok: false }>) {
    if (result.outage) return;
    if (/motif/i.test(result.message)) reason.setProblem(result.message);
    else if (result.code === 'EMAIL_ALREADY_USED' || result.code === 'VALIDATION_FAILED') {
      email.setProblem(result.message);
    } else setFormProblem(result.message);
  }

  return (
    <form onSubmit={onSubmit} noValidate class="form agents-add" aria-labelledby="add-agent-title">
      <h3 id="add-agent-title">Ajouter un agent</h3>
      <p class="hint">
        Il reçoit par e-mail un lien pour choisir son mot de passe ; il reste « En attente de
        validation » jusque-là.
      </p>
      <TextField label="Adresse e-mail" {...email.fieldProps} />
      <TextField {...reason.fieldProps} />
      <FormError message={formProblem} />
      <Button type="submit" variant="primary" busy={store.isBusy('createAgent')}>
        Ajouter un agent
      </Button>
    </form>
  );
}
