/**
 * A query of every command's path, built and compiled by Kysely once rather
 * than at every run. Building a query tree, the camel-case plugin's copy of it
 * and its compilation cost about a tenth of a command's CPU in the server
 * process (BENCHMARKS.md, "Where the time goes"), for statements whose text
 * never changes: only their values do.
 *
 * The query is built with stand-ins for its values (`slots`) and compiled the
 * first time it runs; each run then sends the same text with the values put
 * where the stand-ins are. A slot can stand only where Kysely takes one value
 * as a parameter (`where(column, '=', slot)`, `${slot}` in `sql`), never for a
 * list that Kysely would spread (`in`), nor be read while building.
 */
import {
  CompiledQuery,
  type Compilable,
  type Kysely,
  type RawBuilder,
  type Transaction,
} from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

class Slot {
  constructor(readonly name: string) {}
}

export type CompiledOnce<P, O> = (db: Db, values: P) => Promise<O[]>;

export function compiledOnce<P extends Record<string, unknown>, O>(
  build: (db: Db, slots: P) => Compilable<O> | RawBuilder<O>,
): CompiledOnce<P, O> {
  let compiled: CompiledQuery<O> | undefined;
  return async (db, values) => {
    compiled ??= compile(db, build(db, slotsFor<P>()));
    const { sql, query } = compiled;
    const parameters = compiled.parameters.map((parameter) =>
      parameter instanceof Slot ? values[parameter.name] : parameter,
    );
    const result = await db.executeQuery<O>({ ...CompiledQuery.raw(sql, parameters), query });
    return result.rows;
  };
}

/** The row a statement that always returns one gave (`returning`, a `with … select`). */
export function onlyRow<O>(rows: readonly O[], statement: string): O {
  const [row] = rows;
  if (row === undefined) throw new Error(`${statement} returned no row`);
  return row;
}

/** A query builder compiles itself; a raw `sql` query, with the executor it is given. */
function compile<O>(db: Db, built: Compilable<O> | RawBuilder<O>): CompiledQuery<O> {
  return 'isRawBuilder' in built ? built.compile(db) : built.compile();
}

function slotsFor<P>(): P {
  return new Proxy({}, { get: (_, name) => new Slot(String(name)) }) as P;
}
