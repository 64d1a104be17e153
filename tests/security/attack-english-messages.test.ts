/**
 * A client sends what the panel's forms never would: numbers out of range,
 * wrong types, unknown fields, bad socket handshakes, unknown namespaces and
 * transports. Whatever the way in, every message that comes back is French,
 * with field names a person can read: none of the libraries' own English
 * (zod's "Too big: expected number to be <=100", Engine.IO's "Transport
 * unknown", Socket.IO's "Invalid namespace") reaches a client. Real HTTP and
 * real sockets on a real port; fixed seeds keep every run the same.
 */
import fc from 'fast-check';
import { io } from 'socket.io-client';
import { z } from 'zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ERRORS, isErrorCode } from '../../shared/errors.js';
import type { RouteRegistry } from '../../server/http/define-route.js';
import { FIELD_LABELS } from '../../server/http/french-validation.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createRouteCheckWorld, type RouteCheckWorld } from '../support/route-check-world.js';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.js';
import { rawRequest, type RawResponse } from './support/fuzz-raw-http.js';
import { reportSecuritySummary } from './support/security-summary.js';

type Spec = RouteRegistry[number];

const SEED = 20_261_204;
const NUM_RUNS = 160;

/** Words of the libraries' English messages; none is a French word. */
const ENGLISH =
  /\b(invalid|expected|too big|too small|required|must|received|unrecognized|string|number|input|characters?|should|unknown|bad|forbidden|unsupported|namespace|not found|error|allowed|request|method|key|array|boolean|undefined|object|value)\b/i;
/** At least one French word or accent: a message that is only a code is not a sentence. */
const FRENCH = /[éèàêçù]|\b(le|la|les|de|du|des|un|une|est|doit|pas)\b|\b[ldn]'/i;

/**
 * Why a message is not French, or null. What the client sent itself (an
 * unknown field's name, quoted back) is not the server's wording: it is taken
 * out before the check.
 */
function notFrench(message: unknown, echoed: readonly string[] = []): string | null {
  if (typeof message !== 'string' || message.trim() === '') return 'no message';
  let own = message;
  for (const text of echoed) if (text.length > 0) own = own.split(`« ${text} »`).join('« »');
  const english = ENGLISH.exec(own);
  if (english) return `English word « ${english[0]} »`;
  if (!FRENCH.test(own)) return 'no French word';
  return null;
}

function expectFrench(message: unknown, what: string, echoed: readonly string[] = []): void {
  expect(notFrench(message, echoed), `${what}: ${JSON.stringify(message)}`).toBeNull();
}

/** Field names a schema knows, from its JSON Schema (what a client reads in the OpenAPI). */
function fieldsOf(schema: z.ZodType | undefined): string[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
  };
  return Object.keys(json.properties ?? {});
}

describeOnEachDatabase('messages a client receives', (getHandle, kind) => {
  let server: InProcessServer;
  let world: RouteCheckWorld;
  const counts = { requests: 0, refusals: 0, distinctMessages: 0, notFrench: 0 };
  const messages = new Set<string>();

  beforeAll(async () => {
    server = await startInProcessServer(getHandle().db);
    world = await createRouteCheckWorld(getHandle().db);
  });
  afterAll(async () => {
    await server?.close();
    counts.distinctMessages = messages.size;
    reportSecuritySummary({ suite: 'english-messages', database: kind, seed: SEED, ...counts });
  });

  /** A token that passes the route's access check, so that validation is what answers. */
  function tokenFor(spec: Spec): string | null {
    if (spec.access === 'public') return null;
    return spec.access === 'admin' ? world.tokens.admin : world.tokens.principal;
  }

  async function send(
    method: string,
    path: string,
    token: string | null,
    body?: string,
  ): Promise<RawResponse> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      // Framed for any method: Node's client sends a DELETE's body unframed otherwise.
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const res = await rawRequest(server.url, { method, path, headers, body });
    counts.requests += 1;
    return res;
  }

  /** The refusal's message, checked; null for an answer that is not a refusal. */
  function checkRefusal(res: RawResponse, what: string, echoed: readonly string[] = []): void {
    expect(res.status, what).not.toBe(0);
    expect(res.status, what).toBeLessThan(500);
    if (res.status < 400) return;
    counts.refusals += 1;
    expect(res.headers['content-type'], what).toMatch(/application\/json/);
    const body = JSON.parse(res.text) as { error?: { code?: unknown; message?: unknown } };
    expect(isErrorCode(body.error?.code), `${what}: ${res.text}`).toBe(true);
    const message = body.error?.message;
    if (typeof message === 'string') messages.add(message);
    if (notFrench(message, echoed)) counts.notFrench += 1;
    expectFrench(message, what, echoed);
  }

  it('answers the validation failures of the queries and bodies in French, naming the field in French', async () => {
    const { principal, admin } = world.tokens;
    const cases: [string, string, string | null, unknown, string][] = [
      [
        'GET',
        '/api/v1/secondaries?pageSize=101',
        principal,
        undefined,
        'Le nombre de lignes par page ne peut pas dépasser 100.',
      ],
      [
        'GET',
        '/api/v1/secondaries?page=0',
        principal,
        undefined,
        'Le numéro de page doit valoir au moins 1.',
      ],
      [
        'GET',
        '/api/v1/secondaries?page=abc',
        principal,
        undefined,
        'Le numéro de page doit être un nombre.',
      ],
      [
        'GET',
        '/api/v1/secondaries?page=1.5',
        principal,
        undefined,
        'Le numéro de page doit être un nombre entier.',
      ],
      [
        'GET',
        `/api/v1/secondaries?q=${'x'.repeat(300)}`,
        principal,
        undefined,
        'La recherche ne peut pas dépasser 254 caractères.',
      ],
      [
        'GET',
        '/api/v1/secondaries?status=removed',
        principal,
        undefined,
        "Le statut doit être l'une de ces valeurs : « pending », « active ».",
      ],
      [
        'GET',
        '/api/v1/admin/invitations?limit=501',
        admin,
        undefined,
        'Le nombre de résultats ne peut pas dépasser 500.',
      ],
      [
        'POST',
        '/api/v1/auth/login',
        null,
        { email: 'a@exemple.fr', password: 'x'.repeat(201) },
        'Le mot de passe ne peut pas dépasser 200 caractères.',
      ],
      [
        'POST',
        '/api/v1/auth/login',
        null,
        { email: 'a@exemple.fr' },
        'Le mot de passe est obligatoire.',
      ],
      [
        'POST',
        '/api/v1/auth/login',
        null,
        { email: 'a@exemple.fr', password: 12 },
        'Le mot de passe doit être un texte.',
      ],
      [
        'POST',
        '/api/v1/auth/login',
        null,
        { email: 'a@exemple.fr', password: 'x', role: 'admin' },
        'Champ non prévu : « role ».',
      ],
      [
        'POST',
        '/api/v1/auth/login',
        null,
        [1],
        'Le contenu de la requête doit être un objet JSON.',
      ],
      [
        'POST',
        '/api/v1/sirets',
        principal,
        { siret: world.freeSiret, unlockCode: 'CODE', assignToAllSecondaries: 'oui' },
        'Le choix « Ajouter ce SIRET à tous les utilisateurs secondaires » doit être vrai ou faux.',
      ],
      [
        'PUT',
        `/api/v1/secondaries/${world.active.user.id}/sirets`,
        principal,
        { sirets: 'abc' },
        'La liste des SIRETs doit être un tableau JSON.',
      ],
      [
        'POST',
        '/api/v1/admin/dossiers',
        admin,
        { reference: 'R'.repeat(65), siret: world.freeSiret, unlockCode: 'CODE' },
        'La référence ne doit pas dépasser 64 caractères.',
      ],
      [
        'POST',
        '/api/v1/admin/dossiers',
        admin,
        { reference: 'R-1', siret: world.freeSiret, unlockCode: 'CODE', kind: 'XX' },
        "Le type de dossier doit être l'une de ces valeurs : « AT », « MP ».",
      ],
      [
        'PATCH',
        `/api/v1/admin/dossiers/${world.freeDossier.id}`,
        admin,
        {},
        'Le statut est obligatoire.',
      ],
    ];
    for (const [method, path, token, body, expected] of cases) {
      const res = await send(
        method,
        path,
        token,
        body === undefined ? undefined : JSON.stringify(body),
      );
      const what = `${method} ${path.slice(0, 80)} → ${res.status} ${res.text.slice(0, 200)}`;
      expect(res.status, what).toBe(400);
      checkRefusal(res, what, ['role']);
      expect((JSON.parse(res.text) as { error: { message: string } }).error.message, what).toBe(
        expected,
      );
    }
  });

  it('has a French name for every field of every route, as its refusals name it', () => {
    const fields = server.http.registry.flatMap((spec) =>
      [spec.body, spec.query, spec.params].flatMap(fieldsOf),
    );
    expect(fields.length).toBeGreaterThan(10);
    expect(fields.filter((field) => !Object.hasOwn(FIELD_LABELS, field))).toEqual([]);
    for (const label of Object.values(FIELD_LABELS)) expectFrench(label, 'a field name');
  });

  it('answers generated bad input on every route of the registry in French only', async () => {
    const routes = server.http.registry.filter((spec) => spec.path !== '/auth/logout');
    expect(routes.length).toBeGreaterThan(15);
    const number = fc.oneof(
      fc.integer({ min: -1_000_000, max: 10_000_000 }).map(String),
      fc.constantFrom('0', '-1', '1.5', '1e9', 'NaN', 'abc', '', ' ', '9'.repeat(30)),
    );
    const anyValue = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.string({ maxLength: 30 }),
      fc.integer({ min: 0, max: 1_000 }).map((n) => 'x'.repeat(n * 5)),
      fc.constantFrom(true, false, null, 0, -1, 1e21, [], {}, ['x'], 'a@b', 'a@exemple.fr'),
    );
    const arbitrary = fc.constantFrom(...routes).chain((spec) => {
      const queryFields = fieldsOf(spec.query);
      const bodyFields = fieldsOf(spec.body);
      const unknownKey = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,12}$/);
      return fc.record({
        spec: fc.constant(spec),
        query: fc.array(
          fc.tuple(
            queryFields.length > 0
              ? fc.oneof(fc.constantFrom(...queryFields), unknownKey)
              : unknownKey,
            fc.oneof(number, fc.string({ maxLength: 300 })),
          ),
          { maxLength: queryFields.length > 0 ? 4 : 1 },
        ),
        body: fc.oneof(
          fc.dictionary(
            bodyFields.length > 0
              ? fc.oneof(fc.constantFrom(...bodyFields), unknownKey)
              : unknownKey,
            anyValue,
            { maxKeys: 5 },
          ),
          anyValue,
        ),
        parameter: fc.oneof(fc.constant(undefined), number, fc.string({ maxLength: 50 })),
      });
    });
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ spec, query, body, parameter }) => {
        const value = (wellFormed: string) =>
          parameter === undefined ? wellFormed : encodeURIComponent(parameter);
        const search = query
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
          .join('&');
        const path =
          `/api/v1${spec.path}`
            .replace(':siret', value(world.freeSiret))
            .replace(':token', value('A'.repeat(43)))
            .replace(':id', value('999999999')) + (search ? `?${search}` : '');
        const raw = spec.method === 'get' ? undefined : JSON.stringify(body);
        const res = await send(spec.method.toUpperCase(), path, tokenFor(spec), raw);
        const echoed = [
          ...query.map(([k]) => k),
          ...(body !== null && typeof body === 'object' && !Array.isArray(body)
            ? Object.keys(body)
            : []),
        ];
        checkRefusal(
          res,
          `${spec.method.toUpperCase()} ${path.slice(0, 120)} ${String(raw).slice(0, 120)} → ${res.status} ${res.text.slice(0, 200)}`,
          echoed,
        );
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
    expect(counts.refusals).toBeGreaterThan(NUM_RUNS / 2);
  });

  it('refuses bad tokens, unknown namespaces and foreign origins on the socket in French', async () => {
    const connectError = (path: string, token: string | undefined, origin?: string) =>
      new Promise<Error & { data?: { code?: unknown; message?: unknown } }>((resolve, reject) => {
        const socket = io(`${server.url}${path}`, {
          auth: token === undefined ? {} : { token },
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          extraHeaders: origin ? { origin } : {},
        });
        socket.on('connect', () => {
          socket.close();
          reject(new Error(`${path} connected`));
        });
        socket.on('connect_error', (error) => {
          socket.close();
          resolve(error);
        });
      });

    const badToken = await connectError('/', 'A'.repeat(43));
    expect(badToken.message).toBe('UNAUTHENTICATED');
    expectFrench(badToken.data?.message, 'a bad token');

    for (const namespace of ['/admin', '/space-1', '/socket.io']) {
      const refused = await connectError(namespace, world.tokens.principal!);
      expect(isErrorCode(refused.message), `${namespace}: ${refused.message}`).toBe(true);
      expectFrench(refused.data?.message, `namespace ${namespace}`);
    }
  });

  it('answers every Engine.IO refusal (transport, session, method, version, origin) in French', async () => {
    const upgrade = {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    };
    const cases: [string, string, Record<string, string>, number][] = [
      ['GET', '/socket.io/?EIO=4&transport=carrier-pigeon', {}, 400],
      ['GET', '/socket.io/?EIO=3&transport=polling', {}, 400],
      ['GET', '/socket.io/?EIO=4&transport=polling&sid=unknown-session', {}, 400],
      ['POST', '/socket.io/?EIO=4&transport=polling', {}, 400],
      ['PUT', '/socket.io/?EIO=4&transport=polling', {}, 400],
      ['GET', '/socket.io/?EIO=4&transport=polling', { origin: 'http://evil.example' }, 403],
      [
        'GET',
        '/socket.io/?EIO=4&transport=websocket',
        { ...upgrade, origin: 'http://evil.example' },
        400,
      ],
      ['GET', '/socket.io/?EIO=4&transport=websocket&sid=unknown-session', upgrade, 400],
    ];
    for (const [method, path, headers, status] of cases) {
      const res = await rawRequest(server.url, { method, path, headers });
      counts.requests += 1;
      const what = `${method} ${path} ${JSON.stringify(headers)} → ${res.status} ${res.text}`;
      expect(res.status, what).toBe(status);
      // JSON `{ code, message }` from polling, the bare message from a refused upgrade.
      const message = res.text.startsWith('{')
        ? (JSON.parse(res.text) as { message?: unknown }).message
        : res.text;
      if (typeof message === 'string') messages.add(message);
      expectFrench(message, what);
    }
  });

  it('acks a malformed sync with an error code whose message is French', async () => {
    const socket = io(server.url, {
      auth: { token: world.tokens.principal },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.on('connect', resolve);
        socket.on('connect_error', reject);
      });
      for (const request of [{ since: -1 }, { since: 'abc' }, 'x', null, { since: 1e308 }]) {
        const answer = (await socket.timeout(5_000).emitWithAck('sync', request)) as {
          error?: unknown;
        };
        if (!('error' in answer)) continue;
        const code = answer.error;
        expect(isErrorCode(code), `sync ${JSON.stringify(request)} → ${String(code)}`).toBe(true);
        expectFrench(
          ERRORS[code as keyof typeof ERRORS].message,
          `sync ${JSON.stringify(request)}`,
        );
      }
    } finally {
      socket.close();
    }
  });
});
