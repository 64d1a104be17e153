/**
 * How the side panel and the background talk about the panel itself: the
 * panel holds a port named `qrp:panel` while it is open (its disconnect means
 * closed) and says there whose live view it holds; whoever opens the panel for
 * a reason (a notification's click, the portal's launcher) leaves the tab to
 * show in session storage, which the panel reads at start and while it is open.
 */
export const PANEL_PORT_NAME = 'qrp:panel';

export const OPEN_TAB_REQUEST = 'qrp.openTab';

/** The member tabs a request may name; the panel falls back to the dashboard when one is not the user's. */
export type RequestedTab = 'dashboard' | 'parametrage' | 'history';

export function asRequestedTab(value: unknown): RequestedTab | null {
  return value === 'dashboard' || value === 'parametrage' || value === 'history' ? value : null;
}

/** The tab the launcher opens: the principal's « Paramétrage », everyone else's home. */
export function launcherTabOf(role: string | null): RequestedTab {
  return role === 'principal' ? 'parametrage' : 'dashboard';
}

/**
 * The panel's word on its port: the session whose live view it now holds (its
 * token), or none. The background opens its own connection once a panel holds
 * the view of the signed-in session (background/open-panels.ts).
 */
export interface PanelViewMessage {
  type: 'qrp:panel-view';
  token: string | null;
}

export function isPanelViewMessage(value: unknown): value is PanelViewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Partial<PanelViewMessage>;
  return (
    message.type === 'qrp:panel-view' &&
    (message.token === null || typeof message.token === 'string')
  );
}
