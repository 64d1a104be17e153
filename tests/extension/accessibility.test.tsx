import { screen } from '@testing-library/preact';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { clickButton, openTab, renderPanel } from './support/panel-harness.js';
import {
  ADMIN,
  PRINCIPAL,
  SECONDARY,
  adminSnapshot,
  invitation,
  principalSnapshot,
  secondarySnapshot,
} from './support/snapshots.js';

/** axe's structural rules (contrast needs a real layout engine: the browser tests check it). */
async function violations(): Promise<string[]> {
  const result = await axe.run(document.body, {
    rules: { 'color-contrast': { enabled: false }, region: { enabled: false } },
  });
  return result.violations.map(
    (item) => `${item.id}: ${item.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
}

describe('Accessibility (axe)', () => {
  it('finds nothing to fix on the sign-in and sign-up screens', async () => {
    await renderPanel();
    expect(await violations()).toEqual([]);
    await clickButton('Créer un espace employeur');
    expect(await violations()).toEqual([]);
  });

  it("finds nothing to fix on the principal's screens and dialogs", async () => {
    const panel = await renderPanel({ signedInAs: PRINCIPAL });
    await panel.serverSends(principalSnapshot({ invitations: [invitation({ id: 1, userId: 2 })] }));
    expect(await violations()).toEqual([]);
    await openTab('Attributions');
    expect(await violations()).toEqual([]);
    await openTab('Paramétrage');
    expect(await violations()).toEqual([]);
    await clickButton(/^Liste SIRETs de/);
    expect(screen.getByRole('dialog')).toBeTruthy();
    expect(await violations()).toEqual([]);
  });

  it("finds nothing to fix on a secondary's and an admin's screens", async () => {
    const secondary = await renderPanel({ signedInAs: SECONDARY });
    await secondary.serverSends(secondarySnapshot());
    await openTab('Équipe');
    expect(await violations()).toEqual([]);
    secondary.unmount();
    const admin = await renderPanel({ signedInAs: ADMIN });
    await admin.serverSends(adminSnapshot());
    expect(await violations()).toEqual([]);
  });
});
