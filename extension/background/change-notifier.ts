/**
 * What the background does with a live change while the panel is closed: one
 * more on the toolbar badge, and a system notification unless the user turned
 * that kind off in « Réglages ». While a panel is open it shows the change
 * itself: no badge, no notification; opening it clears the count.
 */
import type { ServerEvent, Snapshot } from '../../shared/events.js';
import type { NotificationPreferences } from '../lib/notification-preferences.js';
import { showUnreadCount, type ActionLike } from './badge.js';
import { notableChange, notificationKindOf, type NotableChange } from './notable-changes.js';

export interface ChangeNotifierDeps {
  action: ActionLike;
  /** Whether a panel is open now (open-panels.ts keeps the one count). */
  panelOpen(): boolean;
  /** Shows a system notification; `id` is the same for the same event, so never twice. */
  notify(id: string, change: NotableChange): Promise<void>;
  preferences(): Promise<NotificationPreferences>;
  /** The count survives a restart of the worker (session storage). */
  unread: { read(): Promise<number>; write(count: number): Promise<void> };
}

export const NOTIFICATION_ID_PREFIX = 'qrp-change-';

export class ChangeNotifier {
  /** Badge updates run one after another, in the order of the events. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ChangeNotifierDeps) {}

  /** A panel opened: it shows the changes, the count starts again. */
  panelOpened(): Promise<void> {
    return this.setCount(() => 0);
  }

  /** Signed out: nothing left to count. */
  reset(): Promise<void> {
    return this.setCount(() => 0);
  }

  /** Shows the count kept from before a restart of the worker. */
  restore(): Promise<void> {
    return this.setCount((count) => count);
  }

  onEvent(event: ServerEvent, known: Snapshot): Promise<void> {
    if (this.deps.panelOpen() || !notificationKindOf(event, known.me)) return Promise.resolve();
    const counted = this.setCount((count) => count + 1);
    const shown = this.deps
      .preferences()
      .then((preferences) => notableChange(event, known.me, preferences, known))
      .then((change) =>
        change ? this.deps.notify(`${NOTIFICATION_ID_PREFIX}${event.id}`, change) : undefined,
      )
      .catch(() => undefined);
    return Promise.all([counted, shown]).then(() => undefined);
  }

  private setCount(next: (count: number) => number): Promise<void> {
    this.queue = this.queue
      .then(async () => {
        const count = next(await this.deps.unread.read());
        await this.deps.unread.write(count);
        await showUnreadCount(this.deps.action, count);
      })
      .catch(() => undefined);
    return this.queue;
  }
}
