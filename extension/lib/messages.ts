/** Messages from the portal's launcher (content script) to the background. */
import type { Role } from '../../shared/domain.js';

export type LauncherMessage =
  | { type: 'qrp:launcher-state' }
  // `inTab`: « Ouvrir dans un onglet », the panel's page in a tab of its own.
  | { type: 'qrp:open-panel'; inTab?: boolean };

/**
 * Who is signed in (`null`: nobody) and, for a principal, how many invitations
 * wait for validation (`null` when there is nothing to count or the server is unreachable).
 */
export interface LauncherStateReply {
  role: Role | null;
  pending: number | null;
}

export interface OpenPanelReply {
  opened: boolean;
}

export function isLauncherMessage(value: unknown): value is LauncherMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'qrp:launcher-state' || type === 'qrp:open-panel';
}
