/**
 * docs/api.md and docs/domain.md are the contract a newcomer checks the code
 * against: they must say what the code does. Each list below is read from the
 * code itself (the route registry, `ERRORS`, the `EventPayloads` interface,
 * the environment `configFromEnv` reads), so a route, a code, an event or a
 * setting added without its documentation fails here, and so does a comment
 * citing a rule or a section the docs do not have.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Kysely } from 'kysely';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { EPHEMERAL_EVENT_TYPES } from '../../shared/events.js';
import { ERRORS, type ErrorCode } from '../../shared/errors.js';
import { configFromEnv, type RateLimitRule } from '../../server/config.js';
import type { Database } from '../../server/db/schema.js';
import { API_BASE, createApp } from '../../server/http/create-app.js';
import { createLogger } from '../../server/logger.js';
import type { Mailer } from '../../server/mail/mailer.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const API_DOC = read('docs/api.md');
const DOMAIN_DOC = read('docs/domain.md');
const README = read('README.md');

/** The registry as the server builds it; declaring routes touches neither database nor mailer. */
function routeRegistry() {
  const rule: RateLimitRule = { max: 1, windowMs: 1 };
  const { registry } = createApp({
    db: {} as Kysely<Database>,
    config: {
      publicUrl: 'http://localhost:8787',
      allowedOrigins: [],
      rateLimits: {
        loginFailuresPerAddress: rule,
        loginFailuresPerEmailAndAddress: rule,
        loginFailuresPerEmail: { ...rule, delayMs: 0 },
        signupPerEmail: rule,
        signupPerAddress: rule,
        invitationFailuresPerAddress: rule,
      },
    },
    mailer: {} as Mailer,
    logger: createLogger({ level: 'silent' }),
    realtime: { publish: () => {}, endSession: () => {}, online: async () => [] },
  });
  return registry;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Markdown sections: each heading with the text up to the next heading. */
function sections(markdown: string): { heading: string; level: number; body: string }[] {
  const found: { heading: string; level: number; body: string }[] = [];
  for (const line of markdown.split('\n')) {
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) found.push({ heading: heading[2]!, level: heading[1]!.length, body: '' });
    else if (found.length > 0) found.at(-1)!.body += `${line}\n`;
  }
  return found;
}

/** The first cells of the table rows of `markdown` that start with a backticked word. */
function tableRows(markdown: string): { key: string; cells: string[] }[] {
  const rows: { key: string; cells: string[] }[] = [];
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((cell) => cell.trim());
    const key = /^`([^`]+)`$/.exec(cells[0] ?? '');
    if (key) rows.push({ key: key[1]!, cells });
  }
  return rows;
}

/** The keys of the `EventPayloads` interface of shared/events.ts, read by the compiler. */
function eventTypes(): string[] {
  const file = ts.createSourceFile(
    'events.ts',
    read('shared/events.ts'),
    ts.ScriptTarget.Latest,
    true,
  );
  const types: string[] = [];
  file.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== 'EventPayloads') return;
    for (const member of node.members) {
      if (member.name && (ts.isStringLiteral(member.name) || ts.isIdentifier(member.name))) {
        types.push(member.name.text);
      }
    }
  });
  return types;
}

/**
 * Every variable `configFromEnv` reads: those it asks for when given an empty
 * environment (through any helper), and those its source names, should a read
 * happen only on some branch.
 */
function configEnvironmentVariables(): string[] {
  const asked = new Set<string>();
  const env = new Proxy({} as NodeJS.ProcessEnv, {
    get(_target, name) {
      if (typeof name === 'string') asked.add(name);
      return undefined;
    },
  });
  try {
    configFromEnv(env);
  } catch {
    // A setting required some day: what was asked before it is still read.
  }
  const source = read('server/config.ts');
  for (const match of source.matchAll(
    /\benv(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g,
  )) {
    asked.add((match[1] ?? match[2])!);
  }
  return [...asked].filter((name) => /^[A-Z][A-Z0-9_]*$/.test(name)).sort();
}

const SOURCE_DIRS = ['server', 'shared', 'extension', 'tests', 'scripts', 'docs'];
const SOURCE_FILE = /\.(ts|tsx|js|mjs|md)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.output', '.wxt', 'dist', 'data']);

/** The project's own source and documentation files, as paths from the root. */
function projectFiles(): string[] {
  const files = readdirSync(ROOT).filter((name) => name.endsWith('.md'));
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path);
      } else if (SOURCE_FILE.test(entry.name)) {
        files.push(relative(ROOT, join(ROOT, path)));
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return files.sort();
}

/** Comment markers and line breaks between words of a citation that spans lines. */
const GAP = String.raw`(?:[\s*/#]|\n)*`;

describe('the contract documents', () => {
  const files = projectFiles().map((path) => ({ path, text: read(path) }));

  it('describe every route of the HTTP registry as METHOD /api/v1/path, with its access', () => {
    const registry = routeRegistry();
    expect(registry.length).toBeGreaterThan(0);
    const routeSections = sections(API_DOC);
    const problems: string[] = [];
    for (const spec of registry) {
      const route = `${spec.method.toUpperCase()} ${API_BASE}${spec.path}`;
      // A path is not documented by a longer one (`/cession` by `/cession/check`).
      const named = new RegExp(`${escapeRegExp(route)}(?![\\w/:.-])`);
      if (!named.test(API_DOC)) {
        problems.push(`${route}: not in docs/api.md`);
        continue;
      }
      const section = routeSections.find((s) =>
        new RegExp(`^\`${escapeRegExp(route)}\`$`).test(s.heading),
      );
      if (!section) problems.push(`${route}: no heading of its own in docs/api.md`);
      else if (!section.body.replace(/\s+/g, ' ').includes(`Access \`${spec.access}\``)) {
        problems.push(`${route}: its section does not say "Access \`${spec.access}\`"`);
      }
    }
    const declared = new Set(registry.map((s) => `${s.method.toUpperCase()} ${API_BASE}${s.path}`));
    for (const { heading } of routeSections) {
      const route = /^`((?:GET|POST|PUT|PATCH|DELETE) \/api\/v1\/\S*)`$/.exec(heading)?.[1];
      if (route && !declared.has(route)) problems.push(`${route}: documented, but no such route`);
    }
    expect(problems).toEqual([]);
  });

  it('give every error code of shared/errors.ts with its status and its French message', () => {
    const rows = new Map(tableRows(API_DOC).map((row) => [row.key, row.cells]));
    const problems: string[] = [];
    for (const [code, { status, message }] of Object.entries(ERRORS)) {
      const cells = rows.get(code);
      if (!cells) problems.push(`${code}: not in the error table of docs/api.md`);
      else if (cells[1] !== String(status) || cells[2] !== message) {
        problems.push(`${code}: docs/api.md says ${cells[1]} « ${cells[2]} »`);
      }
    }
    const errorTable = sections(API_DOC).find((s) => s.heading === 'Errors')?.body ?? '';
    for (const { key } of tableRows(errorTable)) {
      if (!Object.hasOwn(ERRORS, key)) problems.push(`${key}: documented, but no such code`);
    }
    expect(problems).toEqual([]);
  });

  it('quote in docs/domain.md the messages of shared/errors.ts word for word', () => {
    // Rows of a code, its status and its message (other tables have other columns).
    const quoted = tableRows(DOMAIN_DOC).filter((row) => /^\d{3}$/.test(row.cells[1] ?? ''));
    expect(quoted.length).toBeGreaterThan(0);
    const problems = quoted.flatMap(({ key, cells }) => {
      if (!Object.hasOwn(ERRORS, key)) return [`${key}: no such code`];
      const { status, message } = ERRORS[key as ErrorCode];
      return cells[1] === String(status) && cells[2] === message
        ? []
        : [`${key}: docs/domain.md says ${cells[1]} « ${cells[2]} »`];
    });
    expect(problems).toEqual([]);
  });

  it('describe every event type of shared/events.ts, the ephemeral ones with id 0', () => {
    const types = eventTypes();
    expect(types).toEqual(expect.arrayContaining(['siret.added', 'hidden', 'presence.changed']));
    const eventSection = sections(API_DOC).find((s) => s.heading === '`event`')?.body ?? '';
    const rows = new Map(tableRows(eventSection).map((row) => [row.key, row.cells.join(' | ')]));
    const problems: string[] = [];
    for (const type of types) {
      const row = rows.get(type);
      if (!row) problems.push(`${type}: not in the event table of docs/api.md`);
      else if (
        (EPHEMERAL_EVENT_TYPES as readonly string[]).includes(type) &&
        !row.includes('id 0')
      ) {
        problems.push(`${type}: ephemeral, but its row does not say "id 0"`);
      }
    }
    for (const key of rows.keys()) {
      if (!types.includes(key)) problems.push(`${key}: documented, but no such event type`);
    }
    expect(problems).toEqual([]);
  });

  it('describe every environment variable the server reads, in docs/api.md and README.md', () => {
    const variables = configEnvironmentVariables();
    expect(variables).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL']));
    const missing = variables.flatMap((name) =>
      [
        ['docs/api.md', API_DOC],
        ['README.md', README],
      ]
        .filter(([, doc]) => !doc!.includes(`\`${name}\``))
        .map(([file]) => `${name}: not in ${file}`),
    );
    expect(missing).toEqual([]);
  });

  it('have every rule that a "docs/domain.md rule N" citation refers to', () => {
    const rules = new Set(
      [...DOMAIN_DOC.matchAll(/^### Rule (\d+) /gm)].map((match) => Number(match[1])),
    );
    expect([...rules].sort()).toEqual([1, 2, 3, 4, 5]);
    const citation = new RegExp(
      String.raw`docs/domain\.md${GAP}[,(]?${GAP}rules?${GAP}(\d+(?:${GAP}(?:,|and|et)${GAP}\d+)*)`,
      'g',
    );
    const cited: string[] = [];
    const problems: string[] = [];
    for (const { path, text } of files) {
      for (const match of text.matchAll(citation)) {
        for (const n of match[1]!.match(/\d+/g)!) {
          cited.push(`${path}: rule ${n}`);
          if (!rules.has(Number(n))) problems.push(`${path} cites rule ${n}, which does not exist`);
        }
      }
    }
    // The rules are cited from their use cases (server/rules/*.ts): the scan finds them.
    expect(cited.filter((c) => c.startsWith('server/rules/')).length).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  it('have every section that a citation names in quotes', () => {
    const headings = {
      'docs/domain.md': sections(DOMAIN_DOC).map((s) => s.heading),
      'docs/api.md': sections(API_DOC).map((s) => s.heading),
    };
    const citation = new RegExp(
      String.raw`(docs/(?:domain|api)\.md)${GAP}[,(]?${GAP}"([^"]{1,100})"`,
      'g',
    );
    const problems: string[] = [];
    for (const { path, text } of files) {
      for (const match of text.matchAll(citation)) {
        const doc = match[1] as keyof typeof headings;
        // A quoted name may be wrapped over lines (and comment markers) like any text.
        const name = match[2]!.replace(/\s*\n[\s*/#]*/g, ' ').trim();
        if (!headings[doc].some((heading) => heading.includes(name))) {
          problems.push(`${path} cites ${doc} "${name}", which has no such section`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('are the ones the code cites, not documents outside the repository', () => {
    const outside = /\b(?:DOMAIN|API)\.md\b/;
    const citing = files.filter(({ text }) => outside.test(text)).map(({ path }) => path);
    expect(citing).toEqual([]);
  });
});
