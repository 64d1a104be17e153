/**
 * Which live events land in a member's « Historique » (docs/domain.md): the
 * principal's history is their whole space, a secondary's what concerns them
 * (their SIRETs, their status, the cession of their space), as the server's
 * `GET /history` reads it. The panel counts the unread ones on the tab.
 */
import type { Role } from './domain.js';
import type { ServerEvent } from './events.js';
import { STORED_EVENT_TYPES } from './events.js';

export interface HistoryViewer {
  id: number;
  role: Role;
}

const STORED: ReadonlySet<string> = new Set(STORED_EVENT_TYPES);

/** Whether this live event is a change that the viewer's history shows. */
export function isInHistoryOf(event: ServerEvent, viewer: HistoryViewer): boolean {
  // Presence and session ends are not stored; `hidden` stands for what the viewer may not see.
  if (event.id === 0 || !STORED.has(event.type)) return false;
  if (viewer.role === 'principal') return true;
  if (viewer.role !== 'secondary') return false;
  switch (event.type) {
    case 'secondary.sirets_changed':
    case 'secondary.status_changed':
      return event.data.userId === viewer.id;
    case 'space.ceded':
    case 'space.cession_reverted':
    case 'space.principal_changed':
      return true;
    default:
      return false;
  }
}

/** A change of the viewer's history made by someone else: one more « non lu » on the tab. */
export function isUnreadHistoryChange(event: ServerEvent, viewer: HistoryViewer): boolean {
  return isInHistoryOf(event, viewer) && event.actor?.id !== viewer.id;
}
