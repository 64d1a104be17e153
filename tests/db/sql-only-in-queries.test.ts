/**
 * SQL lives only under `server/db/queries/` (ARCHITECTURE.md, "Layers"): every
 * other server module calls a query function named for what it does. This
 * reads each of them and names the file and line of any statement built or run
 * there. It parses the code rather than matching text, so a comment may speak
 * of a query, and `sql<T>` or a builder split over lines is still seen.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SERVER = join(ROOT, 'server');
const ALLOWED = [join(SERVER, 'db', 'queries') + sep, join(SERVER, 'db', 'migrations') + sep];

/** Where a statement starts: the builder's entries, and running a built query. */
const BUILDER_ENTRIES = new Set(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom']);

function serverModules(): string[] {
  return readdirSync(SERVER, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts'))
    .map((path) => join(SERVER, path))
    .filter((path) => !ALLOWED.some((dir) => path.startsWith(dir)));
}

/** `db.transaction()…execute(work)` runs a transaction, not a statement; so does a connection's. */
function runsTransactionOrConnection(call: ts.CallExpression): boolean {
  let node: ts.Expression = call.expression;
  while (ts.isPropertyAccessExpression(node) || ts.isCallExpression(node)) {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ['transaction', 'connection'].includes(node.expression.name.text)
    ) {
      return true;
    }
    node = ts.isCallExpression(node) ? node.expression : node.expression;
  }
  return false;
}

/** `file:line: code` for each statement the module builds or runs itself. */
function statementsIn(path: string): string[] {
  const source = ts.createSourceFile(
    path,
    readFileSync(path, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const found: string[] = [];
  const report = (at: ts.Node, what: string) => {
    const { line } = source.getLineAndCharacterOfPosition(at.getStart(source));
    found.push(`${relative(ROOT, path)}:${line + 1}: ${what}`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isTaggedTemplateExpression(node) && node.tag.getText(source) === 'sql') {
      return report(node, 'sql`…`');
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.name)
    ) {
      const name = node.expression.name.text;
      const target = node.expression.expression;
      if (
        BUILDER_ENTRIES.has(name) ||
        (name === 'execute' && !runsTransactionOrConnection(node)) ||
        (ts.isIdentifier(target) && target.text === 'sql')
      ) {
        return report(
          node.expression.name,
          `${target.getText(source) === 'sql' ? 'sql' : ''}.${name}(…)`,
        );
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

it('runs no SQL in server modules outside server/db/queries and server/db/migrations', () => {
  const modules = serverModules();
  expect(modules.length).toBeGreaterThan(0);
  expect(modules.flatMap(statementsIn)).toEqual([]);
});
