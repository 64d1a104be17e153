import { afterEach, describe, expect, it, vi } from 'vitest';
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

describe('Portal launcher', () => {
  it('adds a "Paramétrage" button in a shadow root that opens the panel', () => {
    const openPanel = vi.fn();
    const launcher = mountLauncher(document, { pendingCount: async () => null, openPanel });
    expect(launcher).not.toBeNull();
    const button = launcherButton(launcher!.root);
    expect(button.textContent).toBe('Paramétrage');
    button.click();
    expect(openPanel).toHaveBeenCalledOnce();
    expect(document.getElementById(LAUNCHER_HOST_ID)?.className).toBe('floating');
  });

  it('sits in the header navigation when the page has one', () => {
    document.body.innerHTML =
      '<header><nav><a href="/tableau-de-bord">Tableau de bord</a></nav></header>';
    mountLauncher(document, { pendingCount: async () => null, openPanel: () => undefined });
    expect(document.querySelector('header nav')?.lastElementChild?.id).toBe(LAUNCHER_HOST_ID);
  });

  it('shows and speaks the number of pending invitations', async () => {
    let count: number | null = 3;
    const launcher = mountLauncher(document, {
      pendingCount: async () => count,
      openPanel: () => undefined,
    })!;
    await launcher.refresh();
    const badge = launcher.root.querySelector<HTMLElement>('.badge')!;
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe('3');
    expect(launcherButton(launcher.root).textContent).toBe(
      'Paramétrage3 (3 invitations en attente)',
    );
    count = 0;
    await launcher.refresh();
    expect(badge.hidden).toBe(true);
    expect(launcherButton(launcher.root).textContent).toBe('Paramétrage');
  });

  it('is added once only', () => {
    mountLauncher(document, { pendingCount: async () => null, openPanel: () => undefined });
    expect(
      mountLauncher(document, { pendingCount: async () => null, openPanel: () => undefined }),
    ).toBeNull();
    expect(document.querySelectorAll(`#${LAUNCHER_HOST_ID}`)).toHaveLength(1);
  });
});
