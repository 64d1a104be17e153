/**
 * The support desk standing in for the insurer's systems over HTTP, on both
 * databases (docs/domain.md rule 5): a dossier opened or moved with the
 * agent's reason keeps it with its event, shown in the support's history and
 * never to the space; the insurer's calls give none; a reason blank or too
 * long, or a reference too long, is refused with 400 and changes nothing.
 */
import type { Kysely } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { formatSiret } from '../../shared/siret.js';
import { createSession } from '../../server/auth/sessions.js';
import type { Database } from '../../server/db/schema.js';
import { describeOnEachDatabase } from '../support/databases.js';
import {
  createAdmin,
  createDossier,
  createPrincipalWithSpace,
  dumpTables,
  uniqueReference,
  UNLOCK_CODE,
} from '../support/fixtures.js';
import { createHttpHarness, type HttpHarness } from '../support/http-harness.js';

interface Entry {
  type: string;
  actor: { email: string | null; role: string };
  text: string;
}

describeOnEachDatabase('support dossiers with a reason', (getHandle) => {
  let db: Kysely<Database>;
  let http: HttpHarness;
  let admin: { email: string; token: string };

  beforeAll(async () => {
    db = getHandle().db;
    http = createHttpHarness(db);
    const { user } = await createAdmin(db);
    admin = { email: user.email, token: (await createSession(db, user.id)).token };
  });

  const call = (method: string, path: string, token: string, body?: unknown) =>
    http.call(method, `/api/v1${path}`, { token, body });

  async function entries(path: string, token: string): Promise<Entry[]> {
    const answer = await call('GET', path, token);
    expect(answer.status, answer.text).toBe(200);
    return (answer.body as { entries: Entry[] }).entries;
  }

  /** A space with one SIRET, its principal signed in. */
  async function space() {
    const found = await createPrincipalWithSpace(db, { sirets: 1 });
    return {
      siret: found.sirets[0]!,
      principalToken: (await createSession(db, found.principal.id)).token,
    };
  }

  it('keeps the reason of an opened and a moved dossier in the support history only', async () => {
    const { siret, principalToken } = await space();
    const reference = uniqueReference();
    const opened = await call('POST', '/admin/dossiers', admin.token, {
      reference,
      siret,
      kind: 'MP',
      unlockCode: UNLOCK_CODE,
      reason: '  Courrier reçu par l’employeur, dossier absent ',
    });
    expect(opened.status, opened.text).toBe(201);
    const moved = await call('PATCH', `/admin/dossiers/${String(opened.body.id)}`, admin.token, {
      status: 'consultation',
      reason: 'Pièces reçues par l’assureur',
    });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.dossier).toMatchObject({ reference, status: 'consultation' });

    const support = await entries(`/admin/history?siret=${siret}`, admin.token);
    const dossierPart = `Le dossier ${reference} du SIRET ${formatSiret(siret)}`;
    expect(support.slice(0, 2).map((e) => [e.type, e.actor, e.text])).toEqual([
      [
        'dossier.status_changed',
        { email: admin.email, role: 'support' },
        `${dossierPart} est passé à l’étape « Consultation » (motif : Pièces reçues par l’assureur)`,
      ],
      [
        'dossier.added',
        { email: admin.email, role: 'support' },
        `Nouveau dossier ${reference} (Maladie professionnelle) pour le SIRET ${formatSiret(siret)} (motif : Courrier reçu par l’employeur, dossier absent)`,
      ],
    ]);
    // The space sees the changes, never the support's reason.
    const own = await entries('/history', principalToken);
    const texts = own.filter((e) => e.type.startsWith('dossier.')).map((e) => e.text);
    expect(texts).toHaveLength(2);
    for (const text of texts) expect(text).not.toContain('motif');
  });

  it('takes no reason from the insurer’s systems', async () => {
    const { siret } = await space();
    const opened = await call('POST', '/admin/dossiers', admin.token, {
      reference: uniqueReference(),
      siret,
      unlockCode: UNLOCK_CODE,
    });
    expect(opened.status, opened.text).toBe(201);
    const moved = await call('PATCH', `/admin/dossiers/${String(opened.body.id)}`, admin.token, {
      status: 'cloture',
    });
    expect(moved.status, moved.text).toBe(200);
    const support = await entries(`/admin/history?siret=${siret}`, admin.token);
    expect(support.slice(0, 2).map((e) => e.type)).toEqual([
      'dossier.status_changed',
      'dossier.added',
    ]);
    for (const entry of support) expect(entry.text).not.toContain('motif');
  });

  it('refuses a reason blank or too long, or a reference too long, with 400, changing nothing', async () => {
    const { siret } = await space();
    const dossier = await createDossier(db, { siret, status: 'completer_dossier' });
    const tooLong = 'x'.repeat(501);
    const before = await dumpTables(db);
    const attempts: [string, string, Record<string, unknown>, string][] = [
      [
        'POST',
        '/admin/dossiers',
        { reference: uniqueReference(), siret, unlockCode: UNLOCK_CODE, reason: tooLong },
        'Le motif ne doit pas dépasser 500 caractères.',
      ],
      [
        'POST',
        '/admin/dossiers',
        { reference: uniqueReference(), siret, unlockCode: UNLOCK_CODE, reason: '   ' },
        'Le motif est obligatoire.',
      ],
      [
        'POST',
        '/admin/dossiers',
        { reference: 'R'.repeat(65), siret, unlockCode: UNLOCK_CODE, reason: 'Courrier' },
        'La référence ne doit pas dépasser 64 caractères.',
      ],
      [
        'PATCH',
        `/admin/dossiers/${dossier.id}`,
        { status: 'consultation', reason: tooLong },
        'Le motif ne doit pas dépasser 500 caractères.',
      ],
      [
        'PATCH',
        `/admin/dossiers/${dossier.id}`,
        { status: 'consultation', reason: '' },
        'Le motif est obligatoire.',
      ],
      [
        'PATCH',
        `/admin/dossiers/${dossier.id}`,
        { status: 'consultation', reason: 42 },
        'Le motif est obligatoire.',
      ],
    ];
    for (const [method, path, body, message] of attempts) {
      const answer = await call(method, path, admin.token, body);
      expect(answer.status, `${method} ${path} ${answer.text}`).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
      expect(answer.body.error.message).toContain(message);
    }
    expect(await dumpTables(db)).toEqual(before);
  });
});
