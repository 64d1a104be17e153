import { useStore } from './store-context.js';

/** Reads out, politely, what others changed in the live view. */
export function LiveAnnouncer() {
  const store = useStore();
  return (
    <div class="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="live-announcer">
      {store.announcement.value}
    </div>
  );
}
