/**
 * The pieces of the "no secret in logs" check: the server logger censors
 * secret fields wherever they sit, the scan run after the suite finds each
 * kind of leak (so it can fail), and this run's servers do write their logs
 * where the scan reads them.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.js';
import { hashSecret, newToken } from '../../server/security/secrets.js';
import { ADMIN } from '../browser/support/test-server.js';
import { PASSWORD, UNLOCK_CODE, WRONG_UNLOCK_CODE } from '../support/fixtures.js';
import { FIXED_SECRETS, scanLogs } from './support/secrets-log-scan.js';
import { LOG_DIR_VARIABLE, testLogDir, testLogger } from './support/secrets-log-files.js';
import { reportSecuritySummary } from './support/security-summary.js';

const summary = { leakKindsDetected: 0, redactedShapes: 0, cleanLinesPassed: 0 };

/** What a logger writes for these objects, as lines. */
function logged(objects: object[]): string[] {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (l) => void lines.push(l) },
  });
  for (const object of objects) logger.info(object, 'test');
  return lines;
}

function scanLines(lines: string[], secrets: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'qrp-scan-'));
  writeFileSync(join(dir, 'server.log'), lines.join(''));
  return scanLogs(dir, secrets);
}

it('knows the fixed secrets of the fixtures and test servers', () => {
  expect(FIXED_SECRETS).toEqual(
    expect.arrayContaining([PASSWORD, UNLOCK_CODE, WRONG_UNLOCK_CODE, ADMIN.password]),
  );
});

it('censors secret fields at any depth: headers, bodies, socket handshakes', async () => {
  const token = newToken();
  const shapes = [
    { req: { headers: { authorization: `Bearer ${token}`, cookie: `sid=${token}` } } },
    { headers: { Authorization: `Bearer ${token}` } },
    { body: { email: 'a@b.fr', password: PASSWORD, unlockCode: UNLOCK_CODE } },
    { request: { body: { token } } },
    { handshake: { auth: { token }, headers: { cookie: token } } },
    { socket: { handshake: { auth: { token } } } },
    { user: { passwordHash: await hashSecret(PASSWORD) }, session: { tokenHash: 'abc' } },
    { items: [{ invitation: { token } }] },
  ];
  const lines = logged(shapes);
  expect(lines).toHaveLength(shapes.length);
  const scan = scanLines(lines, [token]);
  expect(scan.findings).toEqual([]);
  for (const line of lines) expect(line).toContain('[secret]');
  summary.redactedShapes = shapes.length;
  // The same objects written without the logger's censoring are all caught.
  const raw = shapes.map((shape) => `${JSON.stringify(shape)}\n`);
  const leaks = scanLines(raw, [token]);
  expect(new Set(leaks.findings.map((f) => f.line))).toEqual(new Set(shapes.map((_, i) => i + 1)));
});

it('finds every kind of leak, and passes clean lines', () => {
  const token = newToken();
  const recorded = 'un-secret-enregistre-42';
  const leaks: [string, string][] = [
    ['fixture password', `{"msg":"login ${PASSWORD}"}`],
    ['fixture unlock code', `{"msg":"code ${UNLOCK_CODE}"}`],
    ['recorded secret', `{"note":"${recorded}"}`],
    ['token shape', `{"msg":"link /invitations/${token}"}`],
    ['bearer', `{"msg":"Authorization: Bearer abc.def.ghi"}`],
    ['password field', `{"body":{"password":"hunter2hunter2"}}`],
    ['token field', `{"data":{"token":"xyz"}}`],
    ['unlock code field', `{"body":{"unlockCode":"C-1"}}`],
    ['argon2 hash', `{"hash":"$argon2id$v=19$m=19456,t=2,p=1$abc$def"}`],
  ];
  for (const [kind, line] of leaks) {
    const scan = scanLines([`${line}\n`], [recorded]);
    expect(scan.findings, kind).toHaveLength(1);
    summary.leakKindsDetected += 1;
  }
  const clean = [
    '{"level":30,"requestId":"3205bba3-3faa-4015-9383-46485f107721","route":"/api/v1/invitations/:token","status":410,"msg":"request"}',
    '{"level":30,"body":{"password":"[secret]","token":"[secret]","unlockCode":"[secret]"},"msg":"x"}',
    '{"level":50,"err":{"type":"DomainError","message":"Identifiants incorrects","code":"INVALID_CREDENTIALS"},"msg":"e"}',
    '{"level":40,"msg":"no bearer token in the request: Bearer scheme expected"}',
  ];
  const scan = scanLines(
    clean.map((line) => `${line}\n`),
    [recorded, 'court'],
  );
  expect(scan.findings).toEqual([]);
  expect(scan.lines).toBe(clean.length);
  summary.cleanLinesPassed = clean.length;
});

it("writes this run's server logs where the scan reads them", () => {
  expect(process.env[LOG_DIR_VARIABLE], 'the global setup gives the run a log folder').toBeTruthy();
  const dir = testLogDir()!;
  testLogger('log-scan-check').info({ check: 'capture' }, 'capture works');
  const files = readdirSync(dir).filter((file) => file.startsWith('log-scan-check-'));
  expect(files).toHaveLength(1);
  const text = readFileSync(join(dir, files[0]!), 'utf8');
  expect(text).toContain('"msg":"capture works"');
  expect(existsSync(dir)).toBe(true);
});

afterAll(() => {
  reportSecuritySummary({ file: 'secrets-log-scan', ...summary });
});
