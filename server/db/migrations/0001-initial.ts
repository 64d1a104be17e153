import { sql, type Kysely } from 'kysely';

// Migrations receive an untyped Kysely: a migration describes the schema as it was then.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('spaces')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('dissolved_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().check(sql`email = lower(email)`))
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('principal', 'secondary', 'admin')`),
    )
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'active', 'removed')`),
    )
    .addColumn('password_hash', 'text')
    .addColumn('org_id', 'integer', (c) => c.references('spaces.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('users_admin_has_no_space', sql`(role = 'admin') = (org_id is null)`)
    .execute();
  // docs/domain.md: a person (e-mail, case-insensitive) is in at most one space.
  await sql`create unique index users_email_unique on users (email) where status <> 'removed'`.execute(
    db,
  );
  // docs/domain.md: a space has exactly one principal.
  await sql`create unique index users_one_principal_per_space on users (org_id) where role = 'principal' and status <> 'removed'`.execute(
    db,
  );
  await db.schema.createIndex('users_org_id').on('users').column('org_id').execute();

  await db.schema
    .createTable('sirets')
    .addColumn('siret', 'char(14)', (c) => c.primaryKey().check(sql`siret ~ '^[0-9]{14}$'`))
    .addColumn('org_id', 'integer', (c) => c.notNull().references('spaces.id'))
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('sirets_org_id').on('sirets').column('org_id').execute();

  await db.schema
    .createTable('attributions')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('siret', 'char(14)', (c) =>
      c.notNull().references('sirets.siret').onDelete('cascade'),
    )
    .addColumn('attributed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('attributions_pk', ['user_id', 'siret'])
    .execute();
  await db.schema.createIndex('attributions_siret').on('attributions').column('siret').execute();

  await db.schema
    .createTable('dossiers')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('siret', 'char(14)', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('AT', 'MP')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('completer_dossier', 'consultation', 'cloture')`),
    )
    .addColumn('unlock_code_hash', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'date', (c) => c.notNull())
    .addColumn('due_at', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('dossiers_siret').on('dossiers').column('siret').execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('org_id', 'integer', (c) => c.notNull().references('spaces.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('invited_by_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'accepted', 'expired', 'revoked')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('invitations_user_id').on('invitations').column('user_id').execute();
  await sql`create index invitations_pending_expiry on invitations (expires_at) where status = 'pending'`.execute(
    db,
  );

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('failed_attempts')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) =>
      c.notNull().check(sql`scope in ('signup', 'add_siret', 'cession')`),
    )
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('siret', 'char(14)')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('failed_attempts_scope_subject', ['scope', 'subject'])
    .execute();
  await db.schema
    .createIndex('failed_attempts_user_id')
    .on('failed_attempts')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('event_streams')
    .addColumn('stream', 'text', (c) => c.primaryKey())
    .addColumn('head', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('stream', 'text', (c) => c.notNull().references('event_streams.stream'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('audience', sql`integer[]`)
    .addPrimaryKeyConstraint('events_pk', ['stream', 'seq'])
    .execute();

  // Used by @socket.io/postgres-adapter for payloads too large for NOTIFY; created
  // here so that two nodes starting at once never race to create it.
  await sql`
    create table if not exists socket_io_attachments (
      id bigserial unique,
      created_at timestamptz default now(),
      payload bytea
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'socket_io_attachments',
    'events',
    'event_streams',
    'rate_limits',
    'failed_attempts',
    'sessions',
    'invitations',
    'dossiers',
    'attributions',
    'sirets',
    'users',
    'spaces',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
