import { useComputed, useSignal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  INVITATION_STATUS_LABELS,
  LOCK_SCOPE_LABELS,
  USER_STATUS_LABELS,
} from '../../shared/domain.js';
import { formatDateTime, plural } from '../../shared/french-format.js';
import { formatSiret } from '../../shared/siret.js';
import type {
  CessionView,
  DossierView,
  InvitationView,
  LockView,
  SecondaryView,
  SupportSpaceView,
} from '../../shared/views.js';
import type { HistoryListState } from '../panel/history-store.js';
import { SUPPORT_ACT_KEYS } from '../panel/support-desk-store.js';
import { Button } from './button.js';
import { DossierTable } from './dashboard-view.js';
import { FormError } from './form-error.js';
import { HistoryEntries } from './history-view.js';
import { useStore } from './store-context.js';
import { SupportActDialog } from './support-act-dialog.js';
import { ChangeDossierStepDialog, OpenDossierDialog } from './support-dossier-dialogs.js';

/** The act the agent is about to do, in its dialog. */
type Act =
  | { kind: 'resetLock'; lock: LockView }
  | { kind: 'undoCession'; cession: CessionView }
  | { kind: 'makePrincipal'; secondary: SecondaryView }
  | { kind: 'resendInvitation'; invitation: InvitationView }
  | { kind: 'revokeInvitation'; invitation: InvitationView }
  | { kind: 'openDossier'; siret: string }
  | { kind: 'changeDossierStatus'; dossier: DossierView };

type OpenAct = (act: Act) => void;

export interface SupportSpacePageProps {
  spaceId: number;
}

/** A space seen whole by the support desk, with the acts that put a mistake right. */
export function SupportSpacePage({ spaceId }: SupportSpacePageProps) {
  const store = useStore();
  const desk = store.supportDesk;
  const space = desk.space.value;
  const [act, setAct] = useState<Act | null>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    // The page replaces the results: the agent's reading starts at its title.
    titleRef.current?.focus();
  }, [spaceId]);

  return (
    <section aria-labelledby="support-space-title" class="section support-space">
      <Button variant="link" onClick={() => desk.closeSpace()}>
        Retour aux résultats
      </Button>
      <h2 id="support-space-title" ref={titleRef} tabIndex={-1}>
        {space ? spaceTitle(space) : 'Espace employeur'}
      </h2>
      <p class="history-status" role="status">
        {store.isBusy('supportSpace') ? 'Chargement…' : ''}
      </p>
      <FormError message={desk.spaceError.value} />
      {space && <SpaceDetails space={space} onAct={setAct} />}
      {act && space && <ActDialog act={act} space={space} onClose={() => setAct(null)} />}
    </section>
  );
}

function spaceTitle(space: SupportSpaceView): string {
  return space.name === null ? 'Espace dissous' : `Espace de ${space.name}`;
}

interface SpaceDetailsProps {
  space: SupportSpaceView;
  onAct: OpenAct;
}

function SpaceDetails({ space, onAct }: SpaceDetailsProps) {
  const desk = useStore().supportDesk;
  return (
    <>
      <p class="cell-detail">
        {space.principal
          ? `Utilisateur principal : ${space.principal.email}${space.online.includes(space.principal.id) ? ' (en ligne)' : ''}`
          : 'Aucun utilisateur principal'}
        {space.dissolvedAt && ` · dissous le ${formatDateTime(space.dissolvedAt)}`}
      </p>
      <SpaceSirets space={space} onAct={onAct} />
      <SpaceSecondaries space={space} onAct={onAct} />
      <SpaceInvitations invitations={space.invitations} onAct={onAct} />
      <SpaceLocks locks={space.locks} onAct={onAct} />
      <SpaceCessions
        cessions={desk.cessions.value}
        dissolved={space.principal === null}
        onAct={onAct}
      />
      <SpaceHistory space={space} />
    </>
  );
}

function SpaceSirets({ space, onAct }: SpaceDetailsProps) {
  const store = useStore();
  const today = store.today();
  return (
    <section aria-labelledby="support-space-sirets" class="support-part">
      <h3 id="support-space-sirets">SIRETs et dossiers</h3>
      {space.sirets.length === 0 && <p class="empty">Aucun SIRET dans cet espace.</p>}
      {space.sirets.map(({ siret, addedAt, dossiers }) => (
        <section key={siret} class="siret-group" aria-labelledby={`support-siret-${siret}`}>
          <h4 id={`support-siret-${siret}`}>SIRET {formatSiret(siret)}</h4>
          <p class="siret-counts">
            Ajouté le {formatDateTime(addedAt)} · {plural(dossiers.length, 'dossier', 'dossiers')}
          </p>
          {dossiers.length > 0 && <DossierTable siret={siret} dossiers={dossiers} today={today} />}
          {/* Support stands in for the insurer's systems here (docs/domain.md rule 5). */}
          <ul class="support-dossier-acts">
            {dossiers.map((dossier) => (
              <li key={dossier.id}>
                {/* Under the table, not in its rows: the name says which dossier. */}
                <Button
                  busy={store.isBusy(SUPPORT_ACT_KEYS.changeDossierStatus(dossier.id))}
                  onClick={() => onAct({ kind: 'changeDossierStatus', dossier })}
                >
                  Changer l'étape du dossier {dossier.reference}
                </Button>
              </li>
            ))}
            <li>
              <Button
                aria-label={`Ouvrir un dossier pour le SIRET ${formatSiret(siret)}`}
                busy={store.isBusy(SUPPORT_ACT_KEYS.openDossier(siret))}
                onClick={() => onAct({ kind: 'openDossier', siret })}
              >
                Ouvrir un dossier
              </Button>
            </li>
          </ul>
        </section>
      ))}
    </section>
  );
}

function SpaceSecondaries({ space, onAct }: SpaceDetailsProps) {
  const store = useStore();
  return (
    <section aria-labelledby="support-space-secondaries" class="support-part">
      <h3 id="support-space-secondaries">Utilisateurs secondaires</h3>
      {space.secondaries.length === 0 ? (
        <p class="empty">Aucun utilisateur secondaire.</p>
      ) : (
        <ul class="support-cards">
          {space.secondaries.map((secondary) => (
            <li key={secondary.id} class="support-card">
              <span class="support-card-title">
                <span
                  class={`presence ${space.online.includes(secondary.id) ? 'presence-on' : 'presence-off'}`}
                  aria-hidden="true"
                />
                {secondary.email}
              </span>
              <span class="cell-detail">
                {space.online.includes(secondary.id) ? 'En ligne · ' : 'Hors ligne · '}
                <span class={`badge badge-${secondary.status}`}>
                  {USER_STATUS_LABELS[secondary.status]}
                </span>{' '}
                ·{' '}
                {secondary.sirets.length === 0
                  ? 'Aucun SIRET'
                  : `SIRET : ${secondary.sirets.map(formatSiret).join(', ')}`}
              </span>
              {secondary.status === 'active' && space.principal !== null && (
                <Button
                  aria-label={`Rendre principal ${secondary.email}`}
                  busy={store.isBusy(SUPPORT_ACT_KEYS.makePrincipal(secondary.id))}
                  onClick={() => onAct({ kind: 'makePrincipal', secondary })}
                >
                  Rendre principal
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface SpaceInvitationsProps {
  invitations: InvitationView[];
  onAct: OpenAct;
}

function SpaceInvitations({ invitations, onAct }: SpaceInvitationsProps) {
  const store = useStore();
  return (
    <section aria-labelledby="support-space-invitations" class="support-part">
      <h3 id="support-space-invitations">Invitations en attente ou expirées</h3>
      {invitations.length === 0 ? (
        <p class="empty">Aucune invitation en attente.</p>
      ) : (
        <ul class="support-cards">
          {invitations.map((invitation) => (
            <li key={invitation.id} class="support-card">
              <span class="support-card-title">{invitation.email}</span>
              <span class="cell-detail">
                <span class={`badge badge-invitation-${invitation.status}`}>
                  {INVITATION_STATUS_LABELS[invitation.status]}
                </span>{' '}
                · envoyée le {formatDateTime(invitation.createdAt)} ·{' '}
                {invitation.status === 'expired' ? 'expirée le' : 'expire le'}{' '}
                {formatDateTime(invitation.expiresAt)}
              </span>
              <span class="support-card-actions">
                <Button
                  aria-label={`Renvoyer l'invitation de ${invitation.email}`}
                  busy={store.isBusy(SUPPORT_ACT_KEYS.resendInvitation(invitation.id))}
                  onClick={() => onAct({ kind: 'resendInvitation', invitation })}
                >
                  Renvoyer l'invitation
                </Button>
                {/* Only a pending link can be cancelled: an expired one already works no more. */}
                {invitation.status === 'pending' && (
                  <Button
                    variant="danger"
                    aria-label={`Annuler l'invitation de ${invitation.email}`}
                    busy={store.isBusy(SUPPORT_ACT_KEYS.revokeInvitation(invitation.id))}
                    onClick={() => onAct({ kind: 'revokeInvitation', invitation })}
                  >
                    Annuler l'invitation
                  </Button>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface SpaceLocksProps {
  locks: LockView[];
  onAct: OpenAct;
}

function SpaceLocks({ locks, onAct }: SpaceLocksProps) {
  const store = useStore();
  return (
    <section aria-labelledby="support-space-locks" class="support-part">
      <h3 id="support-space-locks">Blocages</h3>
      {locks.length === 0 ? (
        <p class="empty">Aucun blocage en cours.</p>
      ) : (
        <ul class="support-cards">
          {locks.map((lock) => (
            <li key={lock.id} class="support-card">
              <span class="support-card-title">{lock.email ?? 'Sans compte'}</span>
              <span class="cell-detail">
                {LOCK_SCOPE_LABELS[lock.scope]}
                {lock.siret && ` · SIRET ${formatSiret(lock.siret)}`} ·{' '}
                {plural(lock.failures, 'échec', 'échecs')} · depuis le{' '}
                {formatDateTime(lock.lockedAt)}
              </span>
              <Button
                variant="primary"
                aria-label={`Lever le blocage de ${lock.email ?? 'ce compte'} (${LOCK_SCOPE_LABELS[lock.scope]})`}
                busy={store.isBusy(SUPPORT_ACT_KEYS.resetLock(lock.id))}
                onClick={() => onAct({ kind: 'resetLock', lock })}
              >
                Lever le blocage
              </Button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface SpaceCessionsProps {
  cessions: CessionView[];
  dissolved: boolean;
  onAct: OpenAct;
}

function SpaceCessions({ cessions, dissolved, onAct }: SpaceCessionsProps) {
  const store = useStore();
  return (
    <section aria-labelledby="support-space-cessions" class="support-part">
      <h3 id="support-space-cessions">Cessions</h3>
      {cessions.length === 0 ? (
        <p class="empty">
          {dissolved
            ? 'Espace dissous : ses cessions se lisent depuis l’espace qui les a reçues.'
            : 'Aucune cession pour cet espace.'}
        </p>
      ) : (
        <ul class="support-cards">
          {cessions.map((cession) => (
            <li key={cession.id} class="support-card">
              <span class="support-card-title">
                {cession.fromPrincipalEmail} → {cession.toPrincipalEmail}
              </span>
              <span class="cell-detail">
                le {formatDateTime(cession.cededAt)} · {whatMoved(cession)}
              </span>
              <CessionState cession={cession} />
              {cession.revert && cession.revert.blockedBy === null && (
                <Button
                  variant="danger"
                  aria-label={`Annuler la cession de ${cession.fromPrincipalEmail} à ${cession.toPrincipalEmail}`}
                  busy={store.isBusy(SUPPORT_ACT_KEYS.undoCession(cession.id))}
                  onClick={() => onAct({ kind: 'undoCession', cession })}
                >
                  Annuler la cession
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** « SIRETs 732 829 320 00074, … et 2 utilisateurs secondaires » */
function whatMoved(cession: CessionView): string {
  const sirets = `${plural(cession.sirets.length, 'SIRET', 'SIRETs')} ${cession.sirets.map(formatSiret).join(', ')}`;
  if (cession.secondaryCount === 0) return sirets;
  return `${sirets} et ${plural(cession.secondaryCount, 'utilisateur secondaire', 'utilisateurs secondaires')}`;
}

/** Put back already, blocked, or what an undo would leave behind. */
function CessionState({ cession }: { cession: CessionView }) {
  if (cession.revertedAt) {
    const how =
      cession.revertedHow === 'refused'
        ? `Refusée par ${cession.toPrincipalEmail}`
        : `Annulée par le support${cession.revertedByEmail ? ` (${cession.revertedByEmail})` : ''}`;
    return (
      <span class="cell-detail">
        {how} le {formatDateTime(cession.revertedAt)}
        {cession.reason && ` · Motif : ${cession.reason}`}
      </span>
    );
  }
  const revert = cession.revert;
  if (!revert) return null;
  if (revert.blockedBy) return <span class="notice-warning support-note">{revert.blockedBy}</span>;
  return <MissingItems cession={cession} />;
}

/** What an undo cannot bring back (the cession's `revert` preview). */
function MissingItems({ cession }: { cession: CessionView }) {
  const revert = cession.revert;
  if (!revert || (revert.missingSirets.length === 0 && revert.missingMembers.length === 0)) {
    return null;
  }
  return (
    <span class="notice-warning support-note">
      Ne reviendront pas :{' '}
      {[
        ...revert.missingSirets.map((siret) => `SIRET ${formatSiret(siret)}`),
        ...revert.missingMembers,
      ].join(', ')}
      .
    </span>
  );
}

/** The space's last 50 changes, as the support's « Historique » shows them. */
function SpaceHistory({ space }: { space: SupportSpaceView }) {
  const desk = useStore().supportDesk;
  const entries = useComputed(() => desk.space.value?.history ?? []);
  const next = useSignal<number | null>(null);
  const loaded = useSignal(true);
  const loading = useSignal(false);
  const error = useSignal<string | null>(null);
  const list: HistoryListState = { entries, next, loaded, loading, error };
  return (
    <section aria-labelledby="support-space-history" class="support-part history">
      <h3 id="support-space-history">Derniers changements</h3>
      <HistoryEntries
        list={list}
        labelledBy="support-space-history"
        empty={`Aucun changement dans ${space.name === null ? 'cet espace' : `l’espace de ${space.name}`}.`}
        onMore={() => undefined}
        showType
      />
    </section>
  );
}

interface ActDialogProps {
  act: Act;
  space: SupportSpaceView;
  onClose: () => void;
}

/** Each act's words: what will happen, then the reason asked by the one dialog. */
function ActDialog({ act, space, onClose }: ActDialogProps) {
  const store = useStore();
  const desk = store.supportDesk;
  switch (act.kind) {
    case 'resetLock': {
      const { lock } = act;
      return (
        <SupportActDialog
          title="Lever le blocage"
          confirmLabel="Lever le blocage"
          busy={store.isBusy(SUPPORT_ACT_KEYS.resetLock(lock.id))}
          submit={(reason) => desk.resetLock(lock, reason)}
          onClose={onClose}
        >
          <p>
            Le blocage « {LOCK_SCOPE_LABELS[lock.scope]} »{lock.email && ` de ${lock.email}`} sera
            levé : l’opération pourra être tentée de nouveau.
          </p>
        </SupportActDialog>
      );
    }
    case 'undoCession': {
      const { cession } = act;
      return (
        <SupportActDialog
          title="Annuler la cession"
          confirmLabel="Annuler la cession"
          busy={store.isBusy(SUPPORT_ACT_KEYS.undoCession(cession.id))}
          submit={(reason) => desk.undoCession(cession, reason, false)}
          override={{
            code: 'CESSION_REVERT_PARTIAL',
            label: 'Confirmer quand même',
            submit: (reason) => desk.undoCession(cession, reason, true),
          }}
          onClose={onClose}
        >
          <p>
            {whatMoved(cession)} retourneront dans l’espace de{' '}
            <strong>{cession.fromPrincipalEmail}</strong>, qui en redeviendra l’utilisateur
            principal.
          </p>
          <MissingItems cession={cession} />
        </SupportActDialog>
      );
    }
    case 'makePrincipal': {
      const { secondary } = act;
      return (
        <SupportActDialog
          title="Rendre principal"
          confirmLabel="Rendre principal"
          busy={store.isBusy(SUPPORT_ACT_KEYS.makePrincipal(secondary.id))}
          submit={(reason) => desk.makePrincipal(space.id, secondary, reason)}
          onClose={onClose}
        >
          <p>
            <strong>{secondary.email}</strong> deviendra l’utilisateur principal de l’espace et
            verra tous ses SIRETs.
            {space.principal &&
              ` ${space.principal.email} restera dans l’espace comme utilisateur secondaire, sans SIRET.`}
          </p>
        </SupportActDialog>
      );
    }
    case 'resendInvitation': {
      const { invitation } = act;
      return (
        <SupportActDialog
          title="Renvoyer l'invitation"
          confirmLabel="Renvoyer l'invitation"
          busy={store.isBusy(SUPPORT_ACT_KEYS.resendInvitation(invitation.id))}
          submit={(reason) => desk.resendInvitation(invitation, reason)}
          onClose={onClose}
        >
          <p>
            Un nouveau lien, valable 7 jours, sera envoyé à <strong>{invitation.email}</strong> au
            nom de {invitation.invitedBy} ; le lien précédent ne fonctionnera plus.
          </p>
        </SupportActDialog>
      );
    }
    case 'revokeInvitation': {
      const { invitation } = act;
      return (
        <SupportActDialog
          title="Annuler l'invitation"
          confirmLabel="Annuler l'invitation"
          busy={store.isBusy(SUPPORT_ACT_KEYS.revokeInvitation(invitation.id))}
          submit={(reason) => desk.revokeInvitation(invitation, reason)}
          onClose={onClose}
        >
          <p>
            Le lien envoyé à <strong>{invitation.email}</strong> ne fonctionnera plus ; son compte
            restera en attente de validation.
          </p>
        </SupportActDialog>
      );
    }
    case 'openDossier':
      return <OpenDossierDialog siret={act.siret} onClose={onClose} />;
    case 'changeDossierStatus':
      return <ChangeDossierStepDialog dossier={act.dossier} onClose={onClose} />;
  }
}
