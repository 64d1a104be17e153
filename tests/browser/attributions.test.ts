/**
 * « Attributions » in the real panel: the principal ticks cells of the SIRET ×
 * user matrix and saves once, while a secondary's panel follows; a change made
 * meanwhile from elsewhere shows in the matrix and the save over it says what
 * conflicted; then the edited export comes back from a spreadsheet file,
 * previewed (its wrong line named) before « Importer ». Both screens are
 * checked by axe at 360 and 400 px, light and dark.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSiret } from '../../shared/siret.js';
import { uniqueEmail, validSiret } from '../support/fixtures.js';
import { LIVE_TIMEOUT, PanelPage } from './pages/panel-page.js';
import { apiOf, type ApiCaller } from './support/api.js';
import {
  browserTestsEnabled,
  ensureExtensionBuilt,
  launchBrowserWithExtension,
} from './support/chromium.js';
import { screenProblems } from './support/screens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const PASSWORD = 'mot-de-passe-principal';
const ALICE_PASSWORD = 'mot-de-passe-alice';

interface Secondary {
  id: number;
  email: string;
  sirets: string[];
}

describe.skipIf(!browserTestsEnabled())('« Attributions » in the panel', () => {
  let server: TestServer;
  let api: ApiCaller;
  const contexts: BrowserContext[] = [];
  const [s1, s2] = [validSiret(), validSiret()];
  const employer = uniqueEmail('employeur');
  const alice = uniqueEmail('alice');
  const bruno = uniqueEmail('bruno');
  let token = '';
  let aliceId = 0;
  let brunoId = 0;
  let principal: PanelPage;
  let secondary: PanelPage;

  async function secondaries(): Promise<Map<string, string[]>> {
    const page = await api.call<{ items: Secondary[] }>('GET', '/secondaries?pageSize=100', {
      token,
    });
    return new Map(page.items.map((item) => [item.email, [...item.sirets].sort()]));
  }

  function cell(siret: string, email: string) {
    return principal.page.getByRole('checkbox', {
      name: `SIRET ${formatSiret(siret)} — ${email}`,
      exact: true,
    });
  }

  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), ensureExtensionBuilt()]);
    api = apiOf(server.url);
    await api.openDossier(s1, 'CODE-S1');
    await api.openDossier(s2, 'CODE-S2', 'consultation');
    token = await api.signUp(employer, PASSWORD, s1, 'CODE-S1');
    await api.call('POST', '/sirets', {
      token,
      body: { siret: s2, unlockCode: 'CODE-S2', assignToAllSecondaries: false },
    });
    for (const email of [alice, bruno]) {
      await api.call('POST', '/secondaries', { token, body: { email } });
    }
    const link = await server.waitForInvitationLink(alice);
    aliceId = (
      await api.call<{ user: { id: number } }>(
        'POST',
        `/invitations/${link.split('/').at(-1)}/accept`,
        { body: { password: ALICE_PASSWORD } },
      )
    ).user.id;
    const page = await api.call<{ items: Secondary[] }>('GET', '/secondaries', { token });
    brunoId = page.items.find((item) => item.email === bruno)!.id;
    await api.call('PUT', `/secondaries/${aliceId}/sirets`, { token, body: { sirets: [s1] } });

    const [principalBrowser, aliceBrowser] = await Promise.all([
      launchBrowserWithExtension(),
      launchBrowserWithExtension(),
    ]);
    contexts.push(principalBrowser, aliceBrowser);
    [principal, secondary] = await Promise.all([
      PanelPage.open(principalBrowser),
      PanelPage.open(aliceBrowser),
    ]);
    for (const [panel, email, password] of [
      [principal, employer, PASSWORD],
      [secondary, alice, ALICE_PASSWORD],
    ] as const) {
      await panel.setServer(server.url);
      await panel.signIn(email, password);
    }
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await server?.dispose();
  });

  it('saves ticked cells at once, and says what changed meanwhile instead of overwriting it', async () => {
    await principal.page.getByRole('tab', { name: 'Attributions', exact: true }).click();
    await principal.heading('Attributions des SIRETs').waitFor();
    await expect.poll(() => cell(s1, alice).isChecked()).toBe(true);
    expect(await cell(s2, alice).isChecked()).toBe(false);

    // Two users changed in one save: alice gains s2 and loses s1, bruno (pending) gets s1.
    await cell(s2, alice).check();
    await cell(s1, alice).uncheck();
    await cell(s1, bruno).check();
    await principal.page.getByText('3 modifications').waitFor();
    expect(
      await screenProblems(principal.page, 'screen-attributions', {
        prepare: () => principal.heading('Attributions des SIRETs').scrollIntoViewIfNeeded(),
      }),
    ).toEqual([]);
    await principal.page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await principal.toast('Attributions enregistrées.').waitFor();
    await secondary
      .notice(`Le SIRET ${formatSiret(s1)} vous a été retiré.`)
      .waitFor({ timeout: LIVE_TIMEOUT });
    await secondary.mySirets().getByText(formatSiret(s2)).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await secondaries()).toEqual(
      new Map([
        [alice, [s2]],
        [bruno, [s1]],
      ]),
    );

    // bruno's row is edited here (s2 given) while someone else takes his s1 elsewhere.
    await cell(s2, bruno).check();
    await api.call('PUT', `/secondaries/${brunoId}/sirets`, { token, body: { sirets: [] } });
    await principal.page
      .getByText('Modifiés par ailleurs pendant votre saisie', { exact: false })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await expect.poll(() => cell(s1, bruno).isChecked(), { timeout: LIVE_TIMEOUT }).toBe(false);
    await principal.page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    const conflict = principal.page.getByRole('alert').filter({ hasText: 'pendant votre saisie' });
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain(bruno);
    // Nothing was overwritten: bruno holds what the other change left him.
    expect((await secondaries()).get(bruno)).toEqual([]);

    // Saved knowingly, on top of what he holds now: s2 only, s1 stays taken.
    await principal.page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await principal.toast('Attributions enregistrées.').waitFor();
    await expect.poll(async () => (await secondaries()).get(bruno)).toEqual([s2]);
  });

  it('previews an edited export, names its wrong line, then imports a corrected one', async () => {
    const carla = uniqueEmail('carla');
    const header = 'Adresse email;Statut utilisateur;SIRET';
    const outside = validSiret();
    const withError = [header, `${alice};Actif;${s1}`, `${carla};;${outside}`].join('\r\n');
    await principal.page.getByRole('tab', { name: 'Attributions', exact: true }).click();
    const chooser = principal.page.waitForEvent('filechooser');
    await principal.page.getByRole('button', { name: 'Importer un fichier…' }).click();
    await (
      await chooser
    ).setFiles({
      name: 'attributions.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`\uFEFF${withError}\r\n`, 'utf8'),
    });
    const preview = principal.page.getByRole('dialog');
    await preview.getByText('Ligne 3', { exact: false }).waitFor();
    expect(await preview.getByRole('button', { name: 'Importer', exact: true }).isDisabled()).toBe(
      true,
    );
    expect(await screenProblems(principal.page, 'dialog-import-preview-errors')).toEqual([]);
    await preview.getByRole('button', { name: 'Annuler' }).click();
    await preview.waitFor({ state: 'detached' });

    // Corrected in the spreadsheet, saved by a French Excel (windows-1252, « , » would work too).
    const corrected = [header, `${alice};Actif;${s1}`, `${carla};;${formatSiret(s2)}`].join('\r\n');
    const again = principal.page.waitForEvent('filechooser');
    await principal.page.getByRole('button', { name: 'Importer un fichier…' }).click();
    await (
      await again
    ).setFiles({
      name: 'attributions.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${corrected}\r\n`, 'latin1'),
    });
    await preview.getByText('1 invitation', { exact: false }).waitFor();
    expect(await preview.textContent()).toContain(carla);
    expect(await screenProblems(principal.page, 'dialog-import-preview')).toEqual([]);
    await preview.getByRole('button', { name: 'Importer', exact: true }).click();
    await preview.waitFor({ state: 'detached' });

    // alice now holds exactly s1 (her line), carla is invited with s2, bruno (not named) is untouched.
    await expect.poll(secondaries).toEqual(
      new Map([
        [alice, [s1]],
        [bruno, [s2]],
        [carla, [s2]],
      ]),
    );
    await secondary.mySirets().getByText(formatSiret(s1)).waitFor({ timeout: LIVE_TIMEOUT });
    await server.waitForInvitationLink(carla);
    // The matrix shows the invited user's column with her SIRET, live.
    await expect.poll(() => cell(s2, carla).isChecked(), { timeout: LIVE_TIMEOUT }).toBe(true);
  });
});
