/**
 * The panels open right now and the session whose live view each one holds
 * (they say so on their port, `PanelViewMessage`). At sign-in the panel and
 * the background would each ask the server for a snapshot of the same space at
 * the same moment; the background's is only for naming things in
 * notifications, which it does not raise while a panel is open, so it waits
 * for the panel's first view and asks for its own afterwards.
 */

/** The longest the background holds its connection back for a panel that is slow to get its view. */
export const PANEL_FIRST_VIEW_BOUND_MS = 2_000;

export class OpenPanels {
  /** Each open panel's port, with the token of the session whose view it holds (null: none yet). */
  private readonly panels = new Map<object, string | null>();
  private readonly waiters = new Set<() => void>();

  opened(port: object): void {
    this.panels.set(port, null);
  }

  get anyOpen(): boolean {
    return this.panels.size > 0;
  }

  closed(port: object): void {
    this.panels.delete(port);
    this.wake();
  }

  /** The panel holds the live view of this session (null: of none). */
  holds(port: object, token: string | null): void {
    if (!this.panels.has(port)) return;
    this.panels.set(port, token);
    this.wake();
  }

  /**
   * Resolves once the background may connect for this session: at once when no
   * panel is open or one already holds its view, else when one gets it, when
   * the last panel closes, or after `boundMs` whatever happens.
   */
  firstViewOf(token: string, boundMs = PANEL_FIRST_VIEW_BOUND_MS): Promise<void> {
    if (!this.holdsBack(token)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const check = () => {
        if (!this.holdsBack(token)) done();
      };
      const timer = setTimeout(done, boundMs);
      this.waiters.add(check);
    });
  }

  /** Some panel is open and none has this session's view yet. */
  private holdsBack(token: string): boolean {
    if (this.panels.size === 0) return false;
    for (const held of this.panels.values()) if (held === token) return false;
    return true;
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }
}
