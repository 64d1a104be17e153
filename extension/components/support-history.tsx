import { useEffect, useId, useState } from 'preact/hooks';
import type { StoredEventType } from '../../shared/events.js';
import { EVENT_TYPE_LABELS } from '../../shared/history-text.js';
import type { HistoryFilters } from '../panel/api-client.js';
import { Button } from './button.js';
import { HistoryEntries } from './history-view.js';
import { useStore } from './store-context.js';
import { TextField } from './text-field.js';

const NO_FILTERS = { email: '', siret: '', type: '', from: '', to: '' };
type FilterFields = typeof NO_FILTERS;

const TYPES = Object.entries(EVENT_TYPE_LABELS) as [StoredEventType, string][];

/** Support: every space's history, searched by address, SIRET, kind of change and days. */
export function SupportHistory() {
  const store = useStore();
  const history = store.supportHistory;
  const [fields, setFields] = useState<FilterFields>(() => ({
    ...NO_FILTERS,
    ...history.filters.peek(),
  }));
  const set = (name: keyof FilterFields) => (value: string) =>
    setFields((current) => ({ ...current, [name]: value }));
  const typeId = useId();
  const fromId = useId();
  const toId = useId();
  const refusalId = useId();
  const refusal = history.refusal.value;

  useEffect(() => {
    // The whole history, newest first, until the agent narrows it.
    if (!history.loaded.peek() && !history.loading.peek()) void history.search({});
  }, [history]);

  function onSubmit(event: Event) {
    event.preventDefault();
    void history.search(fields as HistoryFilters);
  }

  function clear() {
    setFields(NO_FILTERS);
    void history.search({});
  }

  return (
    <section aria-labelledby="support-history-title" class="section history">
      <div class="history-head">
        <h2 id="support-history-title">Historique</h2>
        <Button busy={store.isBusy('exportAdminHistory')} onClick={() => void history.exportCsv()}>
          Exporter (CSV)
        </Button>
      </div>
      <form
        class="form history-search"
        role="search"
        aria-label="Rechercher dans l’historique"
        aria-describedby={refusal ? refusalId : undefined}
        noValidate
        onSubmit={onSubmit}
      >
        <TextField
          label="Adresse e-mail"
          type="email"
          value={fields.email}
          onInput={set('email')}
          autocomplete="off"
        />
        <TextField
          label="SIRET"
          value={fields.siret}
          onInput={set('siret')}
          inputMode="numeric"
          autocomplete="off"
        />
        <div class="field">
          <label for={typeId}>Type de changement</label>
          <select
            id={typeId}
            value={fields.type}
            onChange={(event) => set('type')(event.currentTarget.value)}
          >
            <option value="">Tous</option>
            {TYPES.map(([type, label]) => (
              <option key={type} value={type}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div class="history-dates">
          <div class="field">
            <label for={fromId}>Du</label>
            <input
              id={fromId}
              type="date"
              value={fields.from}
              onInput={(event) => set('from')(event.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for={toId}>Au</label>
            <input
              id={toId}
              type="date"
              value={fields.to}
              onInput={(event) => set('to')(event.currentTarget.value)}
            />
          </div>
        </div>
        {refusal && (
          <p id={refusalId} class="field-error" role="alert">
            {refusal}
          </p>
        )}
        <div class="form-actions">
          <Button type="submit" variant="primary" busy={history.loading.value}>
            Rechercher
          </Button>
          <Button onClick={clear}>Effacer les filtres</Button>
        </div>
      </form>
      <HistoryEntries
        list={history}
        labelledBy="support-history-title"
        empty="Aucun changement ne correspond à ces filtres."
        onMore={() => void history.loadMore()}
        showType
      />
    </section>
  );
}
