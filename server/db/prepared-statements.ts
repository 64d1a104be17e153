/**
 * The server's statements run as named prepared statements: PostgreSQL then
 * parses and plans each one once per connection instead of at every run,
 * which halves its CPU for a rule's short statements (BENCHMARKS.md, "Where
 * the time goes"). A text always gets the same name, on every connection.
 *
 * Only statements with parameters are named: the others (BEGIN, COMMIT, the
 * migrations) go through the simple protocol, one message each. Past
 * `MAX_NAMED_TEXTS` distinct texts, new texts run unnamed, so that statements
 * built with lists of varying length cannot fill the backends' memory.
 */
import pg from 'pg';

const MAX_NAMED_TEXTS = 2_000;

const names = new Map<string, string>();

function nameOf(text: string): string | undefined {
  const known = names.get(text);
  if (known !== undefined || names.size >= MAX_NAMED_TEXTS) return known;
  const name = `qrp_${names.size + 1}`;
  names.set(text, name);
  return name;
}

/** A `pg` client whose parameterized text queries (Kysely's) run as named prepared statements. */
export class PreparingClient extends pg.Client {
  // pg's `query` is heavily overloaded; Kysely calls it as `query(text, values)`.
  override query(...args: unknown[]): never {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      const name = nameOf(text);
      if (name !== undefined) args = [{ name, text, values }, ...args.slice(2)];
    }
    return (super.query as (...rest: unknown[]) => never)(...args);
  }
}
