import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LauncherStateReply } from '../../extension/lib/messages.js';
import { launcherTabOf } from '../../extension/lib/panel-link.js';
import { mountLauncher } from '../../extension/portal/mount-launcher.js';
import { LAUNCHER_HOST_ID } from '../../extension/portal/portal-page.js';

afterEach(() => {
  document.body.innerHTML = '';
});

function launcherButton(root: ShadowRoot): HTMLButtonElement {
  const button = root.querySelector('button');
  if (!button) throw new Error('no launcher button');
  return button;
}

const signedOut = async (): Promise<LauncherStateReply> => ({ role: null, pending: null });

describe('Portal launcher', () => {
  it('adds a button in a shadow root, hidden until it knows who is signed in, that opens the panel', async () => {
    const openPanel = vi.fn();
    const launcher = mountLauncher(document, { state: signedOut, openPanel });
    expect(launcher).not.toBeNull();
    const host = document.getElementById(LAUNCHER_HOST_ID)!;
    expect(host.hidden).toBe(true);
    await launcher!.refresh();
    expect(host.hidden).toBe(false);
    const button = launcherButton(launcher!.root);
    expect(button.textContent).toBe('Se connecter au Paramétrage');
    button.click();
    expect(openPanel).toHaveBeenCalledOnce();
    expect(host.className).toBe('floating');
  });

  it('says where it leads for each role, and opens the tab that goes with it', async () => {
    let reply: LauncherStateReply = { role: 'principal', pending: null };
    const launcher = mountLauncher(document, { state: async () => reply, openPanel: () => {} })!;
    const shown: Array<[string | null, string]> = [];
    for (const role of ['principal', 'secondary', 'admin', null] as const) {
      reply = { role, pending: null };
      await launcher.refresh();
      shown.push([role, launcherButton(launcher.root).textContent ?? '']);
    }
    expect(shown).toEqual([
      ['principal', 'Paramétrage'],
      ['secondary', 'Mes SIRETs'],
      ['admin', 'Support Paramétrage'],
      [null, 'Se connecter au Paramétrage'],
    ]);
    expect(launcherTabOf('principal')).toBe('parametrage');
    expect(launcherTabOf('secondary')).toBe('dashboard');
    expect(launcherTabOf(null)).toBe('dashboard');
  });

  it('is one more item of the header navigation’s list when the page has one', () => {
    document.body.innerHTML =
      '<header><nav><ul><li><a href="/tableau-de-bord">Tableau de bord</a></li></ul></nav></header>';
    mountLauncher(document, { state: signedOut, openPanel: () => undefined });
    const item = document.querySelector('header nav ul')?.lastElementChild;
    expect(item?.tagName).toBe('LI');
    expect(item?.firstElementChild?.id).toBe(LAUNCHER_HOST_ID);
  });

  it('sits in the header navigation when it holds bare links', () => {
    document.body.innerHTML =
      '<header><nav><a href="/tableau-de-bord">Tableau de bord</a></nav></header>';
    mountLauncher(document, { state: signedOut, openPanel: () => undefined });
    expect(document.querySelector('header nav')?.lastElementChild?.id).toBe(LAUNCHER_HOST_ID);
  });

  it('shows, explains and speaks the number of pending invitations', async () => {
    let pending: number | null = 3;
    const launcher = mountLauncher(document, {
      state: async () => ({ role: 'principal', pending }),
      openPanel: () => undefined,
    })!;
    await launcher.refresh();
    const badge = launcher.root.querySelector<HTMLElement>('.badge')!;
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe('3');
    expect(badge.title).toBe('3 invitations en attente de validation');
    expect(launcherButton(launcher.root).textContent).toBe(
      'Paramétrage3 (3 invitations en attente de validation)',
    );
    pending = 0;
    await launcher.refresh();
    expect(badge.hidden).toBe(true);
    expect(badge.title).toBe('');
    expect(launcherButton(launcher.root).textContent).toBe('Paramétrage');
  });

  it('falls back to the signed-out label when the background does not answer', async () => {
    const launcher = mountLauncher(document, {
      state: () => Promise.reject(new Error('Extension context invalidated.')),
      openPanel: () => undefined,
    })!;
    await launcher.refresh();
    expect(launcherButton(launcher.root).textContent).toBe('Se connecter au Paramétrage');
  });

  it('is added once only, and removed whole', () => {
    document.body.innerHTML = '<header><nav><ul></ul></nav></header>';
    const first = mountLauncher(document, { state: signedOut, openPanel: () => undefined });
    expect(mountLauncher(document, { state: signedOut, openPanel: () => undefined })).toBeNull();
    expect(document.querySelectorAll(`#${LAUNCHER_HOST_ID}`)).toHaveLength(1);
    first?.remove();
    expect(document.querySelector('header nav ul')?.children).toHaveLength(0);
  });
});
