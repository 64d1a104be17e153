/**
 * « Ouvrir dans un onglet »: a Ctrl/⌘-click or a middle click on the portal's
 * launcher asks for the panel in a tab of its own, as on a link; a plain click
 * asks for the side panel (Chrome) or the sidebar (Firefox).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LauncherStateReply } from '../../extension/lib/messages.js';
import { mountLauncher } from '../../extension/portal/mount-launcher.js';

afterEach(() => {
  document.body.innerHTML = '';
});

const signedIn = async (): Promise<LauncherStateReply> => ({ role: 'principal', pending: null });

function mounted() {
  const openPanel = vi.fn();
  const launcher = mountLauncher(document, { state: signedIn, openPanel });
  const button = launcher?.root.querySelector('button');
  if (!button) throw new Error('no launcher button');
  return { openPanel, button };
}

describe('Portal launcher: « Ouvrir dans un onglet »', () => {
  it('asks for the side panel on a plain click', () => {
    const { openPanel, button } = mounted();
    button.click();
    expect(openPanel.mock.calls).toEqual([[{ inTab: false }]]);
  });

  it('asks for a tab on a Ctrl-click or a ⌘-click', () => {
    const { openPanel, button } = mounted();
    button.dispatchEvent(new MouseEvent('click', { bubbles: true, ctrlKey: true }));
    button.dispatchEvent(new MouseEvent('click', { bubbles: true, metaKey: true }));
    expect(openPanel.mock.calls).toEqual([[{ inTab: true }], [{ inTab: true }]]);
  });

  it('asks for a tab on a middle click, and ignores other buttons', () => {
    const { openPanel, button } = mounted();
    button.dispatchEvent(new MouseEvent('auxclick', { bubbles: true, button: 1 }));
    button.dispatchEvent(new MouseEvent('auxclick', { bubbles: true, button: 2 }));
    expect(openPanel.mock.calls).toEqual([[{ inTab: true }]]);
  });
});
