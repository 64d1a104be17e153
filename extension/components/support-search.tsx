import { useEffect, useRef, useState } from 'preact/hooks';
import { ROLE_LABELS, USER_STATUS_LABELS } from '../../shared/domain.js';
import { formatDateTimeAt, plural } from '../../shared/french-format.js';
import type { SupportAccountView } from '../../shared/views.js';
import { Button } from './button.js';
import { useStore } from './store-context.js';
import { SupportSpacePage } from './support-space-page.js';
import { TextField } from './text-field.js';

/**
 * « Rechercher »: the support agent finds the caller's account by part of its
 * e-mail or a SIRET of its space, then opens that space's page.
 */
export function SupportSearch() {
  const desk = useStore().supportDesk;
  if (desk.spaceId.value !== null) return <SupportSpacePage spaceId={desk.spaceId.value} />;
  return <AccountSearch />;
}

function AccountSearch() {
  const store = useStore();
  const desk = store.supportDesk;
  const [text, setText] = useState(() => desk.query.peek());
  const accounts = desk.accounts.value;
  const titleRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    // Back from a space's page: the agent goes on from the results.
    if (desk.accounts.peek() !== null) titleRef.current?.focus();
  }, [desk]);

  function onSubmit(event: Event) {
    event.preventDefault();
    void desk.search(text);
  }

  return (
    <section aria-labelledby="support-search-title" class="section support-search">
      <h2 id="support-search-title" ref={titleRef} tabIndex={-1}>
        Rechercher un compte
      </h2>
      <form
        class="form"
        role="search"
        aria-label="Rechercher un compte"
        noValidate
        onSubmit={onSubmit}
      >
        <TextField
          label="Adresse e-mail ou SIRET"
          type="search"
          hint="Une partie de l’adresse, ou les 14 chiffres du SIRET (espaces acceptés)."
          value={text}
          onInput={setText}
          error={desk.searchError.value}
          autocomplete="off"
        />
        <div class="form-actions">
          <Button type="submit" variant="primary" busy={store.isBusy('supportSearch')}>
            Rechercher
          </Button>
        </div>
      </form>
      {accounts !== null && <AccountResults accounts={accounts} query={desk.query.value} />}
    </section>
  );
}

export interface AccountResultsProps {
  accounts: SupportAccountView[];
  query: string;
}

function AccountResults({ accounts, query }: AccountResultsProps) {
  const desk = useStore().supportDesk;
  if (accounts.length === 0) {
    return (
      <p class="empty" role="status">
        Aucun compte ne correspond à « {query} ».
      </p>
    );
  }
  return (
    <>
      <p class="feed-count" role="status">
        {plural(accounts.length, 'compte trouvé', 'comptes trouvés')}
      </p>
      <ul class="support-cards" aria-label="Comptes trouvés">
        {accounts.map((account) => (
          <li key={account.id}>
            {account.spaceId === null ? (
              <div class="support-card">
                <AccountCard account={account} />
              </div>
            ) : (
              <button
                type="button"
                class="support-card support-card-open"
                onClick={() => void desk.openSpace(account.spaceId as number)}
              >
                <AccountCard account={account} />
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

function AccountCard({ account }: { account: SupportAccountView }) {
  return (
    <>
      <span class="support-card-title">{account.email}</span>
      <span class="cell-detail">
        {ROLE_LABELS[account.role]} ·{' '}
        <span class={`badge badge-${account.status}`}>{USER_STATUS_LABELS[account.status]}</span>
      </span>
      <span class="cell-detail">{spaceLabel(account)}</span>
      <span class="cell-detail">
        {plural(account.lockCount, 'blocage', 'blocages')} ·{' '}
        {account.lastActivityAt
          ? `Dernière activité le ${formatDateTimeAt(account.lastActivityAt)}`
          : 'Aucune activité'}
      </span>
    </>
  );
}

/** Support names a space by its principal's e-mail (docs/api.md, « Support desk »). */
function spaceLabel(account: SupportAccountView): string {
  if (account.spaceId === null) return 'Sans espace employeur';
  return account.spaceName === null ? 'Espace dissous' : `Espace de ${account.spaceName}`;
}
