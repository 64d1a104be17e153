import { describe, expect, it, vi } from 'vitest';
import { createHttpApiClient } from '../../extension/panel/api-client.js';
import { countPendingInvitations, readLauncherState } from '../../extension/lib/launcher-state.js';
import {
  hostPermissionPattern,
  isLoopbackServer,
  normaliseServerUrl,
} from '../../extension/lib/server-url.js';
import {
  readStoredState,
  writeStoredSession,
  type StorageAreaLike,
} from '../../extension/lib/stored-session.js';
import { ERRORS } from '../../shared/errors.js';
import { PRINCIPAL, SECONDARY } from './support/snapshots.js';

class MemoryArea implements StorageAreaLike {
  items: Record<string, unknown> = {};
  async get(keys: string[]) {
    return Object.fromEntries(
      keys.filter((key) => key in this.items).map((key) => [key, this.items[key]]),
    );
  }
  async set(items: Record<string, unknown>) {
    Object.assign(this.items, items);
  }
  async remove(keys: string[]) {
    for (const key of keys) delete this.items[key];
  }
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

describe('Server address', () => {
  it('keeps only the origin of what was typed', () => {
    expect(normaliseServerUrl('localhost:8787/')).toBe('http://localhost:8787');
    expect(normaliseServerUrl(' https://qrp.exemple.fr/api ')).toBe('https://qrp.exemple.fr');
    expect(normaliseServerUrl('ftp://exemple.fr')).toBeNull();
    expect(normaliseServerUrl('http://user:pw@exemple.fr')).toBeNull();
    expect(normaliseServerUrl('')).toBeNull();
  });

  it('tells loopback servers from others and builds the permission pattern', () => {
    expect(isLoopbackServer('http://127.0.0.1:8787')).toBe(true);
    expect(isLoopbackServer('http://localhost:9000')).toBe(true);
    expect(isLoopbackServer('https://qrp.exemple.fr')).toBe(false);
    expect(hostPermissionPattern('https://qrp.exemple.fr:8443')).toBe('https://qrp.exemple.fr/*');
  });
});

describe('Stored session', () => {
  it('keeps the session in one area only, depending on "Rester connecté"', async () => {
    const local = new MemoryArea();
    const session = new MemoryArea();
    await writeStoredSession(local, session, { token: 't', user: PRINCIPAL }, true);
    expect(await readStoredState(local, session)).toMatchObject({
      remember: true,
      session: { token: 't' },
    });
    await writeStoredSession(local, session, { token: 'u', user: PRINCIPAL }, false);
    expect(local.items).toEqual({});
    expect(await readStoredState(local, session)).toMatchObject({
      remember: false,
      session: { token: 'u' },
    });
  });
});

describe('Pending invitations badge', () => {
  it("asks the server for the principal's pending count with the stored token", async () => {
    const fetchImpl = vi.fn(async () => json({ items: [], total: 4, page: 1, pageSize: 1 }));
    const count = await countPendingInvitations(
      {
        serverUrl: 'http://127.0.0.1:8787',
        session: { token: 'jeton', user: PRINCIPAL },
        remember: false,
      },
      fetchImpl as unknown as typeof fetch,
    );
    expect(count).toBe(4);
    expect(fetchImpl).toHaveBeenCalledWith(
      'http://127.0.0.1:8787/api/v1/secondaries?status=pending&pageSize=1',
      {
        headers: { accept: 'application/json', authorization: 'Bearer jeton' },
        signal: expect.any(AbortSignal),
      },
    );
  });

  it('has nothing to count for a secondary, a signed-out user or an unreachable server', async () => {
    const fetchImpl = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const asFetch = fetchImpl as unknown as typeof fetch;
    expect(
      await countPendingInvitations(
        { serverUrl: null, session: { token: 't', user: SECONDARY }, remember: false },
        asFetch,
      ),
    ).toBeNull();
    expect(
      await countPendingInvitations({ serverUrl: null, session: null, remember: false }, asFetch),
    ).toBeNull();
    expect(
      await countPendingInvitations(
        { serverUrl: null, session: { token: 't', user: PRINCIPAL }, remember: false },
        asFetch,
      ),
    ).toBeNull();
    expect(fetchImpl).toHaveBeenCalledOnce();
  });

  it('tells the launcher who is signed in, with the count only for a principal', async () => {
    const fetchImpl = (async () =>
      json({ items: [], total: 2, page: 1, pageSize: 1 })) as unknown as typeof fetch;
    const of = (user: typeof PRINCIPAL | null) =>
      readLauncherState(
        { serverUrl: null, session: user && { token: 't', user }, remember: false },
        fetchImpl,
      );
    expect(await of(PRINCIPAL)).toEqual({ role: 'principal', pending: 2 });
    expect(await of(SECONDARY)).toEqual({ role: 'secondary', pending: null });
    expect(await of(null)).toEqual({ role: null, pending: null });
  });
});

describe('HTTP API client', () => {
  it('sends the token and JSON body to /api/v1', async () => {
    const fetchImpl = vi.fn(async () => new Response(null, { status: 201 }));
    const api = createHttpApiClient(
      () => ({ serverUrl: 'http://localhost:8787', token: 'jeton' }),
      fetchImpl,
    );
    await api.addSiret({ siret: '73282932000074', unlockCode: 'C', assignToAllSecondaries: false });
    expect(fetchImpl).toHaveBeenCalledWith('http://localhost:8787/api/v1/sirets', {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: 'Bearer jeton',
      },
      body: JSON.stringify({
        siret: '73282932000074',
        unlockCode: 'C',
        assignToAllSecondaries: false,
      }),
    });
  });

  it("turns a refusal into the server's code and message", async () => {
    const body = {
      error: { code: 'SIRET_DELETE_NOT_ALLOWED', message: ERRORS.SIRET_DELETE_NOT_ALLOWED.message },
    };
    const api = createHttpApiClient(
      () => ({ serverUrl: 'http://localhost:8787', token: 'jeton' }),
      async () => json(body, 409),
    );
    await expect(api.deleteSiret('73282932000074')).rejects.toMatchObject({
      code: 'SIRET_DELETE_NOT_ALLOWED',
      message: ERRORS.SIRET_DELETE_NOT_ALLOWED.message,
      status: 409,
    });
  });

  it('says in French when the server cannot be reached', async () => {
    const api = createHttpApiClient(
      () => ({ serverUrl: 'http://localhost:8787', token: null }),
      async () => {
        throw new TypeError('Failed to fetch');
      },
    );
    await expect(api.login({ email: 'a@b.fr', password: 'x' })).rejects.toMatchObject({
      code: 'NETWORK',
      message: expect.stringContaining('Le serveur http://localhost:8787 ne répond pas'),
    });
  });
});
