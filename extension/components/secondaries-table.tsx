import { useState } from 'preact/hooks';
import { INVITATION_STATUS_LABELS, USER_STATUS_LABELS } from '../../shared/domain.js';
import type { MemberSnapshot } from '../../shared/events.js';
import type { InvitationView, MemberView } from '../../shared/views.js';
import { formatDate } from '../../shared/french-format.js';
import { findSecondaries, paginate } from '../panel/selectors.js';
import { Button } from './button.js';
import { ConfirmDialog } from './dialog.js';
import { SecondarySiretsDialog } from './secondary-sirets-dialog.js';
import { useStore } from './store-context.js';
import { TablePagination } from './table-pagination.js';
import { TextField } from './text-field.js';

export interface SecondariesTableProps {
  state: MemberSnapshot;
}

type Open =
  | { kind: 'sirets'; userId: number }
  | { kind: 'remove'; userId: number }
  | { kind: 'revoke'; userId: number }
  | null;

/** "Liste des utilisateurs secondaires", searchable and paginated, live. */
export function SecondariesTable({ state }: SecondariesTableProps) {
  const store = useStore();
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(10);
  const [open, setOpen] = useState<Open>(null);
  const matches = findSecondaries(state, query);
  const slice = paginate(matches, page, pageSize);
  const openMember = open ? state.members.find((member) => member.id === open.userId) : undefined;

  async function onRemove(member: MemberView) {
    const result = await store.removeSecondary(member.id);
    if (result.ok || result.code === 'NOT_FOUND') setOpen(null);
  }

  async function onRevoke(member: MemberView) {
    const result = await store.revokeInvitation(member.id, member.email);
    // NOT_FOUND: the link was used, revoked or ran out meanwhile; its event says which.
    if (result.ok || result.code === 'NOT_FOUND') setOpen(null);
  }

  return (
    <div class="secondaries">
      <h3 id="secondaries-title">Liste des utilisateurs secondaires</h3>
      <div class="toolbar">
        <TextField
          label="Rechercher un utilisateur secondaire"
          type="search"
          value={query}
          onInput={(value) => {
            setQuery(value);
            setPage(1);
          }}
        />
        <Button
          busy={store.isBusy('exportAttributions')}
          onClick={() => store.exportAttributions()}
        >
          Exporter (CSV)
        </Button>
      </div>
      <div class="table-scroll">
        {/* Explicit roles: narrow panels lay the rows out as cards (CSS) and keep the table. */}
        <table class="table table-stack" role="table" aria-labelledby="secondaries-title">
          <thead role="rowgroup">
            <tr role="row">
              <th scope="col" role="columnheader">
                Adresse email
              </th>
              <th scope="col" role="columnheader">
                Statut utilisateur
              </th>
              <th scope="col" role="columnheader">
                Gestion sirets
              </th>
              <th scope="col" role="columnheader">
                Actions
              </th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {slice.items.length === 0 ? (
              <tr role="row">
                <td colSpan={4} role="cell" class="empty">
                  {query.trim()
                    ? `Aucun utilisateur secondaire ne correspond à « ${query.trim()} ».`
                    : 'Aucun utilisateur secondaire pour le moment.'}
                </td>
              </tr>
            ) : (
              slice.items.map((member) => (
                <SecondaryRow
                  key={member.id}
                  state={state}
                  member={member}
                  onSirets={() => setOpen({ kind: 'sirets', userId: member.id })}
                  onRemove={() => setOpen({ kind: 'remove', userId: member.id })}
                  onRevoke={() => setOpen({ kind: 'revoke', userId: member.id })}
                />
              ))
            )}
          </tbody>
        </table>
      </div>
      <TablePagination
        label={slice.label}
        page={slice.page}
        pageCount={slice.pageCount}
        pageSize={pageSize}
        onPage={setPage}
        onPageSize={(size) => {
          setPageSize(size);
          setPage(1);
        }}
      />
      {open?.kind === 'sirets' && openMember && (
        <SecondarySiretsDialog
          member={openMember}
          sirets={state.sirets}
          onClose={() => setOpen(null)}
        />
      )}
      {open?.kind === 'remove' && openMember && (
        <ConfirmDialog
          title="Supprimer l'utilisateur secondaire"
          busy={store.isBusy(`removeSecondary:${openMember.id}`)}
          onCancel={() => setOpen(null)}
          onConfirm={() => void onRemove(openMember)}
        >
          <p>
            Supprimer <strong>{openMember.email}</strong> ? Ses sessions prennent fin immédiatement
            et ses SIRETs lui sont retirés.
          </p>
        </ConfirmDialog>
      )}
      {open?.kind === 'revoke' && openMember && (
        <ConfirmDialog
          title="Annuler l'invitation"
          busy={store.isBusy(`revokeInvitation:${openMember.id}`)}
          onCancel={() => setOpen(null)}
          onConfirm={() => void onRevoke(openMember)}
        >
          <p>
            Annuler l'invitation envoyée à <strong>{openMember.email}</strong> ? Le lien cesse de
            fonctionner ; le compte reste « {USER_STATUS_LABELS.pending} » : vous pourrez renvoyer
            une invitation ou le supprimer.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

export interface SecondaryRowProps {
  state: MemberSnapshot;
  member: MemberView;
  onSirets: () => void;
  onRemove: () => void;
  onRevoke: () => void;
}

function SecondaryRow({ state, member, onSirets, onRemove, onRevoke }: SecondaryRowProps) {
  const store = useStore();
  const online = state.online.includes(member.id);
  // The latest link sent, whatever became of it (build-snapshot.ts); none once active.
  const invitation =
    member.status === 'pending'
      ? state.invitations.find((item) => item.userId === member.id)
      : undefined;
  const count = member.sirets?.length ?? 0;
  // Just validated their invitation: the notice says so, the row shows who it is.
  const highlighted = store.highlightedMembers.value.includes(member.id);
  return (
    <tr role="row" class={highlighted ? 'row-highlight' : undefined}>
      <th scope="row" role="rowheader" class="cell-email">
        <span class={`presence ${online ? 'presence-on' : 'presence-off'}`} aria-hidden="true" />
        <span class="email-text">{member.email}</span>
        {online && <span class="cell-detail">En ligne</span>}
      </th>
      <td role="cell" class="cell-status">
        {invitation?.status === 'expired' ? (
          <span class="badge badge-invitation-expired">{INVITATION_STATUS_LABELS.expired}</span>
        ) : (
          <span class={`badge badge-${member.status}`}>{USER_STATUS_LABELS[member.status]}</span>
        )}
        {invitation && <InvitationLine invitation={invitation} />}
      </td>
      <td role="cell" class="cell-sirets">
        <Button aria-label={`Liste SIRETs de ${member.email} (${count})`} onClick={onSirets}>
          Liste SIRETs <span class="count">({count})</span>
        </Button>
      </td>
      <td role="cell" class="cell-actions">
        {member.status === 'pending' && (
          <Button
            aria-label={`Renvoyer l'invitation à ${member.email}`}
            busy={store.isBusy(`resendInvitation:${member.id}`)}
            onClick={() => store.resendInvitation(member.id, member.email)}
          >
            Renvoyer l'invitation
          </Button>
        )}
        {invitation?.status === 'pending' && (
          <Button
            variant="danger"
            aria-label={`Annuler l'invitation de ${member.email}`}
            busy={store.isBusy(`revokeInvitation:${member.id}`)}
            onClick={onRevoke}
          >
            Annuler l'invitation
          </Button>
        )}
        <Button
          variant="danger"
          aria-label={`Supprimer ${member.email}`}
          busy={store.isBusy(`removeSecondary:${member.id}`)}
          onClick={onRemove}
        >
          Supprimer
        </Button>
      </td>
    </tr>
  );
}

export interface InvitationLineProps {
  invitation: InvitationView;
}

/** What became of the latest link: still valid, run out, or revoked (the account stays pending). */
function InvitationLine({ invitation }: InvitationLineProps) {
  switch (invitation.status) {
    case 'pending':
      return (
        <span class="cell-detail">Lien valable jusqu'au {formatDate(invitation.expiresAt)}</span>
      );
    case 'expired':
      return <span class="cell-detail">Lien expiré le {formatDate(invitation.expiresAt)}</span>;
    case 'revoked':
      return <span class="cell-detail">Invitation annulée</span>;
    case 'accepted':
      return null;
  }
}
