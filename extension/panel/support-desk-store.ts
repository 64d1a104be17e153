/**
 * The support desk in the panel (docs/api.md, « Support desk »): find a
 * caller's account, see their space whole with its cessions, and put a
 * mistake right with a reason. The space page is read again after each act
 * and whenever the admin stream changes the live view; those quiet reads keep
 * what is shown when they fail.
 */
import { batch, signal, type ReadonlySignal } from '@preact/signals';
import type { LiveChange } from '../../shared/live-sync.js';
import type {
  CessionView,
  DossierView,
  InvitationView,
  LockView,
  SecondaryView,
  SupportAccountView,
  SupportSpaceView,
} from '../../shared/views.js';
import { DOSSIER_STATUS_LABELS, type DossierStatus } from '../../shared/domain.js';
import { formatSiret } from '../../shared/siret.js';
import { ApiError, type ApiClient, type NewDossierRequest } from './api-client.js';
import type { ActionResult, Feedback } from './feedback.js';

/** The busy key of each act, by the id of what it acts on (the screen shows its spinner). */
export const SUPPORT_ACT_KEYS = {
  resetLock: (lockId: number) => `supportResetLock:${lockId}`,
  undoCession: (cessionId: number) => `supportUndoCession:${cessionId}`,
  makePrincipal: (userId: number) => `supportMakePrincipal:${userId}`,
  resendInvitation: (invitationId: number) => `supportResendInvitation:${invitationId}`,
  revokeInvitation: (invitationId: number) => `supportRevokeInvitation:${invitationId}`,
  openDossier: (siret: string) => `supportOpenDossier:${siret}`,
  changeDossierStatus: (dossierId: number) => `supportChangeDossierStatus:${dossierId}`,
} as const;

export interface SupportDeskDeps {
  api: ApiClient;
  run: Feedback['run'];
  /** The server no longer knows the token: the session ends with this message. */
  endSession(message: string): void;
}

export function createSupportDesk({ api, run, endSession }: SupportDeskDeps) {
  /** The search as last sent, trimmed; '' before any. */
  const query = signal('');
  /** The accounts found; null until a search went through. */
  const accounts = signal<SupportAccountView[] | null>(null);
  /** The server's refusal of the search, said at its field. */
  const searchError = signal<string | null>(null);
  /** The space whose page is open; null on the results. */
  const spaceId = signal<number | null>(null);
  const space = signal<SupportSpaceView | null>(null);
  /** The cessions from or into the open space. */
  const cessions = signal<CessionView[]>([]);
  /** Why the page could not be read, in French. */
  const spaceError = signal<string | null>(null);
  /** Bumped whenever another space opens or the desk resets: older answers are dropped. */
  let generation = 0;

  async function search(input: string): Promise<ActionResult> {
    const q = input.trim();
    query.value = q;
    searchError.value = null;
    // The field says every refusal (the server checks the text: 2 characters, a SIRET's key).
    const result = await run(
      'supportSearch',
      async () => {
        const found = await api.supportAccounts(q);
        if (query.peek() === q) accounts.value = found;
      },
      { quiet: 'all' },
    );
    if (!result.ok && !result.outage && result.code !== 'UNAUTHENTICATED') {
      batch(() => {
        searchError.value = result.message;
        accounts.value = null;
      });
    }
    return result;
  }

  /** The space and its cessions, as the server has them now. */
  async function readSpace(id: number): Promise<{ found: SupportSpaceView; moves: CessionView[] }> {
    const found = await api.supportSpace(id);
    // Cessions are found by principal's e-mail: keep those of this very space.
    const moves = found.principal
      ? (await api.adminCessions(found.principal.email)).filter(
          (cession) => cession.fromSpaceId === id || cession.toSpaceId === id,
        )
      : [];
    return { found, moves };
  }

  function show(found: SupportSpaceView, moves: CessionView[]): void {
    batch(() => {
      space.value = found;
      cessions.value = moves;
      spaceError.value = null;
    });
  }

  async function openSpace(id: number): Promise<void> {
    const asked = ++generation;
    batch(() => {
      spaceId.value = id;
      space.value = null;
      cessions.value = [];
      spaceError.value = null;
    });
    const result = await run(
      'supportSpace',
      async () => {
        const { found, moves } = await readSpace(id);
        if (asked === generation) show(found, moves);
      },
      { quiet: 'all' },
    );
    if (!result.ok && asked === generation) {
      spaceError.value = `Cet espace n’a pas pu être affiché. ${result.message}`;
    }
  }

  function closeSpace(): void {
    generation++;
    batch(() => {
      spaceId.value = null;
      space.value = null;
      cessions.value = [];
      spaceError.value = null;
    });
  }

  /** The read under way, and whether another signal came in meanwhile. */
  let reading: Promise<void> | null = null;
  let readAgain = false;

  /**
   * Reads again what is shown, quietly: a failure keeps it as it was. One
   * commit often signals twice (its admin-stream event and `space-touched`):
   * signals during a read make one more read after it, not one each.
   */
  function refresh(): Promise<void> {
    if (reading) {
      readAgain = true;
      return reading;
    }
    reading = readShown().finally(() => {
      reading = null;
      if (readAgain) {
        readAgain = false;
        void refresh();
      }
    });
    return reading;
  }

  async function readShown(): Promise<void> {
    const asked = generation;
    const id = spaceId.peek();
    const q = query.peek();
    try {
      if (id !== null) {
        const { found, moves } = await readSpace(id);
        if (asked === generation) show(found, moves);
      }
      // The results' lock counts and statuses may have changed too.
      if (accounts.peek() !== null && q !== '') {
        const found = await api.supportAccounts(q);
        if (query.peek() === q && accounts.peek() !== null) accounts.value = found;
      }
    } catch (error) {
      if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') endSession(error.message);
    }
  }

  function onLiveChange(change: LiveChange): void {
    if (change.state?.kind !== 'admin') return;
    if (change.cause.kind !== 'event' && change.cause.kind !== 'snapshot') return;
    if (spaceId.peek() !== null || accounts.peek() !== null) void refresh();
  }

  /** Runs one act; its refusals are said in its dialog, its success as a toast. */
  async function act(key: string, task: () => Promise<unknown>, success: string) {
    const result = await run(key, task, { success, quiet: 'all' });
    if (result.ok) void refresh();
    return result;
  }

  return {
    query: query as ReadonlySignal<string>,
    accounts: accounts as ReadonlySignal<SupportAccountView[] | null>,
    searchError: searchError as ReadonlySignal<string | null>,
    spaceId: spaceId as ReadonlySignal<number | null>,
    space: space as ReadonlySignal<SupportSpaceView | null>,
    cessions: cessions as ReadonlySignal<CessionView[]>,
    spaceError: spaceError as ReadonlySignal<string | null>,
    search,
    openSpace,
    closeSpace,
    refresh,
    onLiveChange,

    /** Lifts a lock, or acknowledges a sign-up alert (which locks nobody). */
    resetLock: (lock: LockView, reason: string) =>
      act(
        SUPPORT_ACT_KEYS.resetLock(lock.id),
        () => api.resetLock(lock.id, reason),
        lock.scope === 'signup_alert' ? 'Alerte acquittée.' : 'Blocage levé.',
      ),

    undoCession: (cession: CessionView, reason: string, confirmPartial: boolean) =>
      act(
        SUPPORT_ACT_KEYS.undoCession(cession.id),
        () => api.undoCession(cession.id, { reason, confirmPartial }),
        `Cession de ${cession.fromPrincipalEmail} à ${cession.toPrincipalEmail} annulée.`,
      ),

    makePrincipal: (spaceOf: number, secondary: SecondaryView, reason: string) =>
      act(
        SUPPORT_ACT_KEYS.makePrincipal(secondary.id),
        () => api.makePrincipal(spaceOf, secondary.id, reason),
        `${secondary.email} est maintenant l’utilisateur principal de l’espace.`,
      ),

    resendInvitation: (invitation: InvitationView, reason: string) =>
      act(
        SUPPORT_ACT_KEYS.resendInvitation(invitation.id),
        () => api.adminResendInvitation(invitation.id, reason),
        `Invitation renvoyée à ${invitation.email}.`,
      ),

    revokeInvitation: (invitation: InvitationView, reason: string) =>
      act(
        SUPPORT_ACT_KEYS.revokeInvitation(invitation.id),
        () => api.adminRevokeInvitation(invitation.id, reason),
        `Invitation de ${invitation.email} annulée.`,
      ),

    /** Stands in for the insurer: the dossier arrives, the space sees it live. */
    openDossier: (dossier: NewDossierRequest) =>
      act(
        SUPPORT_ACT_KEYS.openDossier(dossier.siret),
        () => api.addDossier(dossier),
        `Dossier ${dossier.reference.trim()} ouvert pour le SIRET ${formatSiret(dossier.siret)}.`,
      ),

    changeDossierStatus: (dossier: DossierView, status: DossierStatus, reason: string) =>
      act(
        SUPPORT_ACT_KEYS.changeDossierStatus(dossier.id),
        () => api.changeDossierStatus(dossier.id, { status, reason }),
        `Dossier ${dossier.reference} : étape « ${DOSSIER_STATUS_LABELS[status]} ».`,
      ),

    reset(): void {
      generation++;
      batch(() => {
        query.value = '';
        accounts.value = null;
        searchError.value = null;
        spaceId.value = null;
        space.value = null;
        cessions.value = [];
        spaceError.value = null;
      });
    },
  };
}

export type SupportDesk = ReturnType<typeof createSupportDesk>;
