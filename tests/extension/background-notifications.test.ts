import { describe, expect, it, vi } from 'vitest';
import type { ActorView, ServerEvent } from '../../shared/events.js';
import { badgeText, badgeTitle, DEFAULT_ACTION_TITLE } from '../../extension/background/badge.js';
import { ChangeNotifier } from '../../extension/background/change-notifier.js';
import { OpenPanels } from '../../extension/background/open-panels.js';
import { notableChange, notificationKindOf } from '../../extension/background/notable-changes.js';
import {
  ALL_NOTIFICATIONS_ON,
  asNotificationPreferences,
  NOTIFICATION_PREFERENCES_KEY,
  readNotificationPreferences,
  writeNotificationPreferences,
} from '../../extension/lib/notification-preferences.js';
import {
  PRINCIPAL,
  SECONDARY,
  SIRET_A,
  SIRET_B,
  event,
  invitation,
  principalSnapshot,
  secondarySnapshot,
} from './support/snapshots.js';

const byPrincipal: ActorView = { id: PRINCIPAL.id, email: PRINCIPAL.email, role: 'principal' };
const bySecondary: ActorView = { id: SECONDARY.id, email: SECONDARY.email, role: 'secondary' };
const bySystem: ActorView = { id: null, email: null, role: 'system' };
const bySupport: ActorView = { id: null, email: null, role: 'support' };

function by(actor: ActorView, item: ServerEvent): ServerEvent {
  return { ...item, actor };
}

const attributed = (id: number, userId = SECONDARY.id) =>
  event(id, 'secondary.sirets_changed', {
    userId,
    sirets: [SIRET_A, SIRET_B],
    dossiers: [],
    attributed: [SIRET_B],
    withdrawn: [],
  });

describe('which live changes notify', () => {
  it('tells a secondary of their own SIRETs attributed or taken away, not of a colleague’s', () => {
    expect(notificationKindOf(by(byPrincipal, attributed(6)), SECONDARY)).toBe('sirets');
    expect(notificationKindOf(by(byPrincipal, attributed(6, 4)), SECONDARY)).toBeNull();
    // The principal made it: it is their own change.
    expect(notificationKindOf(by(byPrincipal, attributed(6)), PRINCIPAL)).toBeNull();
  });

  it('tells a principal of invitations validated or expired, and of a lock lifted', () => {
    const accepted = event(7, 'invitation.accepted', {
      invitationId: 3,
      userId: 4,
      acceptedAt: '2025-03-05T12:00:00.000Z',
    });
    const expired = event(8, 'invitation.expired', { invitationId: 3, userId: 4 });
    const lifted = event(9, 'lock.reset', { lockId: 2, scope: 'add_siret', siret: SIRET_A });
    expect(notificationKindOf(by({ ...bySecondary, id: 4 }, accepted), PRINCIPAL)).toBe(
      'invitations',
    );
    expect(notificationKindOf(by(bySystem, expired), PRINCIPAL)).toBe('invitations');
    expect(notificationKindOf(by(bySupport, lifted), PRINCIPAL)).toBe('locks');
    expect(notificationKindOf(by(bySystem, expired), SECONDARY)).toBeNull();
  });

  it('tells the members of a ceded space, but not the principal who ceded it', () => {
    const ceded = by(
      byPrincipal,
      event(10, 'space.ceded', {
        fromSpaceId: 10,
        toSpaceId: 11,
        formerPrincipalId: PRINCIPAL.id,
        sirets: [SIRET_A],
        toPrincipalEmail: 'repreneur@exemple.fr',
      }),
    );
    expect(notificationKindOf(ceded, SECONDARY)).toBe('cession');
    expect(notificationKindOf(ceded, PRINCIPAL)).toBeNull();
  });

  it('tells each member of a cession put back or of a new principal, in words of its own', () => {
    const bySupportAgent = { id: 99, email: 'agent@support.fr', role: 'support' as const };
    const reverted = by(
      bySupportAgent,
      event(12, 'space.cession_reverted', {
        cessionId: 3,
        how: 'undone',
        fromSpaceId: 10,
        toSpaceId: 11,
        formerPrincipalId: PRINCIPAL.id,
        formerPrincipalEmail: PRINCIPAL.email,
        toPrincipalEmail: 'repreneur@exemple.fr',
        sirets: [SIRET_A],
        secondaryCount: 1,
        missingSirets: [],
        missingMembers: [],
      }),
    );
    expect(notableChange(reverted, SECONDARY, ALL_NOTIFICATIONS_ON)).toMatchObject({
      kind: 'cession',
      title: 'Cession de votre espace',
      message: expect.stringContaining(`a annulé la cession de ${PRINCIPAL.email}`),
    });
    const changed = by(
      bySupportAgent,
      event(13, 'space.principal_changed', {
        principalId: SECONDARY.id,
        principalEmail: SECONDARY.email,
        formerPrincipalId: PRINCIPAL.id,
        formerPrincipalEmail: PRINCIPAL.email,
      }),
    );
    expect(notableChange(changed, PRINCIPAL, ALL_NOTIFICATIONS_ON)).toMatchObject({
      kind: 'cession',
      title: 'Utilisateur principal',
    });
  });

  it('stays silent on everything else: presence, other changes of the space', () => {
    const presence = event(0, 'presence.changed', { online: [1] });
    const removed = by(bySecondary, event(11, 'siret.removed', { siret: SIRET_A }));
    expect(notificationKindOf(presence, PRINCIPAL)).toBeNull();
    expect(notificationKindOf(removed, PRINCIPAL)).toBeNull();
  });

  it('writes the notification in French, naming what the event gives by id', () => {
    const change = notableChange(by(byPrincipal, attributed(6)), SECONDARY, ALL_NOTIFICATIONS_ON);
    expect(change).toEqual({
      kind: 'sirets',
      title: 'Vos SIRETs ont changé',
      message: 'Le SIRET 356 000 000 00048 vous a été attribué.',
    });
    const accepted = by(
      { ...bySecondary, id: 4 },
      event(7, 'invitation.accepted', {
        invitationId: 3,
        userId: 4,
        acceptedAt: '2025-03-05T12:00:00.000Z',
      }),
    );
    const known = principalSnapshot({
      invitations: [invitation({ id: 3, email: 'nouvelle@exemple.fr' })],
    });
    expect(notableChange(accepted, PRINCIPAL, ALL_NOTIFICATIONS_ON, known)?.message).toBe(
      'nouvelle@exemple.fr a validé son invitation.',
    );
    const lifted = by(bySupport, event(9, 'lock.reset', { lockId: 2, scope: 'cession' }));
    expect(notableChange(lifted, PRINCIPAL, ALL_NOTIFICATIONS_ON)?.message).toBe(
      'Le blocage de la cession est levé : vous pouvez réessayer.',
    );
  });

  it('says « retirés » for SIRETs taken away, and that they left the space when deleted', () => {
    const withdrawn = by(
      byPrincipal,
      event(6, 'secondary.sirets_changed', {
        userId: SECONDARY.id,
        sirets: [],
        dossiers: [],
        attributed: [],
        withdrawn: [SIRET_A, SIRET_B],
        deleted: true,
      }),
    );
    expect(notableChange(withdrawn, SECONDARY, ALL_NOTIFICATIONS_ON)?.message).toBe(
      'Les SIRETs 732 829 320 00074 et 356 000 000 00048 vous ont été retirés (supprimés de l’espace).',
    );
  });

  it('raises none for a kind turned off in the settings', () => {
    const off = { ...ALL_NOTIFICATIONS_ON, sirets: false };
    expect(notableChange(by(byPrincipal, attributed(6)), SECONDARY, off)).toBeNull();
  });
});

describe('the toolbar badge', () => {
  it('shows the count, nothing at zero, and says what it counts', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(2)).toBe('2');
    expect(badgeText(120)).toBe('99+');
    expect(badgeTitle(0)).toBe(DEFAULT_ACTION_TITLE);
    expect(badgeTitle(1)).toBe(`1 changement vous concerne — ${DEFAULT_ACTION_TITLE}`);
    expect(badgeTitle(2)).toBe(`2 changements vous concernent — ${DEFAULT_ACTION_TITLE}`);
  });
});

describe('notification preferences', () => {
  it('keeps every kind on unless stored off', async () => {
    expect(asNotificationPreferences(undefined)).toEqual(ALL_NOTIFICATIONS_ON);
    expect(asNotificationPreferences({ locks: false, sirets: 'non' })).toEqual({
      ...ALL_NOTIFICATIONS_ON,
      locks: false,
    });
    const stored: Record<string, unknown> = {};
    const area = {
      get: async () => stored,
      set: async (items: Record<string, unknown>) => void Object.assign(stored, items),
    };
    await writeNotificationPreferences(area, { ...ALL_NOTIFICATIONS_ON, cession: false });
    expect(stored[NOTIFICATION_PREFERENCES_KEY]).toMatchObject({ cession: false });
    expect(await readNotificationPreferences(area)).toEqual({
      ...ALL_NOTIFICATIONS_ON,
      cession: false,
    });
  });
});

describe('ChangeNotifier', () => {
  function setup(preferences = ALL_NOTIFICATIONS_ON) {
    let unread = 0;
    const badge: string[] = [];
    const titles: string[] = [];
    const notify = vi.fn(async () => undefined);
    const panels = new OpenPanels();
    const notifier = new ChangeNotifier({
      panelOpen: () => panels.anyOpen,
      action: {
        setBadgeText: ({ text }) => void badge.push(text),
        setBadgeBackgroundColor: () => undefined,
        setTitle: ({ title }) => void titles.push(title),
      },
      notify,
      preferences: async () => preferences,
      unread: { read: async () => unread, write: async (count) => void (unread = count) },
    });
    return { notifier, panels, notify, badge, titles, unread: () => unread };
  }

  it('counts and notifies changes made by others while the panel is closed', async () => {
    const { notifier, notify, badge, titles } = setup();
    await notifier.onEvent(by(byPrincipal, attributed(6)), secondarySnapshot());
    expect(badge.at(-1)).toBe('1');
    expect(titles.at(-1)).toBe(`1 changement vous concerne — ${DEFAULT_ACTION_TITLE}`);
    expect(notify).toHaveBeenCalledWith(
      'qrp-change-6',
      expect.objectContaining({ kind: 'sirets' }),
    );
    await notifier.onEvent(by(byPrincipal, attributed(7)), secondarySnapshot());
    expect(badge.at(-1)).toBe('2');
  });

  it('neither counts nor notifies the user’s own actions', async () => {
    const { notifier, notify, unread } = setup();
    await notifier.onEvent(by(byPrincipal, attributed(6)), principalSnapshot());
    expect(unread()).toBe(0);
    expect(notify).not.toHaveBeenCalled();
  });

  it('stays silent while the panel is open, and opening it clears the count', async () => {
    const { notifier, panels, notify, badge, unread } = setup();
    await notifier.onEvent(by(byPrincipal, attributed(6)), secondarySnapshot());
    expect(unread()).toBe(1);
    const [first, second] = [{}, {}];
    panels.opened(first);
    panels.opened(second);
    await notifier.panelOpened();
    expect(badge.at(-1)).toBe('');
    await notifier.onEvent(by(byPrincipal, attributed(7)), secondarySnapshot());
    expect(unread()).toBe(0);
    expect(notify).toHaveBeenCalledTimes(1);
    // Silent until the last panel closes.
    panels.closed(first);
    await notifier.onEvent(by(byPrincipal, attributed(8)), secondarySnapshot());
    expect(unread()).toBe(0);
    panels.closed(second);
    await notifier.onEvent(by(byPrincipal, attributed(9)), secondarySnapshot());
    expect(unread()).toBe(1);
  });

  it('still counts a kind whose notifications are off, without notifying', async () => {
    const { notifier, notify, unread } = setup({ ...ALL_NOTIFICATIONS_ON, sirets: false });
    await notifier.onEvent(by(byPrincipal, attributed(6)), secondarySnapshot());
    expect(unread()).toBe(1);
    expect(notify).not.toHaveBeenCalled();
  });
});
