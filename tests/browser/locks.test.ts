/**
 * A lock-out as the principal lives it (docs/domain.md, « Lock-outs »): each
 * wrong unlock code tells the tries left, the fifth locks the SIRET and the
 * form says to call the 3679; when the support lifts the lock, the form comes
 * back in the open panel, with a word saying so.
 */
import type { BrowserContext, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail, validSiret } from '../support/fixtures.js';
import { LIVE_TIMEOUT, PanelPage } from './pages/panel-page.js';
import { apiOf, type ApiCaller } from './support/api.js';
import {
  browserTestsEnabled,
  ensureExtensionBuilt,
  launchBrowserWithExtension,
} from './support/chromium.js';
import { expectCount, expectFocused, expectText, expectVisible } from './support/expect-page.js';
import { screenshot, screenProblems } from './support/screens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const PASSWORD = 'mot-de-passe-principal';
const SIRET_LOCKED =
  'Trop de tentatives pour ce SIRET : l’ajout est bloqué. Appelez le 3679 pour le débloquer.';
const LIFTED = 'Le blocage a été levé par le support : vous pouvez réessayer.';

describe.skipIf(!browserTestsEnabled())('a lock-out, seen coming, seen, and seen lifted', () => {
  let server: TestServer;
  let api: ApiCaller;
  let context: BrowserContext;
  let principal: PanelPage;
  const [own, guessed] = [validSiret(), validSiret()];
  const employer = uniqueEmail('employeur');

  const form = (): Locator =>
    principal.page.getByRole('form', { name: 'Ajouter un nouveau SIRET' });
  const submit = () => form().getByRole('button', { name: 'Enregistrer nouveau SIRET' });
  const codeField = () => form().getByRole('textbox', { name: 'Code de déblocage' });

  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), ensureExtensionBuilt()]);
    api = apiOf(server.url);
    await api.openDossier(own, 'CODE-OWN');
    await api.openDossier(guessed, 'CODE-GUESSED');
    await api.signUp(employer, PASSWORD, own, 'CODE-OWN');
    context = await launchBrowserWithExtension();
    principal = await PanelPage.open(context);
    await principal.setServer(server.url);
    await principal.signIn(employer, PASSWORD);
    await principal.openTab('Paramétrage');
  });

  afterAll(async () => {
    await context?.close();
    await server?.dispose();
  });

  it('tells the tries left at the code field, then locks the SIRET on the fifth wrong code', async () => {
    await form().getByRole('textbox', { name: 'SIRET' }).fill(guessed);
    for (const [i, left] of ['4 essais', '3 essais', '2 essais', '1 essai'].entries()) {
      await codeField().fill(`FAUX-${i}`);
      await submit().click();
      await expectText(form(), `Il vous reste ${left}.`);
      // The refusal is said at the field it is about, which takes the focus.
      await expectFocused(codeField());
      expect(await codeField().getAttribute('aria-invalid')).toBe('true');
    }
    await codeField().fill('FAUX-encore');
    await submit().click();
    await expectVisible(form().getByText(SIRET_LOCKED));
    expect(await submit().isDisabled()).toBe(true);
    // Another SIRET may still be typed and sent.
    await form().getByRole('textbox', { name: 'SIRET' }).fill(own);
    await expectCount(form().getByText(SIRET_LOCKED), 0);
    expect(await submit().isDisabled()).toBe(false);
    await form().getByRole('textbox', { name: 'SIRET' }).fill(guessed);
    await expectVisible(form().getByText(SIRET_LOCKED));

    const problems = await screenProblems(principal.page, 'lock-add-siret', {
      height: 760,
      prepare: () => form().scrollIntoViewIfNeeded(),
    });
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('brings the form back, live, when the support lifts the lock', async () => {
    const admin = await api.adminToken();
    const { items } = await api.call<{ items: { id: number; siret: string | null }[] }>(
      'GET',
      '/admin/locks',
      { token: admin },
    );
    const lock = items.find((item) => item.siret === guessed);
    expect(lock).toBeDefined();
    await api.call('POST', `/admin/locks/${lock!.id}/reset`, {
      token: admin,
      body: { reason: 'Courrier retrouvé' },
    });

    await expectCount(form().getByText(SIRET_LOCKED), 0, LIVE_TIMEOUT);
    await principal.toast(LIFTED).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await submit().isDisabled()).toBe(false);
    await screenshot(principal.page, 'lock-lifted-400', { toasts: true });
    // The count starts again from zero.
    await codeField().fill('FAUX-apres');
    await submit().click();
    await expectText(form(), 'Il vous reste 4 essais.');
    await principal.addSiret(guessed, 'CODE-GUESSED');
  });

  it('locks the cession live when the refused addresses come from elsewhere, and lifts it live', async () => {
    const token = await api.login(employer, PASSWORD);
    const { user: me } = await api.call<{ user: { id: number } }>('GET', '/me', { token });
    const cession = principal.page.getByRole('region', { name: 'Céder les SIRETs' });
    const address = cession.getByRole('textbox', {
      name: "Adresse e-mail de l'utilisateur principal destinataire",
    });
    for (let i = 0; i < 5; i++) {
      await api
        .call('POST', '/cession/check', { token, body: { email: uniqueEmail('personne') } })
        .catch(() => undefined);
    }
    await expectVisible(cession.getByText(/La cession est bloquée/), LIVE_TIMEOUT);
    // The field reads the lock out (its description).
    const describedBy = (await address.getAttribute('aria-describedby')) ?? '';
    const description = await principal.page.evaluate(
      (ids) => ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' '),
      describedBy.split(' '),
    );
    expect(description).toContain('appelez le 3679');
    expect(await cession.getByRole('button', { name: 'Céder les SIRETs' }).isDisabled()).toBe(true);
    const problems = await screenProblems(principal.page, 'lock-cession', {
      height: 760,
      prepare: () => cession.scrollIntoViewIfNeeded(),
    });
    expect(problems, problems.join('\n')).toEqual([]);

    // The earlier toast has gone: the one awaited below is this reset's.
    await expectCount(principal.toast(LIFTED), 0, 10_000);
    // « 3679 »: the support resets every counter of the principal.
    await api.call('POST', `/admin/users/${me.id}/reset`, {
      token: await api.adminToken(),
      body: { reason: 'Appel au 3679' },
    });
    await expectCount(cession.getByText(/La cession est bloquée/), 0, LIVE_TIMEOUT);
    await principal.toast(LIFTED).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await cession.getByRole('button', { name: 'Céder les SIRETs' }).isDisabled()).toBe(
      false,
    );
  });
});
