/**
 * « Historique » (docs/domain.md): a page of events as sentences, newest
 * first, for the caller's own view or, for support, over every space. Each
 * event is projected for the viewer (shared/visibility.ts) before it is put
 * in words, so a page says no more than the viewer's live panel would.
 */
import type { Kysely } from 'kysely';
import type { ServerEvent } from '../../shared/events.js';
import type { HistoryPageView } from '../../shared/views.js';
import { historyText, type HistoryNames } from '../../shared/history-text.js';
import { eventAsSeenBy, type Onlooker } from '../../shared/visibility.js';
import { findNamesById } from '../db/queries/history-names.js';
import {
  readSecondaryHistory,
  readStreamHistory,
  searchHistory,
  type HistoryRow,
  type HistorySearch,
} from '../db/queries/history.js';
import type { Database } from '../db/schema.js';
import { spaceStream } from '../events/append-events.js';
import { recordOfRow } from '../events/stream-record.js';
import { findJoinPosition } from '../realtime/join-position.js';

/**
 * The entry's `id` is the page cursor: the event's place in the space's stream
 * for a member, its number over every stream for support.
 */
type HistoryPage = HistoryPageView;

export async function readMemberHistory(
  db: Kysely<Database>,
  viewer: Onlooker & { spaceId: number },
  page: { before: number | null; limit: number },
): Promise<HistoryPage> {
  const joinedAt = await findJoinPosition(db, viewer);
  const cursor = {
    stream: spaceStream(viewer.spaceId),
    fromSeq: joinedAt,
    beforeSeq: page.before,
    limit: page.limit,
  };
  const rows =
    viewer.role === 'principal'
      ? await readStreamHistory(db, cursor)
      : await readSecondaryHistory(db, { ...cursor, userId: viewer.userId });
  return toPage(
    db,
    rows,
    page.limit,
    (row) => row.seq,
    (row) => eventAsSeenBy(viewer, recordOfRow(row), joinedAt),
  );
}

export async function readSupportHistory(
  db: Kysely<Database>,
  viewer: Onlooker,
  search: HistorySearch,
): Promise<HistoryPage> {
  const rows = await searchHistory(db, search);
  return toPage(
    db,
    rows,
    search.limit,
    (row) => row.id,
    (row) => eventAsSeenBy(viewer, recordOfRow(row)),
  );
}

/**
 * The support desk's page of one space (a dissolved one too): its stream's
 * latest changes, as support sees them. The entry's `id` is the event's number
 * over every stream, as in the support's history.
 */
export async function readSpaceHistoryForSupport(
  db: Kysely<Database>,
  viewer: Onlooker,
  spaceId: number,
  limit: number,
): Promise<HistoryPage> {
  const rows = await readStreamHistory(db, {
    stream: spaceStream(spaceId),
    fromSeq: 0,
    beforeSeq: null,
    limit,
  });
  return toPage(
    db,
    rows,
    limit,
    (row) => row.id,
    (row) => eventAsSeenBy(viewer, recordOfRow(row)),
  );
}

async function toPage(
  db: Kysely<Database>,
  rows: HistoryRow[],
  limit: number,
  cursorOf: (row: HistoryRow) => number,
  project: (row: HistoryRow) => ServerEvent,
): Promise<HistoryPage> {
  const shown = rows.slice(0, limit);
  const seen = shown
    .map((row) => ({ row, event: project(row) }))
    .filter((item) => item.event.type !== 'hidden');
  const names = await namesOf(
    db,
    seen.map((item) => item.event),
  );
  const entries = seen.map(({ row, event }) => ({
    id: cursorOf(row),
    at: event.at,
    type: row.type,
    actor: { email: event.actor?.email ?? null, role: event.actor?.role ?? 'system' },
    text: historyText(event, names),
  }));
  const last = shown.at(-1);
  return { entries, next: rows.length > limit && last ? cursorOf(last) : null };
}

/** The e-mails and references the page's sentences need, looked up together. */
async function namesOf(db: Kysely<Database>, events: ServerEvent[]): Promise<HistoryNames> {
  const users = new Set<number>();
  const invitations = new Set<number>();
  const dossiers = new Set<number>();
  for (const event of events) {
    const data = event.data as { userId?: unknown; invitationId?: unknown; dossierId?: unknown };
    if (typeof data.userId === 'number') users.add(data.userId);
    if (typeof data.invitationId === 'number') invitations.add(data.invitationId);
    if (typeof data.dossierId === 'number') dossiers.add(data.dossierId);
  }
  const names = await findNamesById(db, {
    users: [...users],
    invitations: [...invitations],
    dossiers: [...dossiers],
  });
  return {
    userEmail: (id) => names.users.get(id),
    invitationEmail: (id) => names.invitations.get(id),
    dossierReference: (id) => names.dossiers.get(id),
  };
}
