/**
 * A link that ran out, in the principal's table, in the built extension: the
 * row says « Expirée » and when, a new link is sent from it, then cancelled
 * after a confirmation; the row's three buttons stay apart at 360 px.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail, validSiret } from '../support/fixtures.js';
import { LIVE_TIMEOUT, PanelPage } from './pages/panel-page.js';
import { apiOf, type ApiCaller } from './support/api.js';
import {
  browserTestsEnabled,
  ensureExtensionBuilt,
  launchBrowserWithExtension,
} from './support/chromium.js';
import { expectCount, expectText, expectVisible } from './support/expect-page.js';
import { screenProblems } from './support/screens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const PASSWORD = 'mot-de-passe-principal';
const DAY_MS = 24 * 60 * 60 * 1000;

describe.skipIf(!browserTestsEnabled())('an invitation that expires', () => {
  let server: TestServer;
  let api: ApiCaller;
  let context: BrowserContext;
  let principal: PanelPage;
  const employer = uniqueEmail('employeur');
  const invitee = uniqueEmail('invite');
  const siret = validSiret();

  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), ensureExtensionBuilt()]);
    api = apiOf(server.url);
    await api.openDossier(siret, 'CODE-S1');
    const token = await api.signUp(employer, PASSWORD, siret, 'CODE-S1');
    await api.call('POST', '/secondaries', { token, body: { email: invitee } });
    context = await launchBrowserWithExtension();
    principal = await PanelPage.open(context);
    await principal.setServer(server.url);
    await principal.signIn(employer, PASSWORD);
  });

  afterAll(async () => {
    await context?.close();
    await server?.dispose();
  });

  it('shows « Expirée », sends a new link, then cancels it after confirmation', async () => {
    await principal.page.setViewportSize({ width: 360, height: 800 });
    await principal.openTab('Paramétrage');
    const row = principal.secondaryRow(invitee);
    await expectText(row, 'En attente de validation', LIVE_TIMEOUT);
    await expectText(row, "Lien valable jusqu'au");

    // Eight days pass while the server is down; its job marks the link as it starts again.
    await server.stop();
    await server.withDatabase((db) =>
      db
        .updateTable('invitations')
        .set({ expiresAt: new Date(Date.now() - DAY_MS) })
        .where('email', '=', invitee)
        .where('status', '=', 'pending')
        .execute(),
    );
    await server.restart();
    await principal.connection('Connecté').waitFor({ timeout: LIVE_TIMEOUT });
    await expectVisible(
      row.locator('.badge-invitation-expired', { hasText: 'Expirée' }),
      LIVE_TIMEOUT,
    );
    await expectText(row, /Lien expiré le \d\d\/\d\d\/\d{4}/);
    await expectCount(row.getByRole('button', { name: /Annuler l'invitation/ }), 0);
    await expectCount(row.getByText('En attente de validation'), 0);

    await row.getByRole('button', { name: `Renvoyer l'invitation à ${invitee}` }).click();
    await principal.toast(`Invitation renvoyée à ${invitee}.`).waitFor();
    await expectText(row, "Lien valable jusqu'au", LIVE_TIMEOUT);
    await expectText(row, 'En attente de validation');
    const problems = await screenProblems(principal.page, 'invitation-pending-actions', {
      prepare: () => row.scrollIntoViewIfNeeded(),
      // The dossier tables of the dashboard are looked at by their own tests.
      keep: (line) => !line.includes('dossier'),
    });
    expect(problems, problems.join('\n')).toEqual([]);
    // Three buttons on the card, none overlapping another.
    await principal.page.setViewportSize({ width: 360, height: 800 });
    const boxes = await row
      .locator('.cell-actions .button')
      .evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes).toHaveLength(3);
    for (const [i, a] of boxes.entries()) {
      expect(a.right).toBeLessThanOrEqual(360);
      for (const b of boxes.slice(i + 1)) {
        const apart =
          a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
        expect(apart).toBe(true);
      }
    }

    await row.getByRole('button', { name: `Annuler l'invitation de ${invitee}` }).click();
    const dialog = principal.dialog("Annuler l'invitation");
    await expectText(dialog, invitee);
    await dialog.getByRole('button', { name: 'Confirmer' }).click();
    await principal.toast(`Invitation de ${invitee} annulée.`).waitFor();
    await expectText(row, 'Invitation annulée', LIVE_TIMEOUT);
    await expectText(row, 'En attente de validation');
    await expectCount(row.getByRole('button', { name: /Annuler l'invitation/ }), 0);
    await expectVisible(row.getByRole('button', { name: `Renvoyer l'invitation à ${invitee}` }));
  });
});
