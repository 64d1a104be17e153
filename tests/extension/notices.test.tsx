import { act, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActorView, EventPayloads, EventType, ServerEvent } from '../../shared/events.js';
import { formatSiret } from '../../shared/siret.js';
import { HIGHLIGHT_MS } from '../../extension/panel/store.js';
import { clickButton, openTab, press, renderPanel } from './support/panel-harness.js';
import {
  PRINCIPAL,
  SECONDARY,
  SIRET_A,
  SIRET_B,
  SIRET_C,
  event,
  invitation,
  member,
  principalSnapshot,
  secondarySnapshot,
} from './support/snapshots.js';

const BY_PRINCIPAL: ActorView = { id: PRINCIPAL.id, email: PRINCIPAL.email, role: 'principal' };

function eventBy<T extends EventType>(
  actor: ActorView,
  id: number,
  type: T,
  data: EventPayloads[T],
): ServerEvent {
  return { ...event(id, type, data), actor } as ServerEvent;
}

const noticesRegion = () => screen.getByRole('status', { name: 'Notifications' });
const noticeTexts = () =>
  within(noticesRegion())
    .queryAllByText(/./, { selector: '.notice p' })
    .map((item) => item.textContent);
const announced = () => screen.getByTestId('live-announcer').textContent;

const SIRETS = [SIRET_A, SIRET_B, SIRET_C, '55210055400013', '44306184100047', '40483304800022'];

async function openSecondary() {
  const panel = await renderPanel({ signedInAs: SECONDARY });
  await panel.serverSends(secondarySnapshot({ sirets: [] }));
  return panel;
}

/** The principal attributes `sirets` to the secondary, one event after the other. */
async function attributeOneByOne(
  panel: Awaited<ReturnType<typeof openSecondary>>,
  sirets: string[],
) {
  const held: string[] = [];
  let id = 6;
  for (const siret of sirets) {
    held.push(siret);
    const data = { userId: SECONDARY.id, sirets: [...held], dossiers: [], attributed: [siret] };
    await panel.server((socket) =>
      socket.sendEvent(eventBy(BY_PRINCIPAL, id++, 'secondary.sirets_changed', data)),
    );
  }
  return id;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Notices', () => {
  it('shows the newest first, three of them, and opens the Historique for the others', async () => {
    const panel = await openSecondary();
    await attributeOneByOne(panel, SIRETS.slice(0, 5));
    expect(noticeTexts()).toEqual([
      `Le SIRET ${formatSiret(SIRETS[4]!)} vous a été attribué.`,
      `Le SIRET ${formatSiret(SIRETS[3]!)} vous a été attribué.`,
      `Le SIRET ${formatSiret(SIRETS[2]!)} vous a été attribué.`,
    ]);
    // The counter is no part of the live region: it would be read out at each change.
    expect(within(noticesRegion()).queryByRole('button', { name: /autres/ })).toBeNull();
    await clickButton('2 autres changements');
    expect(screen.getByRole('tab', { name: /^Historique/ }).getAttribute('aria-selected')).toBe(
      'true',
    );
    await press(
      within(noticesRegion()).getAllByRole('button', { name: 'Masquer la notification' })[0]!,
    );
    expect(noticeTexts()[0]).toBe(`Le SIRET ${formatSiret(SIRETS[3]!)} vous a été attribué.`);
    // The keyboard is not sent back to the top of the page.
    expect(document.activeElement).toBe(
      within(noticesRegion()).getAllByRole('button', { name: 'Masquer la notification' })[0],
    );
    expect(screen.getByRole('button', { name: '1 autre changement' })).toBeTruthy();
  });

  it('shows no counter while every notice is visible', async () => {
    const panel = await openSecondary();
    await attributeOneByOne(panel, SIRETS.slice(0, 3));
    expect(noticeTexts()).toHaveLength(3);
    expect(screen.queryByRole('button', { name: /autres? changements?/ })).toBeNull();
  });

  it('clears every notice with « Tout effacer »', async () => {
    const panel = await openSecondary();
    await attributeOneByOne(panel, SIRETS.slice(0, 5));
    await clickButton('Tout effacer');
    expect(noticeTexts()).toEqual([]);
    expect(screen.queryByRole('button', { name: 'Tout effacer' })).toBeNull();
    expect(screen.queryByRole('button', { name: /autres changements/ })).toBeNull();
  });

  it('drops a SIRET attributed then taken away before its notice was read', async () => {
    const panel = await openSecondary();
    const id = await attributeOneByOne(panel, [SIRET_A, SIRET_B]);
    await panel.server((socket) =>
      socket.sendEvent(
        eventBy(BY_PRINCIPAL, id, 'secondary.sirets_changed', {
          userId: SECONDARY.id,
          sirets: [SIRET_A],
          dossiers: [],
          withdrawn: [SIRET_B],
        }),
      ),
    );
    expect(noticeTexts()).toEqual([`Le SIRET ${formatSiret(SIRET_A)} vous a été attribué.`]);
    // Nothing visible says it any more: the live region does.
    expect(announced()).toBe(`Le SIRET ${formatSiret(SIRET_B)} vous a été retiré.`);
  });

  it('drops a SIRET taken away then given back, but not once the first notice was closed', async () => {
    const panel = await renderPanel({ signedInAs: SECONDARY });
    await panel.serverSends(secondarySnapshot());
    const change = (id: number, sirets: string[]) =>
      panel.server((socket) =>
        socket.sendEvent(
          eventBy(BY_PRINCIPAL, id, 'secondary.sirets_changed', {
            userId: SECONDARY.id,
            sirets,
            dossiers: [],
          }),
        ),
      );
    await change(6, []);
    expect(noticeTexts()).toEqual([`Le SIRET ${formatSiret(SIRET_A)} vous a été retiré.`]);
    await change(7, [SIRET_A]);
    expect(noticeTexts()).toEqual([]);
    await change(8, []);
    await press(within(noticesRegion()).getByRole('button', { name: 'Masquer la notification' }));
    await change(9, [SIRET_A]);
    expect(noticeTexts()).toEqual([`Le SIRET ${formatSiret(SIRET_A)} vous a été attribué.`]);
  });

  it('tells a secondary of a SIRET the principal deleted, with the usual wording', async () => {
    const panel = await renderPanel({ signedInAs: SECONDARY });
    await panel.serverSends(secondarySnapshot());
    await panel.server((socket) =>
      socket.sendEvent(
        eventBy(BY_PRINCIPAL, 6, 'secondary.sirets_changed', {
          userId: SECONDARY.id,
          sirets: [],
          dossiers: [],
          withdrawn: [SIRET_A],
          deleted: true,
        }),
      ),
    );
    expect(noticeTexts()).toEqual([`Le SIRET ${formatSiret(SIRET_A)} vous a été retiré.`]);
  });
});

describe('Own changes', () => {
  it('neither notices nor announces what the user did themself; announces what others did', async () => {
    const panel = await renderPanel({ signedInAs: PRINCIPAL });
    await panel.serverSends(principalSnapshot());
    const added = (id: number, siret: string) => ({
      siret: { siret, addedAt: '2025-03-05T12:00:00.000Z' },
      dossiers: [],
    });
    await panel.server((socket) =>
      socket.sendEvent(eventBy(BY_PRINCIPAL, 6, 'siret.added', added(6, SIRET_C))),
    );
    expect(announced()).toBe('');
    const support: ActorView = { id: null, email: null, role: 'support' };
    await panel.server((socket) =>
      socket.sendEvent(eventBy(support, 7, 'siret.added', added(7, '55210055400013'))),
    );
    expect(announced()).toBe('SIRET ajouté : 552 100 554 00013.');
    expect(noticeTexts()).toEqual([]);
  });

  it('keeps the former principal’s notice after their own cession', async () => {
    const panel = await renderPanel({ signedInAs: PRINCIPAL });
    await panel.serverSends(principalSnapshot());
    await panel.server((socket) =>
      socket.sendEvent(
        eventBy(BY_PRINCIPAL, 6, 'space.ceded', {
          fromSpaceId: 10,
          toSpaceId: 11,
          formerPrincipalId: PRINCIPAL.id,
          sirets: [SIRET_A, SIRET_B],
          secondaryCount: 1,
          toPrincipalEmail: 'autre@exemple.fr',
        }),
      ),
    );
    expect(noticeTexts()).toEqual([]);
    await panel.server((socket) =>
      socket.answerSync({
        snapshot: secondarySnapshot({
          me: { ...PRINCIPAL, role: 'secondary', spaceId: 11 },
          spaceId: 11,
          lastEventId: 30,
        }),
      }),
    );
    expect(noticeTexts()).toEqual([
      'Vos SIRETs ont été cédés : vous êtes désormais utilisateur secondaire et n’avez plus accès au Paramétrage.',
    ]);
  });
});

describe('Cession', () => {
  const CEDER: ActorView = { id: 50, email: 'employeur@exemple.fr', role: 'principal' };

  function ceded(overrides: Partial<EventPayloads['space.ceded']> = {}) {
    return eventBy(CEDER, 6, 'space.ceded', {
      fromSpaceId: 20,
      toSpaceId: 10,
      formerPrincipalId: CEDER.id!,
      sirets: [SIRET_C, '55210055400013', '44306184100047'],
      secondaryCount: 4,
      toPrincipalEmail: PRINCIPAL.email,
      ...overrides,
    });
  }

  it('tells the receiving principal who ceded what, and keeps it after the new snapshot', async () => {
    const panel = await renderPanel({ signedInAs: PRINCIPAL });
    await panel.serverSends(principalSnapshot());
    await panel.server((socket) => socket.sendEvent(ceded()));
    const text = 'employeur@exemple.fr vous a cédé 3 SIRETs et 4 utilisateurs secondaires.';
    expect(noticeTexts()).toEqual([text]);
    await panel.server((socket) =>
      socket.answerSync({ snapshot: principalSnapshot({ lastEventId: 6 }) }),
    );
    expect(noticeTexts()).toEqual([text]);
    expect(announced()).toBe('');
  });

  it('writes the singular for one SIRET and one secondary, and leaves out none', async () => {
    const panel = await renderPanel({ signedInAs: PRINCIPAL });
    await panel.serverSends(principalSnapshot());
    await panel.server((socket) =>
      socket.sendEvent(ceded({ sirets: [SIRET_C], secondaryCount: 1 })),
    );
    expect(noticeTexts()).toEqual([
      'employeur@exemple.fr vous a cédé 1 SIRET et 1 utilisateur secondaire.',
    ]);
    await panel.server((socket) =>
      socket.answerSync({ snapshot: principalSnapshot({ lastEventId: 6 }) }),
    );
    await panel.server((socket) =>
      socket.sendEvent({
        ...ceded({ sirets: [SIRET_C, SIRET_B], secondaryCount: 0 }),
        id: 7,
      } as ServerEvent),
    );
    expect(noticeTexts()[0]).toBe('employeur@exemple.fr vous a cédé 2 SIRETs.');
  });

  it('tells each secondary of the ceded space who manages it now', async () => {
    const panel = await renderPanel({ signedInAs: SECONDARY });
    await panel.serverSends(secondarySnapshot());
    const principal: ActorView = { id: PRINCIPAL.id, email: PRINCIPAL.email, role: 'principal' };
    await panel.server((socket) =>
      socket.sendEvent(
        eventBy(principal, 6, 'space.ceded', {
          fromSpaceId: 10,
          toSpaceId: 11,
          formerPrincipalId: PRINCIPAL.id,
          sirets: [],
          secondaryCount: 2,
          toPrincipalEmail: 'autre@exemple.fr',
        }),
      ),
    );
    expect(noticeTexts()).toEqual(['Votre espace est désormais géré par autre@exemple.fr.']);
    await panel.server((socket) =>
      socket.answerSync({
        snapshot: secondarySnapshot({ me: { ...SECONDARY, spaceId: 11 }, spaceId: 11 }),
      }),
    );
    expect(noticeTexts()).toEqual(['Votre espace est désormais géré par autre@exemple.fr.']);
  });

  it('tells nothing to a secondary of the receiving space', async () => {
    const panel = await renderPanel({ signedInAs: SECONDARY });
    await panel.serverSends(secondarySnapshot());
    await panel.server((socket) => socket.sendEvent(ceded({ sirets: [] })));
    expect(noticeTexts()).toEqual([]);
  });
});

describe('Invitation validated', () => {
  it('tells the principal and highlights the secondary’s row for a moment', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    const panel = await renderPanel({ signedInAs: PRINCIPAL });
    const dora = member({ id: 7, email: 'dora@exemple.fr', status: 'pending' });
    await panel.serverSends(
      principalSnapshot({
        members: [...principalSnapshot().members, dora],
        invitations: [invitation({ id: 3, userId: 7, email: dora.email })],
      }),
    );
    await openTab('Paramétrage');
    const row = () =>
      screen.getByRole('rowheader', { name: /dora@exemple\.fr/ }).closest('tr') as HTMLElement;
    expect(row().classList.contains('row-highlight')).toBe(false);
    const byDora: ActorView = { id: 7, email: dora.email, role: 'secondary' };
    await panel.server((socket) => {
      socket.sendEvent(
        eventBy(byDora, 6, 'secondary.status_changed', { userId: 7, status: 'active' }),
      );
      socket.sendEvent(
        eventBy(byDora, 7, 'invitation.accepted', {
          invitationId: 3,
          userId: 7,
          acceptedAt: '2025-03-05T12:00:00.000Z',
        }),
      );
    });
    expect(noticeTexts()).toEqual(['dora@exemple.fr a validé son invitation.']);
    // The visible notice is read out by its own live region, not a second time.
    expect(announced()).toBe('');
    expect(row().classList.contains('row-highlight')).toBe(true);
    await act(async () => {
      vi.advanceTimersByTime(HIGHLIGHT_MS);
    });
    expect(row().classList.contains('row-highlight')).toBe(false);
  });
});
