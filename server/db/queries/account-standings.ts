import type { Kysely } from 'kysely';
import type { Role, UserStatus } from '../../../shared/domain.js';
import type { Database } from '../schema.js';

/** What an account is now: its role, status and space, as the start banner describes it. */
export interface AccountStanding {
  email: string;
  role: Role;
  status: UserStatus;
  /** SIRETs of the space for a principal, SIRETs attributed for a secondary. */
  siretCount: number;
  /** For a secondary: the e-mail of their space's principal. */
  principalEmail: string | null;
}

/**
 * The current standing of these accounts (removed ones left out: the address
 * then belongs to nobody). One query whatever the number of accounts.
 */
export async function listAccountStandings(
  db: Kysely<Database>,
  emails: readonly string[],
): Promise<AccountStanding[]> {
  if (emails.length === 0) return [];
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('users as p', (join) =>
      join
        .onRef('p.spaceId', '=', 'u.spaceId')
        .on('p.role', '=', 'principal')
        .on('p.status', '<>', 'removed'),
    )
    .select((eb) => [
      'u.email',
      'u.role',
      'u.status',
      'p.email as principalEmail',
      eb
        .case()
        .when('u.role', '=', 'principal')
        .then(
          eb
            .selectFrom('sirets as s')
            .select(eb.fn.countAll<string>().as('n'))
            .whereRef('s.spaceId', '=', 'u.spaceId'),
        )
        .else(
          eb
            .selectFrom('attributions as a')
            .select(eb.fn.countAll<string>().as('n'))
            .whereRef('a.userId', '=', 'u.id'),
        )
        .end()
        .as('siretCount'),
    ])
    .where(
      'u.email',
      'in',
      emails.map((e) => e.toLowerCase()),
    )
    .where('u.status', '<>', 'removed')
    .execute();
  return rows.map((row) => ({
    email: row.email,
    role: row.role,
    status: row.status,
    siretCount: Number(row.siretCount ?? 0),
    principalEmail: row.role === 'secondary' ? row.principalEmail : null,
  }));
}
