/**
 * The actions of the Paramétrage and of the admin screen. Each one sends its
 * request and reports the outcome; the live state changes only when the
 * server's event arrives (store.ts).
 */
import type { MemberLockView, Snapshot } from '../../shared/events.js';
import type { LiveChange } from '../../shared/live-sync.js';
import type { ApiAnswer } from '../../shared/api-answers.js';
import type { AddSiretBody, SetAttributionsBody } from '../../shared/schemas.js';
import type { ApiClient } from './api-client.js';
import type { ActionResult, Feedback } from './feedback.js';

export interface SpaceActionDeps {
  api: ApiClient;
  run: Feedback['run'];
  saveFile(blob: Blob, filename: string): void;
  today(): string;
}

export type CessionCheck = { ok: true; email: string } | Extract<ActionResult, { ok: false }>;

export type ImportReport = ApiAnswer<'POST /attributions.csv'>;
export type ImportResult =
  { ok: true; report: ImportReport } | Extract<ActionResult, { ok: false }>;

export function createSpaceActions({ api, run, saveFile, today }: SpaceActionDeps) {
  async function importFile(csv: string, dryRun: boolean): Promise<ImportResult> {
    let report: ImportReport | undefined;
    const result = await run(
      dryRun ? 'previewImport' : 'importAttributions',
      async () => (report = await api.importAttributions(csv, dryRun)),
      { quiet: 'all' },
    );
    return result.ok && report
      ? { ok: true, report }
      : (result as Extract<ActionResult, { ok: false }>);
  }

  return {
    /** Asks the server whether the cession to this address would be accepted, ceding nothing. */
    checkCessionTarget: async (email: string): Promise<CessionCheck> => {
      let target = email;
      // Every refusal is said at the field (cession-section.tsx), not toasted as well.
      const result = await run(
        'checkCessionTarget',
        async () => (target = await api.checkCessionTarget(email)),
        { quiet: 'all' },
      );
      return result.ok ? { ok: true, email: target } : result;
    },

    cede: (email: string): Promise<ActionResult> =>
      run('cede', () => api.cede(email), {
        success: `SIRETs cédés à ${email}.`,
        quiet: 'all',
      }),

    /** Every refusal is shown by the form, at its fields, not toasted. */
    addSiret: (body: AddSiretBody): Promise<ActionResult> =>
      run('addSiret', () => api.addSiret(body), {
        success: 'Nouveau SIRET enregistré.',
        quiet: 'all',
      }),

    /** A refusal `SIRET_DELETE_NOT_ALLOWED` is returned for the seed's dialog, not toasted. */
    deleteSiret: (siret: string): Promise<ActionResult> =>
      run(`deleteSiret:${siret}`, () => api.deleteSiret(siret), {
        success: 'SIRET supprimé.',
        quiet: ['SIRET_DELETE_NOT_ALLOWED'],
      }),

    addSecondary: (email: string): Promise<ActionResult> =>
      run('addSecondary', () => api.addSecondary(email), {
        success: `Invitation envoyée à ${email}.`,
        quiet: 'all',
      }),

    removeSecondary: (userId: number): Promise<ActionResult> =>
      run(`removeSecondary:${userId}`, () => api.removeSecondary(userId), {
        success: 'Utilisateur secondaire supprimé.',
      }),

    setSecondarySirets: (userId: number, sirets: string[]): Promise<ActionResult> =>
      run(`setSecondarySirets:${userId}`, () => api.setSecondarySirets(userId, sirets), {
        success: 'Liste des SIRETs enregistrée.',
        quiet: 'all',
      }),

    resendInvitation: (userId: number, email: string): Promise<ActionResult> =>
      run(`resendInvitation:${userId}`, () => api.resendInvitation(userId), {
        success: `Invitation renvoyée à ${email}.`,
      }),

    /** The secondary stays pending: the row then offers a new link or the removal. */
    revokeInvitation: (userId: number, email: string): Promise<ActionResult> =>
      run(`revokeInvitation:${userId}`, () => api.revokeInvitation(userId), {
        success: `Invitation de ${email} annulée.`,
      }),

    /** The dialog says a refusal, and what cannot come back, itself. */
    refuseCession: (cessionId: number, confirmPartial: boolean): Promise<ActionResult> =>
      run(`refuseCession:${cessionId}`, () => api.refuseCession(cessionId, confirmPartial), {
        success: 'Cession refusée : tout est retourné dans l’espace qui l’avait faite.',
        quiet: 'all',
      }),

    /** A conflict is shown by the matrix, row by row (`details.conflicts`), not toasted. */
    saveAttributions: (body: SetAttributionsBody): Promise<ActionResult> =>
      run('saveAttributions', () => api.setAttributions(body), {
        success: 'Attributions enregistrées.',
        quiet: ['ATTRIBUTIONS_CONFLICT'],
      }),

    /** What the file would change, changing nothing: the preview says its refusals itself. */
    previewImport: (csv: string): Promise<ImportResult> => importFile(csv, true),

    /** All or nothing: the wrong lines come back in `details.lines` and are shown, not toasted. */
    importAttributions: (csv: string): Promise<ImportResult> => importFile(csv, false),

    exportAttributions: (): Promise<ActionResult> =>
      run(
        'exportAttributions',
        async () => saveFile(await api.exportAttributions(), `attributions-sirets-${today()}.csv`),
        { success: 'Export CSV téléchargé.' },
      ),
  };
}

/** Told to the principal when the support lifts one of their locks (docs/domain.md, « Lock-outs »). */
export const LOCK_LIFTED = 'Le blocage a été levé par le support : vous pouvez réessayer.';

/** The space's locks of the principal looking at this view (none for a secondary). */
export function locksOf(view: Snapshot | null): readonly MemberLockView[] {
  return view?.kind === 'member' ? view.locks : [];
}

/**
 * Whether a live change lifted a lock of the principal looking (a support
 * reset, live or found by a resync), in the same space: a cession changes the
 * view wholesale and lifts nothing.
 */
export function liftsALock({ previous, state }: LiveChange): boolean {
  if (previous?.kind !== 'member' || state?.kind !== 'member') return false;
  if (previous.me.id !== state.me.id || previous.spaceId !== state.spaceId) return false;
  const kept = new Set(state.locks.map((lock) => lock.id));
  return previous.locks.some((lock) => !kept.has(lock.id));
}
