import { useEffect } from 'preact/hooks';
import type { SupportOverviewView } from '../../shared/views.js';
import { Button } from './button.js';
import { InvitationsChart } from './invitations-chart.js';
import { useStore } from './store-context.js';

const FIGURES: readonly { key: Exclude<keyof SupportOverviewView, 'days'>; label: string }[] = [
  { key: 'pendingInvitations', label: 'Invitations en attente' },
  { key: 'validatedToday', label: 'Validées aujourd’hui' },
  { key: 'expiredThisWeek', label: 'Expirées cette semaine' },
  { key: 'lockedAccounts', label: 'Comptes bloqués' },
];

const TIME = new Intl.DateTimeFormat('fr-FR', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZone: 'Europe/Paris',
});

/** Support: the day's figures and the last 30 days, read again as the admin stream moves. */
export function SupportOverview() {
  const overview = useStore().supportOverview;
  // Read while shown; the events that come meanwhile read it again (support-admin-store.ts).
  useEffect(() => overview.watch(), [overview]);
  const data = overview.data.value;
  const updatedAt = overview.updatedAt.value;
  const error = overview.error.value;
  const loading = overview.loading.value;

  return (
    <section aria-labelledby="overview-title" class="section overview">
      <div class="history-head">
        <h2 id="overview-title">Aperçu</h2>
        {updatedAt && (
          <p class="overview-updated">
            Mis à jour à <time dateTime={updatedAt}>{TIME.format(new Date(updatedAt))}</time>
          </p>
        )}
      </div>
      <p class="history-status" role="status">
        {loading && data === null ? 'Chargement…' : ''}
      </p>
      {error !== null && (
        <div class="history-error" role="alert">
          <p>{error}</p>
          <Button busy={loading} onClick={() => void overview.reload()}>
            Réessayer
          </Button>
        </div>
      )}
      {data && (
        <>
          <dl class="overview-figures">
            {FIGURES.map(({ key, label }) => (
              <div key={key} class="overview-figure">
                <dt>{label}</dt>
                <dd>{data[key]}</dd>
              </div>
            ))}
          </dl>
          <h3 id="overview-chart-title">Invitations sur 30 jours</h3>
          <InvitationsChart days={data.days} title="Invitations sur 30 jours" />
        </>
      )}
    </section>
  );
}
