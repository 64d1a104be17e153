import { useId, useState } from 'preact/hooks';
import {
  INVITATION_STATUSES,
  INVITATION_STATUS_LABELS,
  LOCK_SCOPE_LABELS,
  type InvitationStatus,
} from '../../shared/domain.js';
import type { AdminSnapshot } from '../../shared/events.js';
import { formatSiret } from '../../shared/siret.js';
import type { InvitationView, LockView } from '../../shared/views.js';
import { formatDateTime, plural } from '../../shared/french-format.js';
import { filterInvitations } from '../panel/selectors.js';
import { SUPPORT_ACT_KEYS } from '../panel/support-desk-store.js';
import { Button } from './button.js';
import { SupportActDialog } from './support-act-dialog.js';
import { useStore } from './store-context.js';
import { SupportAgents } from './support-agents.js';
import { SupportHistory } from './support-history.js';
import { SupportSearch } from './support-search.js';
import { SupportOverview } from './support-overview.js';
import { Tabs } from './tabs.js';
import { TextField } from './text-field.js';

export interface AdminHomeProps {
  state: AdminSnapshot;
}

/** The support agent's screen: invitations across spaces, live, lock-outs and alerts. */
export function AdminHome({ state }: AdminHomeProps) {
  return (
    <Tabs
      label="Espace support"
      tabs={[
        { id: 'search', label: 'Rechercher', render: () => <SupportSearch /> },
        { id: 'overview', label: 'Aperçu', render: () => <SupportOverview /> },
        {
          id: 'live',
          label: 'Invitations et blocages',
          render: () => (
            <>
              <InvitationFeed invitations={state.invitations} />
              <LockList locks={state.locks} />
            </>
          ),
        },
        { id: 'history', label: 'Historique', render: () => <SupportHistory /> },
        { id: 'agents', label: 'Agents', render: () => <SupportAgents /> },
      ]}
    />
  );
}

export interface InvitationFeedProps {
  invitations: InvitationView[];
}

function InvitationFeed({ invitations }: InvitationFeedProps) {
  const [status, setStatus] = useState<InvitationStatus | 'all'>('all');
  const [query, setQuery] = useState('');
  const statusId = useId();
  const shown = filterInvitations(invitations, status, query);
  return (
    <section aria-labelledby="feed-title" class="section">
      <h2 id="feed-title">Invitations en direct</h2>
      <div class="toolbar">
        <div class="field">
          <label for={statusId}>Statut</label>
          <select
            id={statusId}
            value={status}
            onChange={(event) => setStatus(event.currentTarget.value as InvitationStatus | 'all')}
          >
            <option value="all">Tous</option>
            {INVITATION_STATUSES.map((item) => (
              <option key={item} value={item}>
                {INVITATION_STATUS_LABELS[item]}
              </option>
            ))}
          </select>
        </div>
        <TextField
          label="Rechercher (adresse e-mail)"
          type="search"
          value={query}
          onInput={setQuery}
        />
      </div>
      <p class="feed-count">{plural(shown.length, 'invitation', 'invitations')}</p>
      {shown.length === 0 ? (
        <p class="empty">Aucune invitation ne correspond.</p>
      ) : (
        <ol class="feed" aria-labelledby="feed-title">
          {shown.map((invitation) => (
            <InvitationItem key={invitation.id} invitation={invitation} />
          ))}
        </ol>
      )}
    </section>
  );
}

export interface InvitationItemProps {
  invitation: InvitationView;
}

function InvitationItem({ invitation }: InvitationItemProps) {
  return (
    <li class="feed-item">
      <p class="feed-main">
        <strong>{invitation.invitedBy}</strong> a invité <strong>{invitation.email}</strong>
      </p>
      <p class="cell-detail">
        <span class={`badge badge-invitation-${invitation.status}`}>
          {INVITATION_STATUS_LABELS[invitation.status]}
        </span>{' '}
        {spaceLabel(invitation)} · le {formatDateTime(invitation.createdAt)}
        {invitation.acceptedAt
          ? ` · validée le ${formatDateTime(invitation.acceptedAt)}`
          : invitation.status === 'pending'
            ? ` · expire le ${formatDateTime(invitation.expiresAt)}`
            : invitation.status === 'expired'
              ? ` · expirée le ${formatDateTime(invitation.expiresAt)}`
              : ''}
      </p>
    </li>
  );
}

/**
 * Support names a space by its principal's e-mail, never by its number. An
 * invitation that arrived live carries no name: its sender, who invites for
 * the space they lead, names it until the list is read again.
 */
function spaceLabel(invitation: InvitationView): string {
  if (invitation.spaceName === undefined) return `Espace de ${invitation.invitedBy}`;
  return invitation.spaceName === null ? 'Espace dissous' : `Espace de ${invitation.spaceName}`;
}

export interface LockListProps {
  locks: LockView[];
}

function LockList({ locks }: LockListProps) {
  const store = useStore();
  /** The lock whose lifting asks its reason now (kept in the history). */
  const [asked, setAsked] = useState<LockView | null>(null);
  return (
    <section aria-labelledby="locks-title" class="section">
      <h2 id="locks-title">Comptes bloqués</h2>
      {locks.length === 0 ? (
        <p class="empty">Aucun blocage en cours.</p>
      ) : (
        <ul class="rows">
          {locks.map((lock) => {
            // An alert blocks nobody: support looks into it, then acknowledges it,
            // which starts its count again.
            const alert = lock.scope === 'signup_alert';
            const who = lock.email ?? (alert ? 'Alerte inscription' : 'Inscription sans compte');
            const action = alert ? 'Acquitter' : 'Réinitialiser';
            const siret = lock.siret ? `SIRET ${formatSiret(lock.siret)}` : null;
            // Without an e-mail, the SIRET tells the rows' buttons apart when read aloud.
            const target = lock.email === null && siret ? `${who} ${siret}` : who;
            return (
              <li key={lock.id} class="row">
                <div>
                  <span class="lock-who">{who}</span>
                  <span class="cell-detail">
                    {LOCK_SCOPE_LABELS[lock.scope]}
                    {siret && ` · ${siret}`} · {plural(lock.failures, 'échec', 'échecs')} ·{' '}
                    {alert ? 'signalée le' : 'depuis le'} {formatDateTime(lock.lockedAt)}
                  </span>
                </div>
                <Button
                  variant="primary"
                  aria-label={`${action} ${target} (${LOCK_SCOPE_LABELS[lock.scope]})`}
                  busy={store.isBusy(SUPPORT_ACT_KEYS.resetLock(lock.id))}
                  onClick={() => setAsked(lock)}
                >
                  {action}
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      {asked && (
        <SupportActDialog
          title={asked.scope === 'signup_alert' ? 'Acquitter l’alerte' : 'Lever le blocage'}
          confirmLabel={asked.scope === 'signup_alert' ? 'Acquitter' : 'Lever le blocage'}
          busy={store.isBusy(SUPPORT_ACT_KEYS.resetLock(asked.id))}
          submit={(reason) => store.supportDesk.resetLock(asked, reason)}
          onClose={() => setAsked(null)}
        >
          <p>
            {asked.scope === 'signup_alert'
              ? 'L’alerte sera acquittée et son compte repartira de zéro ; elle ne bloquait personne.'
              : `Le blocage « ${LOCK_SCOPE_LABELS[asked.scope]} »${asked.email ? ` de ${asked.email}` : ''} sera levé : l’opération pourra être tentée de nouveau.`}
          </p>
        </SupportActDialog>
      )}
    </section>
  );
}
