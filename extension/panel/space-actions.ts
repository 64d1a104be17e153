/**
 * The actions of the Paramétrage and of the admin screen. Each one sends its
 * request and reports the outcome; the live state changes only when the
 * server's event arrives (store.ts).
 */
import type { LockScope } from '../../shared/domain.js';
import type { AddSiretBody } from '../../shared/schemas.js';
import type { ApiClient } from './api-client.js';
import type { ActionResult, Feedback } from './feedback.js';

export interface SpaceActionDeps {
  api: ApiClient;
  run: Feedback['run'];
  saveFile(blob: Blob, filename: string): void;
  today(): string;
}

export type CessionCheck = { ok: true; email: string } | Extract<ActionResult, { ok: false }>;

export function createSpaceActions({ api, run, saveFile, today }: SpaceActionDeps) {
  return {
    /** Asks the server whether the cession to this address would be accepted, ceding nothing. */
    checkCessionTarget: async (email: string): Promise<CessionCheck> => {
      let target = email;
      const result = await run(
        'checkCessionTarget',
        async () => (target = await api.checkCessionTarget(email)),
      );
      return result.ok ? { ok: true, email: target } : result;
    },

    cede: (email: string): Promise<ActionResult> =>
      run('cede', () => api.cede(email), { success: `SIRETs cédés à ${email}.` }),

    addSiret: (body: AddSiretBody): Promise<ActionResult> =>
      run('addSiret', () => api.addSiret(body), { success: 'Nouveau SIRET enregistré.' }),

    /** A refusal `SIRET_DELETE_NOT_ALLOWED` is returned for the seed's dialog, not toasted. */
    deleteSiret: (siret: string): Promise<ActionResult> =>
      run(`deleteSiret:${siret}`, () => api.deleteSiret(siret), {
        success: 'SIRET supprimé.',
        quiet: ['SIRET_DELETE_NOT_ALLOWED'],
      }),

    addSecondary: (email: string): Promise<ActionResult> =>
      run('addSecondary', () => api.addSecondary(email), {
        success: `Invitation envoyée à ${email}.`,
      }),

    removeSecondary: (userId: number): Promise<ActionResult> =>
      run(`removeSecondary:${userId}`, () => api.removeSecondary(userId), {
        success: 'Utilisateur secondaire supprimé.',
      }),

    setSecondarySirets: (userId: number, sirets: string[]): Promise<ActionResult> =>
      run(`setSecondarySirets:${userId}`, () => api.setSecondarySirets(userId, sirets), {
        success: 'Liste des SIRETs enregistrée.',
      }),

    resendInvitation: (userId: number, email: string): Promise<ActionResult> =>
      run(`resendInvitation:${userId}`, () => api.resendInvitation(userId), {
        success: `Invitation renvoyée à ${email}.`,
      }),

    exportAttributions: (): Promise<ActionResult> =>
      run(
        'exportAttributions',
        async () => saveFile(await api.exportAttributions(), `attributions-sirets-${today()}.csv`),
        { success: 'Export CSV téléchargé.' },
      ),

    /** Lifts a lock, or acknowledges a sign-up alert (which locks nothing). */
    resetLock: (lockId: number, scope: LockScope): Promise<ActionResult> =>
      run(`resetLock:${lockId}`, () => api.resetLock(lockId), {
        success: scope === 'signup_alert' ? 'Alerte acquittée.' : 'Blocage levé.',
      }),
  };
}
