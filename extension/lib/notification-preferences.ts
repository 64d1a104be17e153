/**
 * Which changes the background announces with a system notification, chosen
 * in « Réglages » and kept in local storage (the background reads them at
 * each change). Every kind is on until the user turns it off.
 */
import type { StorageAreaLike } from './stored-session.js';

export const NOTIFICATION_KINDS = ['sirets', 'invitations', 'cession', 'locks'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export type NotificationPreferences = Record<NotificationKind, boolean>;

export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = {
  sirets: 'SIRETs attribués ou retirés',
  invitations: 'Invitations',
  cession: 'Cession et utilisateur principal de l’espace',
  locks: 'Blocages',
};

export const NOTIFICATION_PREFERENCES_KEY = 'qrp.notificationPreferences';

export const ALL_NOTIFICATIONS_ON: NotificationPreferences = {
  sirets: true,
  invitations: true,
  cession: true,
  locks: true,
};

/** What storage holds, read leniently: a kind missing or malformed stays on. */
export function asNotificationPreferences(value: unknown): NotificationPreferences {
  const stored =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const preferences = { ...ALL_NOTIFICATIONS_ON };
  for (const kind of NOTIFICATION_KINDS) {
    if (stored[kind] === false) preferences[kind] = false;
  }
  return preferences;
}

export async function readNotificationPreferences(
  local: Pick<StorageAreaLike, 'get'>,
): Promise<NotificationPreferences> {
  const stored = await local.get([NOTIFICATION_PREFERENCES_KEY]);
  return asNotificationPreferences(stored[NOTIFICATION_PREFERENCES_KEY]);
}

export async function writeNotificationPreferences(
  local: Pick<StorageAreaLike, 'set'>,
  preferences: NotificationPreferences,
): Promise<void> {
  await local.set({ [NOTIFICATION_PREFERENCES_KEY]: preferences });
}
