/**
 * The real entry point as a process of its own (`server-node.ts`) on a fresh
 * database of each kind the run tests: the embedded one in the process's own
 * data folder, or a PostgreSQL database made for it and dropped afterwards.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { createTestDatabase, testDatabaseKinds, type TestDatabaseKind } from './databases.js';
import { startServerNode, type ServerNode, type ServerNodeOptions } from './server-node.js';

export interface ServerNodeOnDatabase {
  node: ServerNode;
  /** Stops the process, then drops its PostgreSQL database. */
  close(): Promise<void>;
}

export async function startServerNodeOn(
  kind: TestDatabaseKind,
  options: ServerNodeOptions = {},
): Promise<ServerNodeOnDatabase> {
  const database =
    kind === 'postgres' ? await createTestDatabase('postgres', { poolSize: 2 }) : undefined;
  try {
    const node = await startServerNode({
      ...options,
      // Empty: the embedded database, whatever the environment of the test run names.
      env: { DATABASE_URL: database?.url ?? '', ...options.env },
    });
    return {
      node,
      async close() {
        await node.stop();
        await database?.close();
      },
    };
  } catch (error) {
    await database?.close();
    throw error;
  }
}

/** Runs `body` once per database kind, each with a server process of its own. */
export function describeOnEachServerNode(
  title: string,
  options: ServerNodeOptions,
  body: (getNode: () => ServerNode, kind: TestDatabaseKind) => void,
): void {
  for (const kind of testDatabaseKinds()) {
    describe(`${title} [${kind}]`, () => {
      let started: ServerNodeOnDatabase | undefined;
      beforeAll(async () => {
        started = await startServerNodeOn(kind, options);
      }, 60_000);
      afterAll(async () => {
        await started?.close();
      }, 30_000);
      body(() => {
        if (!started) throw new Error('server not started yet');
        return started.node;
      }, kind);
    });
  }
}
