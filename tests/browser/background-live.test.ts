/**
 * The extension keeps listening while its panel is closed: the background's
 * own connection counts the changes that concern the signed-in user on the
 * toolbar badge and raises a system notification; opening the panel clears
 * the count. Read from the extension's service worker.
 */
import type { BrowserContext, Page, Worker } from 'playwright-core';
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
import { drawToolbarPicture } from './support/toolbar-picture.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const PASSWORD = 'mot-de-passe-principal';
const ALICE_PASSWORD = 'mot-de-passe-alice';

interface NotificationShown {
  title: string;
  message: string;
}

/**
 * Keeps what the extension's own calls put in each notification (the browser
 * hands back only their ids), for the README's picture.
 */
function recordNotifications(worker: Worker): Promise<void> {
  return worker.evaluate(() => {
    const shown: NotificationShown[] = [];
    (globalThis as unknown as { qrpShown: NotificationShown[] }).qrpShown = shown;
    const create = chrome.notifications.create.bind(chrome.notifications);
    chrome.notifications.create = (id, options) => {
      shown.push({ title: options.title, message: options.message });
      return create(id, options);
    };
  });
}

/** What the worker reports of the toolbar button and the notifications. */
interface WorkerView {
  badge: string;
  title: string;
  notifications: string[];
}

declare const chrome: {
  action: {
    getBadgeText(details: object): Promise<string>;
    getBadgeBackgroundColor(details: object): Promise<number[]>;
    getTitle(details: object): Promise<string>;
  };
  notifications: {
    getAll(): Promise<Record<string, unknown>>;
    create(id: string, options: NotificationShown): Promise<string>;
  };
  storage: { session: { get(key: string): Promise<Record<string, unknown>> } };
};

async function serviceWorkerOf(context: BrowserContext): Promise<Worker> {
  return context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
}

function readWorker(worker: Worker): Promise<WorkerView> {
  return worker.evaluate(async () => ({
    badge: await chrome.action.getBadgeText({}),
    title: await chrome.action.getTitle({}),
    notifications: Object.keys(await chrome.notifications.getAll()),
  }));
}

async function waitForWorker(
  worker: Worker,
  check: (view: WorkerView) => boolean,
  timeout = LIVE_TIMEOUT,
): Promise<WorkerView> {
  const until = Date.now() + timeout;
  let view = await readWorker(worker);
  while (!check(view)) {
    if (Date.now() > until) throw new Error(`Worker never got there: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    view = await readWorker(worker);
  }
  return view;
}

describe.skipIf(!browserTestsEnabled())('the background while the panel is closed', () => {
  let server: TestServer;
  let api: ApiCaller;
  let browser: BrowserContext;
  let worker: Worker;
  let secondary: PanelPage;
  let principalToken = '';
  let aliceId = 0;
  const [s1, s2] = [validSiret(), validSiret()];
  const principalEmail = uniqueEmail('employeur');
  const alice = uniqueEmail('alice');

  async function setAliceSirets(sirets: string[]): Promise<void> {
    await api.call('PUT', `/secondaries/${aliceId}/sirets`, {
      token: principalToken,
      body: { sirets },
    });
  }

  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), ensureExtensionBuilt()]);
    api = apiOf(server.url);
    browser = await launchBrowserWithExtension();
    worker = await serviceWorkerOf(browser);
    await api.openDossier(s1, 'CODE-S1');
    await api.openDossier(s2, 'CODE-S2');
    principalToken = await api.signUp(principalEmail, PASSWORD, s1, 'CODE-S1');
    await api.call('POST', '/sirets', {
      token: principalToken,
      body: { siret: s2, unlockCode: 'CODE-S2' },
    });
    await api.call('POST', '/secondaries', { token: principalToken, body: { email: alice } });
    const link = await server.waitForInvitationLink(alice);
    const accepted = await api.call<{ user: { id: number } }>(
      'POST',
      `/invitations/${link.split('/').at(-1)}/accept`,
      { body: { password: ALICE_PASSWORD } },
    );
    aliceId = accepted.user.id;

    secondary = await PanelPage.open(browser);
    await secondary.setServer(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('counts a SIRET attributed while the panel is closed, notifies it, and clears on opening', async () => {
    await secondary.signIn(alice, ALICE_PASSWORD);
    await secondary.page.close();
    // The background follows the session: its cursor appears with its first snapshot.
    const until = Date.now() + LIVE_TIMEOUT;
    while (
      !(await worker.evaluate(
        async () =>
          'qrp.background.cursor' in (await chrome.storage.session.get('qrp.background.cursor')),
      ))
    ) {
      if (Date.now() > until) throw new Error('The background never connected');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect((await readWorker(worker)).badge).toBe('');
    await recordNotifications(worker);

    await setAliceSirets([s1]);
    const view = await waitForWorker(worker, (current) => current.badge === '1');
    expect(view.title).toBe('1 changement vous concerne — Ouvrir le Paramétrage QRP');
    const notified = await waitForWorker(worker, (current) => current.notifications.length > 0);
    expect(notified.notifications).toHaveLength(1);
    expect(notified.notifications[0]).toMatch(/^qrp-change-\d+$/);
    const [shown] = await worker.evaluate(
      () => (globalThis as unknown as { qrpShown: NotificationShown[] }).qrpShown,
    );
    expect(shown?.message).toContain(formatSiret(s1));
    await drawToolbarPicture(browser, 'background-badge-notification', {
      badge: view.badge,
      badgeColor: await worker.evaluate(() => chrome.action.getBadgeBackgroundColor({})),
      title: view.title,
      notification: shown!,
    });

    secondary = await PanelPage.open(browser);
    await secondary.waitSignedIn(alice);
    await waitForWorker(worker, (current) => current.badge === '');

    // While the panel is open, a change neither counts nor notifies.
    await setAliceSirets([s1, s2]);
    await secondary.page.getByText(formatSiret(s2)).first().waitFor({ timeout: LIVE_TIMEOUT });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const open = await readWorker(worker);
    expect(open.badge).toBe('');
    expect(open.notifications).toHaveLength(1);
  });

  it('opens « Historique » when the panel starts after a click on a notification', async () => {
    await secondary.page.close();
    await worker.evaluate(() =>
      (chrome.storage.session as unknown as { set(items: object): Promise<void> }).set({
        'qrp.openTab': 'history',
      }),
    );
    secondary = await PanelPage.open(browser);
    await secondary.waitSignedIn(alice);
    await secondary.page.getByRole('tab', { name: /^Historique/, selected: true }).waitFor();
    await secondary.heading('Historique').waitFor();
  });

  it('lets the user turn notifications off by kind in « Réglages »', async () => {
    const page: Page = secondary.page;
    await page.getByRole('button', { name: 'Réglages' }).click();
    await secondary.heading('Réglages').waitFor();
    const sirets = page.getByRole('checkbox', { name: 'SIRETs attribués ou retirés' });
    expect(await sirets.isChecked()).toBe(true);
    await sirets.uncheck();
    await expect
      .poll(() =>
        worker.evaluate(async () => {
          const area = (
            chrome.storage as unknown as {
              local: { get(key: string): Promise<Record<string, unknown>> };
            }
          ).local;
          return (await area.get('qrp.notificationPreferences'))['qrp.notificationPreferences'];
        }),
      )
      .toMatchObject({ sirets: false, invitations: true });

    const found = await screenProblems(page, 'settings-notifications');
    expect(found, found.join('\n')).toEqual([]);

    // Turned back on after a reload: the choice was kept.
    await page.reload();
    await secondary.waitSignedIn(alice);
    await page.getByRole('button', { name: 'Réglages' }).click();
    expect(
      await page.getByRole('checkbox', { name: 'SIRETs attribués ou retirés' }).isChecked(),
    ).toBe(false);
  });
});
