/**
 * docs/domain.md rule 4, « Importer les attributions »: the principal sends back
 * the export of the attributions (GET /attributions.csv), edited in a
 * spreadsheet. Every secondary the file names ends up holding exactly the
 * SIRETs of their lines; an unknown address is invited with its SIRETs. All or
 * nothing: one wrong line and nothing is written.
 */
import type { Transaction } from 'kysely';
import { ERRORS, type ImportLineError } from '../../shared/errors.js';
import { plural } from '../../shared/french-format.js';
import { emailSchema } from '../../shared/schemas.js';
import { parseSiret, siretProblem } from '../../shared/siret.js';
import type { Database, User } from '../db/schema.js';
import type { IssuedInvitation } from '../db/queries/invitations.js';
import { findAccountsByEmails } from '../db/queries/users.js';
import { readSiretsOfUsers, readSiretsOwnedBySpace } from '../db/queries/bulk-attributions.js';
import { appendEvents, type EventDraft, type StoredEvent } from '../events/append-events.js';
import { actorOfUser } from '../events/event-actor.js';
import { FORMULA_START } from '../http/csv-file.js';
import type { CsvRow } from '../http/read-csv.js';
import { lockActorSpace, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';
import { inviteSecondary } from './shared/invite-secondary.js';
import { writeAttributions, type AttributionTarget } from './shared/attribution-writes.js';

/** The columns of the export, in its order. */
export const ATTRIBUTIONS_HEADER = ['Adresse email', 'Statut utilisateur', 'SIRET'] as const;

export const IMPORT_MESSAGES = {
  emptyFile: `Le fichier est vide : il doit commencer par l’en-tête « ${ATTRIBUTIONS_HEADER.join(';')} ».`,
  header: `La première ligne doit être l’en-tête « ${ATTRIBUTIONS_HEADER.join(';')} » (ou déjà une ligne d’attribution).`,
  cells: (count: number) =>
    `La ligne doit compter 3 colonnes (Adresse email, Statut utilisateur, SIRET) : elle en compte ${count}.`,
  duplicate: (line: number) =>
    `Ligne en double : même adresse e-mail et même SIRET qu’à la ligne ${line}.`,
  ownAddress:
    'C’est votre propre adresse : l’utilisateur principal gère tous les SIRETs de l’espace, il ne reçoit pas d’attribution.',
  emailUsed: ERRORS.EMAIL_ALREADY_USED.message,
  removed:
    'Ce compte a été supprimé : pour redonner l’accès à cette personne, enregistrez-la à nouveau (« Enregistrer nouvel utilisateur secondaire »).',
  siretNotInSpace: ERRORS.SIRET_NOT_IN_SPACE.message,
} as const;

export interface AttributionPairByEmail {
  email: string;
  siret: string;
}

export interface ImportPlan {
  add: AttributionPairByEmail[];
  remove: AttributionPairByEmail[];
  invite: string[];
  errors: ImportLineError[];
}

export interface ImportAttributionsResult extends ImportPlan {
  applied: boolean;
  events: StoredEvent[];
  /** Hold the clear tokens: e-mail them after commit, never log or store them. */
  invitations: IssuedInvitation[];
}

/** A data line as read: its e-mail and SIRET (null when the cell is empty). */
interface ImportLine {
  line: number;
  email: string;
  siret: string | null;
}

/**
 * Plans the file against the space's committed state, under the space's lock,
 * and applies it unless `dryRun` or a line is wrong. A wrong line without
 * `dryRun` refuses the whole file with `ATTRIBUTIONS_IMPORT_INVALID`, listing
 * every wrong line.
 */
export async function importAttributions(
  trx: Transaction<Database>,
  actor: Actor,
  input: { rows: readonly CsvRow[]; dryRun: boolean; now?: Date },
): Promise<ImportAttributionsResult> {
  // Taken first: a concurrent change to the space waits, and what is read below
  // stays true until commit.
  const { user: principal, spaceId } = await lockActorSpace(trx, actor, 'principal');
  const errors: ImportLineError[] = [];
  const lines = readLines(input.rows, errors);

  const emails = [...new Set(lines.map((l) => l.email))];
  const sirets = [...new Set(lines.flatMap((l) => (l.siret === null ? [] : [l.siret])))];
  const accounts = await findAccountsByEmails(trx, emails);
  const owned = await readSiretsOwnedBySpace(trx, spaceId, sirets);

  const members = new Map<string, { id: number }>();
  const refusedEmails = new Map<string, string>();
  const invited: string[] = [];
  const accountsByEmail = new Map<string, typeof accounts>();
  for (const account of accounts) {
    accountsByEmail.set(account.email, [...(accountsByEmail.get(account.email) ?? []), account]);
  }
  for (const email of emails) {
    const holders = accountsByEmail.get(email) ?? [];
    // At most one account holding an address is not removed (unique index).
    const live = holders.find((a) => a.status !== 'removed');
    if (live?.id === principal.id) refusedEmails.set(email, IMPORT_MESSAGES.ownAddress);
    else if (live && live.spaceId === spaceId && live.role === 'secondary')
      members.set(email, live);
    else if (live) refusedEmails.set(email, IMPORT_MESSAGES.emailUsed);
    else if (holders.some((a) => a.spaceId === spaceId))
      refusedEmails.set(email, IMPORT_MESSAGES.removed);
    else invited.push(email);
  }

  const memberIds = [...members.values()].map((m) => m.id);
  const current = await readSiretsOfUsers(trx, memberIds);

  // What the file wants each address to hold, from its good lines.
  const wanted = new Map<string, Set<string>>();
  const firstLine = new Map<string, number>();
  for (const { line, email, siret } of lines) {
    const refusal = refusedEmails.get(email);
    if (refusal) {
      errors.push({ line, message: refusal });
      continue;
    }
    if (!wanted.has(email)) wanted.set(email, new Set());
    if (siret === null) continue;
    const key = `${email};${siret}`;
    const seen = firstLine.get(key);
    if (seen !== undefined) {
      errors.push({ line, message: IMPORT_MESSAGES.duplicate(seen) });
      continue;
    }
    firstLine.set(key, line);
    if (!owned.has(siret)) {
      errors.push({ line, message: IMPORT_MESSAGES.siretNotInSpace });
      continue;
    }
    wanted.get(email)!.add(siret);
  }

  const add: AttributionPairByEmail[] = [];
  const remove: AttributionPairByEmail[] = [];
  const targets: (AttributionTarget & { invited: boolean })[] = [];
  for (const [email, sirets] of wanted) {
    const member = members.get(email);
    const held = member ? (current.get(member.id) ?? []) : [];
    const heldSet = new Set(held);
    for (const siret of sirets) if (!heldSet.has(siret)) add.push({ email, siret });
    for (const siret of held) if (!sirets.has(siret)) remove.push({ email, siret });
    targets.push({
      id: member?.id ?? 0,
      email,
      current: held,
      wanted: [...sirets],
      invited: !member,
    });
  }
  errors.sort((a, b) => a.line - b.line);
  const plan: ImportPlan = {
    add: add.sort(byEmailThenSiret),
    remove: remove.sort(byEmailThenSiret),
    invite: invited.sort(),
    errors,
  };

  if (errors.length > 0 && !input.dryRun) {
    throw new DomainError('ATTRIBUTIONS_IMPORT_INVALID', {
      message: `Le fichier contient ${plural(errors.length, 'erreur', 'erreurs')} : rien n’a été importé.`,
      details: { lines: errors },
    });
  }
  if (input.dryRun || errors.length > 0) {
    return { ...plan, applied: false, events: [], invitations: [] };
  }

  const {
    events: inviteEvents,
    invitations,
    ids,
  } = await inviteSecondaries(trx, principal, spaceId, plan.invite, input.now ?? new Date());
  for (const target of targets) if (target.invited) target.id = ids.get(target.email)!;
  const { events: attributionEvents } = await writeAttributions(trx, {
    spaceId,
    principal,
    targets: targets.map(({ id, email, current, wanted }) => ({ id, email, current, wanted })),
  });
  return {
    ...plan,
    applied: true,
    events: [...inviteEvents, ...attributionEvents],
    invitations,
  };
}

/**
 * The data lines of the file, each checked on its own (header, cells, e-mail,
 * SIRET); a wrong line goes to `errors` and is left out.
 */
function readLines(rows: readonly CsvRow[], errors: ImportLineError[]): ImportLine[] {
  if (rows.length === 0) {
    errors.push({ line: 1, message: IMPORT_MESSAGES.emptyFile });
    return [];
  }
  const [first] = rows;
  // A file may start with its data: its first cell is then an address.
  const headerless = first!.cells[0]?.includes('@') ?? false;
  if (!headerless && !isHeader(first!.cells)) {
    errors.push({ line: first!.line, message: IMPORT_MESSAGES.header });
  }
  const lines: ImportLine[] = [];
  for (const row of headerless ? rows : rows.slice(1)) {
    // A blank line in the middle of the file says nothing.
    if (row.cells.every((cell) => cell.trim() === '')) continue;
    const cells = withoutTrailingEmptyCells(row.cells, ATTRIBUTIONS_HEADER.length);
    if (cells.length !== 3) {
      errors.push({ line: row.line, message: IMPORT_MESSAGES.cells(cells.length) });
      continue;
    }
    const email = emailSchema.safeParse(unguarded(cells[0]!));
    if (!email.success) {
      errors.push({ line: row.line, message: email.error.issues[0]!.message });
      continue;
    }
    const siretCell = unguarded(cells[2]!).replace(/^'/, '').trim();
    if (siretCell === '') {
      lines.push({ line: row.line, email: email.data, siret: null });
      continue;
    }
    const problem = siretProblem(siretCell);
    if (problem) {
      errors.push({ line: row.line, message: problem });
      continue;
    }
    lines.push({ line: row.line, email: email.data, siret: parseSiret(siretCell)! });
  }
  return lines;
}

/** Header cells compared without case, accents or extra spaces. */
function isHeader(cells: readonly string[]): boolean {
  const seen = withoutTrailingEmptyCells(cells, ATTRIBUTIONS_HEADER.length).map(normalizeLabel);
  return (
    seen.length === ATTRIBUTIONS_HEADER.length &&
    ATTRIBUTIONS_HEADER.every((label, i) => seen[i] === normalizeLabel(label))
  );
}

function normalizeLabel(label: string): string {
  return label
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .trim();
}

/** Empty cells after the `columns` first ones: a spreadsheet may save a wider sheet. */
function withoutTrailingEmptyCells(cells: readonly string[], columns: number): string[] {
  let end = cells.length;
  while (end > columns && cells[end - 1]!.trim() === '') end--;
  return cells.slice(0, end);
}

/** The export prefixes a cell that a spreadsheet would run (csv-file.ts) with `'`: undo it. */
function unguarded(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

function byEmailThenSiret(a: AttributionPairByEmail, b: AttributionPairByEmail): number {
  if (a.email !== b.email) return a.email < b.email ? -1 : 1;
  return a.siret < b.siret ? -1 : a.siret > b.siret ? 1 : 0;
}

/**
 * Creates each invited address as a pending secondary with its invitation, the
 * way « Enregistrer nouvel utilisateur secondaire » does (add-secondary.ts),
 * and writes their events together.
 */
async function inviteSecondaries(
  trx: Transaction<Database>,
  principal: User,
  spaceId: number,
  emails: readonly string[],
  now: Date,
): Promise<{ events: StoredEvent[]; invitations: IssuedInvitation[]; ids: Map<string, number> }> {
  const drafts: EventDraft[] = [];
  const invitations: IssuedInvitation[] = [];
  const ids = new Map<string, number>();
  for (const email of emails) {
    const invited = await inviteSecondary(trx, { principal, spaceId, email, now });
    ids.set(email, invited.user.id);
    invitations.push(invited.invitation);
    drafts.push(...invited.drafts);
  }
  const events = await appendEvents(trx, drafts, actorOfUser(principal));
  return { events, invitations, ids };
}
