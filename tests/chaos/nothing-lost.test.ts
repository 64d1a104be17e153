/**
 * Nothing committed is lost, whatever breaks. Three server processes on a
 * PostgreSQL of the suite's own, behind a TCP front; some forty panels run
 * by the real client protocol (shared/live-sync.ts) over real sockets; a
 * driver makes bursts of changes over HTTP. Meanwhile: nodes are killed
 * (once right between a commit and its publish), PostgreSQL restarts (fast,
 * then immediate), the adapter's and the business connections are cut, and
 * some panels stay offline for two minutes. Afterwards every panel shows
 * exactly what a fresh connection shows, applied every event of its stream
 * once and in order, and the domain's invariants hold.
 */
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../shared/events.js';
import {
  openDatabase,
  SERVER_APPLICATION_NAME,
  type DatabaseHandle,
} from '../../server/db/open-database.js';
import { ADAPTER_APPLICATION_NAME } from '../../server/realtime/attach-realtime.js';
import { checkInvariants } from '../support/invariants.js';
import { startTcpFront, type TcpFront } from '../support/server-node.js';
import { comparableSnapshot, LiveClient, TestClient } from '../support/socket-clients.js';
import { printSummary, progress } from './support/api-outcomes.js';
import { AppliedLog, streamOfSnapshot } from './support/applied-log.js';
import { createChaosWorld, type ChaosWorld, type PanelSeat } from './support/chaos-world.js';
import { CommandDriver } from './support/command-driver.js';
import { NodeGroup } from './support/node-group.js';
import { hasPostgresBinaries, startOwnPostgres, type OwnPostgres } from './support/own-postgres.js';

/** Panels kept offline this long while changes go on (DOMAIN: a laptop closed over lunch, shortened). */
const OFFLINE_MS = 125_000;
const CONVERGE_TIMEOUT_MS = 60_000;

interface Panel {
  seat: PanelSeat;
  client: LiveClient;
  log: AppliedLog;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The fields where a panel's state and the fresh snapshot differ, with the first differing item. */
function describeDifference(state: Snapshot | null, expected: Snapshot): string {
  if (!state) return 'no state';
  const actual = comparableSnapshot(state, expected) as unknown as Record<string, unknown>;
  const wanted = expected as unknown as Record<string, unknown>;
  const show = (value: unknown) => JSON.stringify(value)?.slice(0, 400);
  return Object.keys(wanted)
    .filter((key) => !isDeepStrictEqual(actual[key], wanted[key]))
    .map((key) => {
      const [have, want] = [actual[key], wanted[key]];
      if (!Array.isArray(have) || !Array.isArray(want))
        return `${key}: ${show(have)} ≠ ${show(want)}`;
      const at = want.findIndex((item, i) => !isDeepStrictEqual(have[i], item));
      return `${key} (${have.length} vs ${want.length}) at ${at}: ${show(have[at])} ≠ ${show(want[at])}`;
    })
    .join('; ');
}

describe.skipIf(!hasPostgresBinaries())('nothing lost under chaos', () => {
  let cluster: OwnPostgres | undefined;
  let handle: DatabaseHandle | undefined;
  let group: NodeGroup | undefined;
  let front: TcpFront | undefined;
  let driver: CommandDriver | undefined;
  const panels: Panel[] = [];

  beforeAll(async () => {
    cluster = await startOwnPostgres();
    const url = await cluster.createDatabase('qrp_chaos');
    handle = await openDatabase({ kind: 'postgres', url, poolSize: 5 });
    group = await NodeGroup.start(3, { DATABASE_URL: url });
    const nodes = group;
    front = await startTcpFront(() => nodes.pick().port);
  }, 120_000);

  afterAll(async () => {
    // Each step bounded, and the cluster removed whatever happened before.
    const bounded = (work: Promise<unknown> | undefined) =>
      Promise.race([work?.catch(() => undefined), sleep(20_000)]);
    try {
      await bounded(driver?.stop());
      for (const panel of panels) panel.client.close();
      await bounded(front?.close());
      await bounded(group?.stopAll());
      await bounded(handle?.close());
    } finally {
      await cluster?.destroy();
    }
  }, 120_000);

  it('brings every panel to the server state, each event applied once, through every fault', async () => {
    const started = Date.now();
    const db = handle!.db;
    const nodes = group!;
    const world: ChaosWorld = await createChaosWorld(db, {
      spaces: 3,
      secondariesPerSpace: 12,
      siretsPerSpace: 6,
      admins: 2,
    });
    progress(`world ready: ${world.seats.length} panels to open`);
    for (const seat of world.seats) {
      const client = await LiveClient.connect(front!.url, seat.token, { reconnection: true });
      panels.push({ seat, client, log: new AppliedLog(client.live) });
    }

    // Two panels of each space and an admin's go offline for the whole run.
    const offline = [
      ...[1, 2, 3].flatMap((s) =>
        panels.filter((p) => p.seat.name.startsWith(`space ${s} `)).slice(0, 2),
      ),
      panels.find((p) => p.seat.name === 'admin 2')!,
    ];
    for (const panel of offline) panel.client.socket.disconnect();
    const offlineSince = Date.now();

    driver = new CommandDriver(world.driver, () => nodes.pick().url);
    driver.start(8, 250);
    progress(`${offline.length} panels offline, driver started`);

    const faults: Record<string, number> = {
      nodeKilled: 0,
      nodeKilledBetweenCommitAndPublish: 0,
      postgresRestartFast: 0,
      postgresRestartImmediate: 0,
      adapterConnectionsCut: 0,
      businessConnectionsCut: 0,
      panelsOfflineTwoMinutes: offline.length,
    };
    const [a, b, c] = nodes.nodes as [
      (typeof nodes.nodes)[0],
      (typeof nodes.nodes)[0],
      (typeof nodes.nodes)[0],
    ];
    for (const restartMode of ['fast', 'immediate'] as const) {
      await sleep(4_000);
      progress(`kill node B (committed so far: ${driver.committed})`);
      await nodes.kill(b);
      faults.nodeKilled! += 1;
      await sleep(2_000);
      await nodes.restart(b);

      await sleep(5_000);
      // Killed by its own failpoint right after its 3rd commit, before publishing it.
      progress('node C restarts with the failpoint');
      await nodes.kill(c);
      await nodes.restart(c, { FAILPOINT_KILL_AFTER_COMMITS: '3' });
      c.exitExpected = true;
      const exit = await Promise.race([c.current.exited.then(() => 'exited'), sleep(60_000)]);
      expect(driver.failure, 'the command driver still sends').toBeNull();
      expect(exit, 'the failpoint killed the node').toBe('exited');
      expect(c.current.process.signalCode).toBe('SIGKILL');
      c.alive = false;
      faults.nodeKilledBetweenCommitAndPublish! += 1;
      await nodes.restart(c);

      await sleep(5_000);
      progress(`PostgreSQL restart -m ${restartMode}`);
      await cluster!.restart(restartMode);
      faults[restartMode === 'fast' ? 'postgresRestartFast' : 'postgresRestartImmediate']! += 1;

      await sleep(6_000);
      progress('cut the adapter connections');
      faults.adapterConnectionsCut! += await cluster!.terminateBackends(ADAPTER_APPLICATION_NAME);

      await sleep(5_000);
      progress('cut the business connections');
      faults.businessConnectionsCut! += await cluster!.terminateBackends(SERVER_APPLICATION_NAME);

      await sleep(5_000);
      progress('kill node A');
      await nodes.kill(a);
      faults.nodeKilled! += 1;
      await nodes.restart(a);
    }
    const lastFaultAt = Date.now();

    // The offline panels come back after two minutes and more.
    await sleep(Math.max(0, OFFLINE_MS - (Date.now() - offlineSince)));
    const offlineMs = Date.now() - offlineSince;
    progress(`offline panels reconnect after ${offlineMs} ms`);
    for (const panel of offline) panel.client.socket.connect();
    await sleep(3_000);
    await driver.stop();
    // A publish lost with the last change of a stream shows only at the next change: one more each.
    await driver.touchEveryStream();
    const lastChangeAt = Date.now();

    // Converged: connected, at the head of its stream, and equal to a fresh snapshot.
    const heads = async () => {
      const rows = await db.selectFrom('eventStreams').select(['stream', 'head']).execute();
      return new Map(rows.map((r) => [r.stream, r.head]));
    };
    const atHead = (panel: Panel, head: Map<string, number>) => {
      const state = panel.client.live.state;
      return (
        panel.client.live.status === 'connected' &&
        state !== null &&
        state.lastEventId === (head.get(streamOfSnapshot(state)) ?? 0)
      );
    };
    let head = await heads();
    while (
      !panels.every((p) => atHead(p, head)) &&
      Date.now() - lastChangeAt < CONVERGE_TIMEOUT_MS
    ) {
      await sleep(100);
      head = await heads();
    }
    const convergedAt = Date.now();
    progress(`at head after ${convergedAt - lastChangeAt} ms; comparing with fresh snapshots`);
    const lagging = panels.filter((p) => !atHead(p, head)).map((p) => p.seat.name);

    let converged = 0;
    const mismatches: string[] = [];
    for (const panel of panels) {
      const fresh = await TestClient.connect(a.url, panel.seat.token);
      fresh.close();
      const expected = comparableSnapshot(fresh.snapshot);
      const state = panel.client.live.state;
      if (state && isDeepStrictEqual(comparableSnapshot(state, expected), expected)) converged += 1;
      else {
        mismatches.push(
          `${panel.seat.name}: ${describeDifference(state, expected)}; applied ${panel.log.describe()}`,
        );
      }
    }
    if (mismatches.length > 0) {
      const { rows } = await sql<{ stream: string; seq: number; type: string; data: unknown }>`
        select e.stream, e.seq, e.type, e.data from events e
        where e.data ? 'userId' and not exists (
          select 1 from users u where u.id = (e.data->>'userId')::int and u.status <> 'removed')
        order by e.stream, e.seq desc limit 40`.execute(db);
      progress(
        `to explain the mismatch, events of members no longer in a space: ${JSON.stringify(rows)}`,
      );
    }
    const eventProblems = panels.flatMap((p) =>
      p.log.problems().map((x) => `${p.seat.name}: ${x}`),
    );
    const eventsChecked = panels.reduce((sum, p) => sum + p.log.applied, 0);
    const violations = await checkInvariants(db);
    const storedEvents = Number(
      (
        await db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

    printSummary({
      suite: 'nothing-lost',
      nodes: nodes.nodes.length,
      changesCommitted: driver.committed,
      refused: driver.tally.refusedTotal,
      refusedByCode: driver.tally.refused,
      unknownOutcome: driver.tally.network,
      unknownOutcomeReasons: driver.tally.networkReasons,
      wrongAnswers: driver.tally.wrong.length,
      storedEvents,
      eventsChecked,
      eventsMissingOrTwice: eventProblems.length,
      snapshotsTaken: panels.reduce((sum, p) => sum + p.log.snapshots, 0),
      clientsConverged: `${converged}/${panels.length}`,
      offlinePanelsMs: offlineMs,
      convergeAfterLastFaultMs: convergedAt - lastFaultAt,
      convergeAfterLastChangeMs: convergedAt - lastChangeAt,
      faults,
      crashes: nodes.crashes.length,
      durationMs: Date.now() - started,
    });

    expect(nodes.crashes).toEqual([]);
    expect(driver.tally.wrong).toEqual([]);
    expect(lagging).toEqual([]);
    expect(eventProblems).toEqual([]);
    expect(mismatches).toEqual([]);
    expect(violations).toEqual([]);
    expect(panels.flatMap((p) => p.client.revoked)).toEqual([]);
    expect(driver.committed).toBeGreaterThan(200);
    expect(faults.adapterConnectionsCut).toBeGreaterThan(0);
  }, 420_000);
});
