import { act, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SupportOverviewView } from '../../shared/views.js';
import {
  invitationsChart,
  valueScale,
  type ChartDay,
} from '../../extension/components/invitations-chart.js';
import { LIVE_REFRESH_MS } from '../../extension/panel/support-admin-store.js';
import { openTab, refusal, renderPanel } from './support/panel-harness.js';
import { ADMIN, adminSnapshot, event, invitation, lock } from './support/snapshots.js';

/** The 30 days up to 2025-12-10, every count 0 but those given. */
function thirtyDays(counts: Record<string, Partial<ChartDay>> = {}): ChartDay[] {
  return Array.from({ length: 30 }, (_, index) => {
    const date = new Date(Date.UTC(2025, 11, 10 - 29 + index)).toISOString().slice(0, 10);
    return { date, sent: 0, validated: 0, expired: 0, ...counts[date] };
  });
}

function overview(overrides: Partial<SupportOverviewView> = {}): SupportOverviewView {
  return {
    pendingInvitations: 12,
    validatedToday: 3,
    expiredThisWeek: 5,
    lockedAccounts: 2,
    days: thirtyDays({
      '2025-12-01': { sent: 7, validated: 2 },
      '2025-12-10': { sent: 1, expired: 4 },
    }),
    ...overrides,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('invitationsChart', () => {
  it('scales values to 1, 2 or 5 times a power of ten, four steps at most', () => {
    expect(valueScale(0)).toEqual({ top: 1, step: 1 });
    expect(valueScale(3)).toEqual({ top: 3, step: 1 });
    expect(valueScale(7)).toEqual({ top: 8, step: 2 });
    expect(valueScale(19)).toEqual({ top: 20, step: 5 });
    expect(valueScale(321)).toEqual({ top: 400, step: 100 });
  });

  it('draws one line per series across the plot, with French dates every week ending today', () => {
    const chart = invitationsChart(overview().days);
    expect(chart.series.map((item) => [item.key, item.total])).toEqual([
      ['sent', 8],
      ['validated', 2],
      ['expired', 4],
    ]);
    const sent = chart.series[0]!.points.split(' ').map((point) => point.split(',').map(Number));
    expect(sent).toHaveLength(30);
    // First day at the left edge, today at the right, 0 on the axis, the top value at the top.
    expect(sent[0]).toEqual([chart.plot.left, chart.plot.bottom]);
    expect(sent[29]![0]).toBe(chart.plot.right);
    expect(chart.valueTicks.map((tick) => tick.value)).toEqual([0, 2, 4, 6, 8]);
    // 1 December (the 21st day) sent 7 of the axis' 8.
    const { top, bottom } = chart.plot;
    expect(sent[20]![1]).toBeCloseTo(bottom - ((bottom - top) * 7) / 8, 0);
    expect(chart.dateTicks.map((tick) => tick.label)).toEqual([
      '12 nov.',
      '19 nov.',
      '26 nov.',
      '3 déc.',
      '10 déc.',
    ]);
    expect(chart.dateTicks.at(-1)).toMatchObject({ x: chart.plot.right, anchor: 'end' });
    expect(chart.summary).toBe(
      'Invitations du 11 nov. au 10 déc. : 8 envoyées, 2 validées et 4 expirées.',
    );
  });

  it('says so when there is no day', () => {
    const chart = invitationsChart([]);
    expect(chart.series.every((item) => item.points === '')).toBe(true);
    expect(chart.summary).toBe('Aucune donnée sur les 30 derniers jours.');
  });
});

async function openOverview(answer: SupportOverviewView = overview()) {
  const panel = await renderPanel({ signedInAs: ADMIN });
  panel.api.supportOverview.mockResolvedValue(answer);
  await panel.serverSends(adminSnapshot());
  await openTab('Aperçu');
  const region = screen.getByRole('region', { name: 'Aperçu' });
  return { panel, region };
}

/** The figures as read: « label: value ». */
function figures(region: HTMLElement): string[] {
  return Array.from(region.querySelectorAll('.overview-figure')).map(
    (item) => `${item.querySelector('dt')?.textContent}: ${item.querySelector('dd')?.textContent}`,
  );
}

describe('Aperçu', () => {
  it('shows the four figures, the chart with its legend, and when it was read', async () => {
    const { panel, region } = await openOverview();
    expect(panel.api.supportOverview).toHaveBeenCalledTimes(1);
    expect(figures(region)).toEqual([
      'Invitations en attente: 12',
      'Validées aujourd’hui: 3',
      'Expirées cette semaine: 5',
      'Comptes bloqués: 2',
    ]);
    const chart = within(region).getByRole('img');
    expect(chart.getAttribute('aria-label')).toBe(
      'Invitations sur 30 jours. Invitations du 11 nov. au 10 déc. : 8 envoyées, 2 validées et 4 expirées. Le détail par jour suit, dans un tableau.',
    );
    expect(chart.querySelectorAll('polyline')).toHaveLength(3);
    expect(
      within(region)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['Envoyées (8)', 'Validées (2)', 'Expirées (4)']);
    expect(region.textContent).toMatch(/Mis à jour à \d{2}:\d{2}:\d{2}/);
  });

  it('gives the 30 days as a table to screen readers', async () => {
    const { region } = await openOverview();
    const table = within(region).getByRole('table', { name: 'Invitations sur 30 jours, par jour' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(31);
    expect(rows[0]!.textContent).toBe('JourEnvoyéesValidéesExpirées');
    const monday = within(table).getByRole('rowheader', { name: 'lundi 1 décembre' });
    expect(monday.closest('tr')!.textContent).toBe('lundi 1 décembre720');
  });

  it('reads the figures again once for a burst of invitation and lock events', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    const { panel, region } = await openOverview();
    panel.api.supportOverview.mockResolvedValue(overview({ pendingInvitations: 10 }));
    await panel.server((socket) => {
      socket.sendEvent(event(4, 'invitation.expired', { invitationId: 1, userId: 9 }));
      socket.sendEvent(
        event(5, 'invitation.created', { invitation: invitation({ id: 2, email: 'x@ex.fr' }) }),
      );
      socket.sendEvent(event(6, 'lock.reset', { lockId: 1 }));
    });
    // An agent's event moves no figure.
    await panel.server((socket) => socket.sendEvent(event(7, 'agent.activated', { userId: 40 })));
    expect(panel.api.supportOverview).toHaveBeenCalledTimes(1);
    await act(async () => {
      vi.advanceTimersByTime(LIVE_REFRESH_MS);
    });
    await act(async () => {
      await Promise.resolve();
    });
    expect(panel.api.supportOverview).toHaveBeenCalledTimes(2);
    expect(figures(region)[0]).toBe('Invitations en attente: 10');
    await panel.server((socket) =>
      socket.sendEvent(event(8, 'lock.locked', { lock: lock({ id: 3 }) })),
    );
    await act(async () => {
      vi.advanceTimersByTime(LIVE_REFRESH_MS);
    });
    expect(panel.api.supportOverview).toHaveBeenCalledTimes(3);
  });

  it('reads again when shown after events came while another tab was open', async () => {
    const { panel } = await openOverview();
    await openTab('Invitations et blocages');
    await panel.server((socket) =>
      socket.sendEvent(event(4, 'invitation.expired', { invitationId: 1, userId: 9 })),
    );
    expect(panel.api.supportOverview).toHaveBeenCalledTimes(1);
    await openTab('Aperçu');
    expect(panel.api.supportOverview).toHaveBeenCalledTimes(2);
    // Nothing moved meanwhile: the figures shown are still true.
    await openTab('Historique');
    await openTab('Aperçu');
    expect(panel.api.supportOverview).toHaveBeenCalledTimes(2);
  });

  it('keeps the last figures and offers to try again when a read fails', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    const { panel, region } = await openOverview();
    panel.api.supportOverview.mockRejectedValueOnce(refusal('INTERNAL'));
    await panel.server((socket) =>
      socket.sendEvent(event(4, 'invitation.expired', { invitationId: 1, userId: 9 })),
    );
    await act(async () => {
      vi.advanceTimersByTime(LIVE_REFRESH_MS);
    });
    await act(async () => {
      await Promise.resolve();
    });
    expect(within(region).getByRole('alert').textContent).toContain(
      'Les chiffres n’ont pas pu être chargés.',
    );
    expect(figures(region)[0]).toBe('Invitations en attente: 12');
    panel.api.supportOverview.mockResolvedValue(overview({ pendingInvitations: 11 }));
    await act(async () => {
      within(region).getByRole('button', { name: 'Réessayer' }).click();
      await Promise.resolve();
    });
    await act(async () => {
      await Promise.resolve();
    });
    expect(within(region).queryByRole('alert')).toBeNull();
    expect(figures(region)[0]).toBe('Invitations en attente: 11');
  });

  it('ends the session when the server no longer knows the token', async () => {
    const panel = await renderPanel({ signedInAs: ADMIN });
    panel.api.supportOverview.mockRejectedValue(refusal('UNAUTHENTICATED'));
    await panel.serverSends(adminSnapshot());
    await openTab('Aperçu');
    expect(panel.store.session.value.status).toBe('signed-out');
  });
});
