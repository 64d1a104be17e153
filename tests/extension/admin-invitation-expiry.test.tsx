/** The support feed says when a link ran out, from the snapshot and live (docs/domain.md rule 4). */
import { screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { openTab, renderPanel } from './support/panel-harness.js';
import { ADMIN, adminSnapshot, event, invitation } from './support/snapshots.js';

async function openFeed() {
  const panel = await renderPanel({ signedInAs: ADMIN });
  await panel.serverSends(
    adminSnapshot({
      invitations: [
        invitation({ id: 2, email: 'attente@exemple.fr', expiresAt: '2025-03-12T09:00:00.000Z' }),
        invitation({
          id: 1,
          email: 'perime@exemple.fr',
          status: 'expired',
          expiresAt: '2025-03-08T09:00:00.000Z',
        }),
      ],
    }),
  );
  await openTab('Invitations et blocages');
  const feed = screen.getByRole('region', { name: 'Invitations en direct' });
  const item = (email: string) =>
    within(feed)
      .getAllByRole('listitem')
      .find((li) => li.textContent?.includes(email))!;
  return { panel, item };
}

describe('Support feed — expired invitations', () => {
  it('shows « Expirée » and when the link ran out', async () => {
    const { item } = await openFeed();
    const expired = item('perime@exemple.fr');
    expect(within(expired).getByText('Expirée').className).toContain('badge-invitation-expired');
    expect(expired.textContent).toContain('expirée le 08/03/2025 10:00');
    expect(expired.textContent).not.toContain('expire le');
  });

  it('turns a pending invitation « Expirée » when invitation.expired arrives', async () => {
    const { panel, item } = await openFeed();
    expect(item('attente@exemple.fr').textContent).toContain('expire le 12/03/2025 10:00');
    await panel.server((socket) =>
      socket.sendEvent(event(4, 'invitation.expired', { invitationId: 2, userId: 3 })),
    );
    const expired = item('attente@exemple.fr');
    expect(within(expired).getByText('Expirée')).toBeTruthy();
    expect(expired.textContent).toContain('expirée le 12/03/2025 10:00');
    expect(screen.getByTestId('live-announcer').textContent).toBe(
      'Invitation expirée : attente@exemple.fr.',
    );
  });
});
