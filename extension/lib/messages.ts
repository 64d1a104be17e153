/** Messages from the portal's launcher (content script) to the background. */

export type LauncherMessage = { type: 'qrp:pending-count' } | { type: 'qrp:open-panel' };

/** `null` when there is nothing to count (signed out, not a principal, server unreachable). */
export interface PendingCountReply {
  count: number | null;
}

export interface OpenPanelReply {
  opened: boolean;
}

export function isLauncherMessage(value: unknown): value is LauncherMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'qrp:pending-count' || type === 'qrp:open-panel';
}
