/**
 * Anonymous sign-up attacked from outside: the real server process
 * (`server/main.ts`, as `npm run server` starts it, with its real rate
 * limits) on a real port, on each database. Requests leave from distinct
 * loopback addresses (127.0.0.x, a local address of their own for each
 * socket), so the server sees distinct peers as it would distinct machines;
 * 127.0.0.1 plays the trusted proxy (`TRUST_PROXY`), naming its clients in
 * `X-Forwarded-For`. The data is made through the support agents' API, as the
 * insurer's systems would.
 *
 * Two attacks: a stranger's wrong codes locking the holder of the letter out
 * of their own sign-up, and an anonymous caller learning from the answers
 * (or their timing) whether a SIRET uses the portal or has a dossier in progress.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILED_ATTEMPTS, SIGNUP_ALERT_FAILURES } from '../../shared/domain.js';
import { ERRORS } from '../../shared/errors.js';
import { decoySecretHash, verifySecret } from '../../server/security/secrets.js';
import { TestClient } from '../support/socket-clients.js';
import { testDatabaseKinds } from '../support/databases.js';
import { uniqueEmail, uniqueReference, validSiret } from '../support/fixtures.js';
import type { ServerNode } from '../support/server-node.js';
import {
  startServerNodeOn,
  type ServerNodeOnDatabase,
} from '../support/server-node-per-database.js';
import { median } from '../support/timing.js';
import { recordTestSecret } from './support/secrets-log-files.js';
import { reportSecuritySummary } from './support/security-summary.js';

const ADMIN = { email: 'support.attaque@example.fr', password: 'support-mot-de-passe-long' };
const PASSWORD = 'un-mot-de-passe-solide';
const ONE_KIND = testDatabaseKinds().at(-1)!;
const PROXY = '127.0.0.1';
/** Rounds of the timing comparison: enough on a quiet machine, more while it is loaded. */
const MIN_ROUNDS = 10;
const MAX_ROUNDS = 30;

const summary = {
  strangerWrongTries: {} as Record<string, string[]>,
  behindProxy: {} as Record<string, { strangerCodes: string[]; owner: number }>,
  strangerRightCodeFromSameAddress: {} as Record<string, number>,
  ownerFromOtherAddress: {} as Record<string, number>,
  alert: {} as Record<string, { failures: number; addresses: number; ownerStatus: number }>,
  unprovenAnswers: {} as Record<string, Record<string, string>>,
  unprovenMedianMs: {} as Record<string, number>,
  unprovenGapToWrongCodeMs: {} as Record<string, number>,
  unprovenRounds: 0,
};

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
  headers: Record<string, string | string[] | undefined>;
  ms: number;
}

/** One HTTP call to the server from `fromAddress` (a loopback address of this machine). */
function callFrom(
  fromAddress: string,
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; forwardedFor?: string } = {},
): Promise<Answer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const target = new URL(`/api/v1${path}`, url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method,
        localAddress: fromAddress,
        // A connection of its own each time, from the address asked for.
        agent: false,
        headers: {
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.forwardedFor ? { 'x-forwarded-for': options.forwardedFor } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const ms = performance.now() - started;
          const body: unknown = text ? JSON.parse(text) : null;
          resolve({ status: res.statusCode ?? 0, body, text, headers: res.headers, ms });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** What an anonymous caller can observe of an answer, the request id and the date aside. */
function observable(answer: Answer) {
  const headers = Object.entries(answer.headers)
    .filter(([name]) => name !== 'x-request-id' && name !== 'date')
    .sort(([a], [b]) => a.localeCompare(b));
  return { status: answer.status, text: answer.text, headers };
}

/**
 * How long the server took over a request, from its own log line: the time a
 * caller measures also holds its own process and connection, which on a
 * loaded machine is most of the noise and none of the server's work.
 */
async function serverTime(node: ServerNode, answer: Answer): Promise<number> {
  const requestId = String(answer.headers['x-request-id']);
  // The line is written as the answer leaves: it may reach this process just after it.
  for (const deadline = Date.now() + 2000; Date.now() < deadline;) {
    const line = node
      .output()
      .split('\n')
      .find((text) => text.includes(`"requestId":"${requestId}"`) && text.includes('"ms":'));
    if (line) return (JSON.parse(line) as { ms: number }).ms;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no log line for request ${requestId}`);
}

function newUnlockCode(): string {
  const code = `LETTRE-${randomBytes(6).toString('hex').toUpperCase()}`;
  recordTestSecret(code);
  return code;
}

/** The real server process on a fresh database of `kind`, and a signed-in support agent. */
function startAttackedServer(kind: 'embedded' | 'postgres') {
  const state = {} as {
    node: ServerNode;
    started: ServerNodeOnDatabase | undefined;
    adminToken: string;
  };
  beforeAll(async () => {
    state.started = await startServerNodeOn(kind, {
      env: {
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        // As behind the TLS proxy the server is meant to run behind: requests
        // relayed by 127.0.0.1 are counted for the client it names; the other
        // loopback addresses are clients connecting directly.
        TRUST_PROXY: PROXY,
      },
    });
    state.node = state.started.node;
    recordTestSecret(ADMIN.password);
    const login = await callFrom('127.0.0.1', state.node.url, 'POST', '/auth/login', {
      body: ADMIN,
    });
    expect(login.status).toBe(200);
    state.adminToken = login.body.token as string;
    recordTestSecret(state.adminToken);
  }, 60_000);
  afterAll(async () => {
    await state.started?.close();
  }, 30_000);
  return state;
}

type AttackedServer = ReturnType<typeof startAttackedServer>;

/** A dossier as the insurer's systems open it (through the support API). */
async function openDossier(
  server: AttackedServer,
  siret: string,
  unlockCode: string,
  status: 'completer_dossier' | 'cloture' = 'completer_dossier',
): Promise<void> {
  const created = await callFrom('127.0.0.1', server.node.url, 'POST', '/admin/dossiers', {
    token: server.adminToken,
    body: { reference: uniqueReference(), siret, unlockCode, status },
  });
  expect(created.status, created.text).toBe(201);
}

/** A signup from `from`: a loopback address, or `{ viaProxy }` for a client behind the proxy. */
function signUpFrom(
  server: AttackedServer,
  from: string | { viaProxy: string },
  siret: string,
  unlockCode: string,
  email = uniqueEmail('inscription'),
): Promise<Answer> {
  const direct = typeof from === 'string';
  return callFrom(direct ? from : PROXY, server.node.url, 'POST', '/auth/signup', {
    body: { email, password: PASSWORD, siret, unlockCode },
    ...(direct ? {} : { forwardedFor: from.viaProxy }),
  });
}

for (const kind of testDatabaseKinds()) {
  describe(`anonymous sign-up attacked over a real port [${kind}]`, () => {
    const server = startAttackedServer(kind);

    it("does not let a stranger's wrong codes from one address lock out the holder of the letter at another", async () => {
      const siret = validSiret();
      const code = newUnlockCode();
      await openDossier(server, siret, code);
      const stranger = '127.0.0.2';
      const holder = '127.0.0.3';

      const strangerCodes: string[] = [];
      for (let i = 1; i <= MAX_FAILED_ATTEMPTS + 2; i++) {
        const answer = await signUpFrom(server, stranger, siret, `CODE-DEVINE-${i}`);
        strangerCodes.push(answer.body.error.code as string);
      }
      const strangerRight = await signUpFrom(server, stranger, siret, code);
      const ownerEmail = uniqueEmail('titulaire');
      const owner = await signUpFrom(server, holder, siret, code, ownerEmail);
      summary.strangerWrongTries[kind] = strangerCodes;
      summary.strangerRightCodeFromSameAddress[kind] = strangerRight.status;
      summary.ownerFromOtherAddress[kind] = owner.status;

      // The holder of the letter, from their own address, gets their space.
      expect(owner.status, owner.text).toBe(201);
      recordTestSecret(owner.body.token);
      const me = await callFrom(holder, server.node.url, 'GET', '/me', {
        token: owner.body.token as string,
      });
      expect(me.body.user).toMatchObject({ email: ownerEmail, role: 'principal' });
      // The stranger's address is locked for this SIRET, whatever code it sends next.
      expect(strangerCodes).toEqual([
        ...Array<string>(MAX_FAILED_ATTEMPTS - 1).fill('SIGNUP_PROOF_REFUSED'),
        'LOCKED',
        'LOCKED',
        'LOCKED',
      ]);
      expect(strangerRight.status).toBe(423);
    });

    it("does not let a stranger's wrong codes lock out the holder of the letter behind the same proxy", async () => {
      const siret = validSiret();
      const code = newUnlockCode();
      await openDossier(server, siret, code);
      const strangerCodes: string[] = [];
      for (let i = 1; i <= MAX_FAILED_ATTEMPTS + 1; i++) {
        const answer = await signUpFrom(server, { viaProxy: '203.0.113.7' }, siret, `DEVINE-${i}`);
        strangerCodes.push(answer.body.error.code as string);
      }
      const owner = await signUpFrom(server, { viaProxy: '198.51.100.9' }, siret, code);
      summary.behindProxy[kind] = { strangerCodes, owner: owner.status };
      expect(owner.status, owner.text).toBe(201);
      recordTestSecret(owner.body.token);
      expect(strangerCodes.at(-1)).toBe('LOCKED');
    });

    it('alerts the support agents when a SIRET gets many wrong codes from many addresses, and still takes the right one', async () => {
      const siret = validSiret();
      const code = newUnlockCode();
      await openDossier(server, siret, code);
      const support = await TestClient.connect(server.node.url, server.adminToken);
      try {
        // Under each address's lock, spread over as many addresses as the alert needs.
        const perAddress = MAX_FAILED_ATTEMPTS - 1;
        const addresses = Math.ceil(SIGNUP_ALERT_FAILURES / perAddress);
        const codes = new Set<string>();
        for (let a = 1; a <= addresses; a++) {
          for (let i = 1; i <= perAddress; i++) {
            const answer = await signUpFrom(server, `127.0.2.${a}`, siret, `DEVINE-${a}-${i}`);
            codes.add(answer.body.error.code as string);
          }
        }
        expect([...codes]).toEqual(['SIGNUP_PROOF_REFUSED']);

        const alerted = await support.nextOfType('lock.locked');
        expect(alerted.data.lock).toMatchObject({
          scope: 'signup_alert',
          siret,
          email: null,
          failures: SIGNUP_ALERT_FAILURES,
        });
        const locks = await callFrom('127.0.0.1', server.node.url, 'GET', '/admin/locks', {
          token: server.adminToken,
        });
        expect(locks.body.items).toContainEqual(
          expect.objectContaining({ id: alerted.data.lock.id, scope: 'signup_alert', siret }),
        );

        const owner = await signUpFrom(server, `127.0.2.${addresses + 1}`, siret, code);
        summary.alert[kind] = {
          failures: alerted.data.lock.failures,
          addresses,
          ownerStatus: owner.status,
        };
        expect(owner.status, owner.text).toBe(201);
        recordTestSecret(owner.body.token);
      } finally {
        support.close();
      }
    });

    it('answers an unknown SIRET, a managed one, one without a dossier in progress and a wrong code alike until the code is proved', async () => {
      const known = { managed: newUnlockCode(), closed: newUnlockCode(), open: newUnlockCode() };
      const sirets = {
        unknown: validSiret(),
        managed: validSiret(),
        closed: validSiret(),
        open: validSiret(),
      };
      await openDossier(server, sirets.managed, known.managed);
      const managedBy = await signUpFrom(server, '127.0.3.9', sirets.managed, known.managed);
      expect(managedBy.status).toBe(201);
      recordTestSecret(managedBy.body.token);
      await openDossier(server, sirets.closed, known.closed, 'cloture');
      await openDossier(server, sirets.open, known.open);

      const guess = 'CODE-AU-HASARD';
      const cases = {
        'SIRET inconnu': [sirets.unknown, guess],
        'SIRET déjà géré': [sirets.managed, guess],
        // Even the real code of a closed dossier proves nothing.
        'SIRET sans dossier en cours': [sirets.closed, known.closed],
        'code faux': [sirets.open, guess],
      } as const;
      const answers: Record<string, ReturnType<typeof observable>> = {};
      for (const [what, [siret, unlockCode]] of Object.entries(cases)) {
        answers[what] = observable(await signUpFrom(server, '127.0.3.1', siret, unlockCode));
      }
      summary.unprovenAnswers[kind] = Object.fromEntries(
        Object.entries(answers).map(([what, a]) => [
          what,
          `${a.status} ${JSON.parse(a.text).error.code}`,
        ]),
      );
      const reference = answers['code faux']!;
      for (const [what, answer] of Object.entries(answers)) {
        expect(answer, what).toEqual(reference);
      }
      expect(reference.status).toBe(422);
      expect(JSON.parse(reference.text)).toEqual({
        error: { code: 'SIGNUP_PROOF_REFUSED', message: ERRORS.SIGNUP_PROOF_REFUSED.message },
      });

      // Once the code is proved, the holder of the letter may learn why it cannot go on.
      const managed = await signUpFrom(server, '127.0.3.2', sirets.managed, known.managed);
      expect(managed.body.error.code).toBe('SIRET_ALREADY_MANAGED');
      const taken = await signUpFrom(server, '127.0.3.2', sirets.open, known.open, ADMIN.email);
      expect(taken.body.error.code).toBe('EMAIL_ALREADY_USED');
    });

    if (kind === ONE_KIND) {
      it('takes the same time to refuse an unknown SIRET, a managed one, one without a dossier in progress and a wrong code', async () => {
        const codes = { managed: newUnlockCode(), closed: newUnlockCode(), open: newUnlockCode() };
        const sirets = { managed: validSiret(), closed: validSiret() };
        await openDossier(server, sirets.managed, codes.managed);
        expect(
          (await signUpFrom(server, '127.0.4.250', sirets.managed, codes.managed)).status,
        ).toBe(201);
        await openDossier(server, sirets.closed, codes.closed, 'cloture');
        const others = ['unknown', 'managed', 'closed'] as const;
        const times: Record<(typeof others)[number] | 'open', number[]> = {
          unknown: [],
          managed: [],
          closed: [],
          open: [],
        };
        // Each case is timed next to a wrong code, and compared with it: the load
        // of this shared machine changes from one second to the next, much less
        // between two requests in a row.
        const gaps: Record<(typeof others)[number], number[]> = {
          unknown: [],
          managed: [],
          closed: [],
        };
        const decoy = await decoySecretHash();
        const argon2: number[] = [];
        const statuses = new Set<number>();
        // A skipped argon2 verification shows as a gap of a whole verification;
        // the same work leaves the noise of a shared machine, well under half of
        // one. A loaded machine may need more rounds to tell: up to MAX_ROUNDS.
        const alike = () =>
          others.every((kind) => Math.abs(median(gaps[kind])) < median(argon2) / 2);
        let rounds = 0;
        while (rounds < MIN_ROUNDS || (rounds < MAX_ROUNDS && !alike())) {
          rounds += 1;
          // A SIRET with a dossier in progress per round: a wrong code is then never
          // the one that locks, whatever the counter is keyed on.
          const open = validSiret();
          await openDossier(server, open, codes.open);
          // Each round from an address of its own (no lock is reached), the
          // order turning so that neither of a pair is always first.
          const from = `127.0.4.${rounds}`;
          for (let k = 0; k < others.length; k++) {
            const which = others[(k + rounds) % others.length]!;
            const siret = which === 'unknown' ? validSiret() : sirets[which];
            const pair = (k + rounds) % 2 === 0 ? [which, 'open'] : ['open', which];
            const ms: Record<string, number> = {};
            for (const kind of pair) {
              const answer = await signUpFrom(
                server,
                from,
                kind === 'open' ? open : siret,
                'CODE-AU-HASARD',
              );
              statuses.add(answer.status);
              ms[kind] = await serverTime(server.node, answer);
            }
            times[which].push(ms[which]!);
            times.open.push(ms.open!);
            gaps[which].push(ms[which]! - ms.open!);
          }
          const started = performance.now();
          await verifySecret(decoy, 'CODE-AU-HASARD');
          argon2.push(performance.now() - started);
        }
        const argon2Median = median(argon2);
        summary.unprovenRounds = rounds;
        summary.unprovenMedianMs = {
          ...Object.fromEntries(
            Object.entries(times).map(([kind, values]) => [
              kind,
              Number(median(values).toFixed(1)),
            ]),
          ),
          argon2Verify: Number(argon2Median.toFixed(1)),
        };
        summary.unprovenGapToWrongCodeMs = Object.fromEntries(
          others.map((kind) => [kind, Number(median(gaps[kind]).toFixed(1))]),
        );
        expect([...statuses]).toEqual([422]);
        expect(argon2Median).toBeGreaterThan(2);
        for (const kind of others) {
          expect(Math.abs(median(gaps[kind])), kind).toBeLessThan(argon2Median / 2);
        }
      });
    }
  });
}

afterAll(() => {
  reportSecuritySummary({ file: 'attack-signup-proof', ...summary });
});
