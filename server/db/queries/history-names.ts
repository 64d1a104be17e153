/** What a history page names by id: e-mails of users and invitations, references of dossiers. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface NamesById {
  users: Map<number, string>;
  invitations: Map<number, string>;
  dossiers: Map<number, string>;
}

/** One statement for the whole page, whatever it names. */
export async function findNamesById(
  db: Kysely<Database>,
  ids: { users: number[]; invitations: number[]; dossiers: number[] },
): Promise<NamesById> {
  const names: NamesById = { users: new Map(), invitations: new Map(), dossiers: new Map() };
  if (ids.users.length + ids.invitations.length + ids.dossiers.length === 0) return names;
  const { rows } = await sql<{ kind: keyof NamesById; id: number; name: string }>`
    select 'users' as kind, id, email as name from users where id = any(${ids.users}::int[])
    union all
    select 'invitations', id, email from invitations where id = any(${ids.invitations}::int[])
    union all
    select 'dossiers', id, reference from dossiers where id = any(${ids.dossiers}::int[])`.execute(
    db,
  );
  for (const row of rows) names[row.kind].set(row.id, row.name);
  return names;
}
