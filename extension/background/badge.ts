/**
 * The unread count on the toolbar icon: how many changes concerning the user
 * arrived while the panel was closed. The title says what the number counts.
 */
import { plural } from '../../shared/french-format.js';

export const DEFAULT_ACTION_TITLE = 'Ouvrir le Paramétrage QRP';
export const BADGE_COLOR = '#0a4a9c';

export function badgeText(count: number): string {
  if (count <= 0) return '';
  return count > 99 ? '99+' : String(count);
}

export function badgeTitle(count: number): string {
  if (count <= 0) return DEFAULT_ACTION_TITLE;
  const changes = plural(count, 'changement vous concerne', 'changements vous concernent');
  return `${changes} — ${DEFAULT_ACTION_TITLE}`;
}

/** The toolbar button, as `browser.action` (or Firefox's `browserAction`) exposes it. */
export interface ActionLike {
  setBadgeText(details: { text: string }): Promise<void> | void;
  setBadgeBackgroundColor(details: { color: string }): Promise<void> | void;
  setTitle(details: { title: string }): Promise<void> | void;
}

export async function showUnreadCount(action: ActionLike, count: number): Promise<void> {
  await Promise.all([
    action.setBadgeBackgroundColor({ color: BADGE_COLOR }),
    action.setBadgeText({ text: badgeText(count) }),
    action.setTitle({ title: badgeTitle(count) }),
  ]);
}
