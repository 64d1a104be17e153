/**
 * What an event is about, as keys of `event_keys`: every SIRET and e-mail its
 * data names, the users it concerns, and its actor's e-mail (the statement
 * that writes them adds each concerned user's e-mail,
 * db/queries/event-streams.ts). The history's
 * searches (by SIRET, by e-mail) and a secondary's own history walk these
 * keys newest first (db/queries/history.ts). Migration 0006 gave the events
 * stored before it the same keys, from the same fields.
 */
export type EventKey = `siret:${string}` | `email:${string}` | `user:${number}`;

export function eventKeys(draft: { data: unknown }, actorEmail: string | null): EventKey[] {
  const keys = new Set<EventKey>();
  collect(draft.data, keys);
  if (actorEmail) keys.add(`email:${actorEmail.toLowerCase()}`);
  return [...keys];
}

const USER_FIELDS = new Set(['userId', 'formerPrincipalId', 'principalId']);
/** Fields holding a list of SIRETs. */
const SIRET_LISTS = new Set(['sirets', 'attributed', 'withdrawn', 'missingSirets']);
/** Fields holding an e-mail, and lists of e-mails. */
const EMAIL_FIELDS = new Set([
  'email',
  'principalEmail',
  'formerPrincipalEmail',
  'toPrincipalEmail',
]);
const EMAIL_LISTS = new Set(['missingMembers']);

function collect(value: unknown, keys: Set<EventKey>, field?: string): void {
  if (Array.isArray(value)) {
    const itemField =
      field === undefined
        ? undefined
        : SIRET_LISTS.has(field)
          ? 'siret'
          : EMAIL_LISTS.has(field)
            ? 'email'
            : undefined;
    for (const item of value) collect(item, keys, itemField);
    return;
  }
  if (typeof value === 'string') {
    if (field === 'siret') keys.add(`siret:${value}`);
    else if (field !== undefined && EMAIL_FIELDS.has(field))
      keys.add(`email:${value.toLowerCase()}`);
    return;
  }
  if (typeof value === 'number') {
    if (field !== undefined && USER_FIELDS.has(field)) keys.add(`user:${value}`);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  for (const [name, inner] of Object.entries(record)) {
    // A member's id is a user id; other `id`s (dossier, invitation, lock) are not.
    if (name === 'member' && inner && typeof inner === 'object') {
      const id = (inner as { id?: unknown }).id;
      if (typeof id === 'number') keys.add(`user:${id}`);
    }
    collect(inner, keys, name);
  }
}
