/**
 * The principal's side panel for a large space (1,000 SIRETs, 200 active
 * secondaries with 5 SIRETs each, 3,000 dossiers), in Chromium with the built
 * extension, against the real server on PostgreSQL. Baseline: a small space
 * (3 SIRETs, 2 secondaries, a few dossiers) in the same database, browser and
 * server, measured the same way in the same run.
 *
 * Every browser time is read on the page's own clock by a script installed
 * before the page's scripts run (`PAGE_PROBE`): a click is taken at its event's
 * time stamp, a WebSocket frame when its message event was created, and "painted"
 * is the first task after the next animation frame (a message posted from
 * `requestAnimationFrame` runs once that frame has been rendered).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { BrowserContext, Page } from 'playwright-core';
import { createSession } from '../../server/auth/sessions.js';
import type { Database } from '../../server/db/schema.js';
import { buildSnapshot } from '../../server/realtime/build-snapshot.js';
import { launchBrowserWithExtension } from '../browser/support/chromium.js';
import { PanelPage } from '../browser/pages/panel-page.js';
import { PASSWORD, passwordHash, unlockCodeHash, withLuhnDigit } from '../support/fixtures.js';
import { signInOverHttp } from '../support/http-client.js';
import { createPostgresDatabase, withClient } from '../support/postgres-database.js';
import { startServerNode } from '../support/server-node.js';
import {
  percentile,
  ratio,
  round,
  type BenchContext,
  type Figure,
  type MeasureResult,
  type Table,
} from './measure.js';
import { BENCH_EXTENSION_DIR, buildBenchExtension } from './panel-bundle.js';

/**
 * `frameMs`: 60 frames a second, none dropped. Chromium's frame callbacks come
 * 16.7 ms apart give or take a timer's jitter (16.8 ms is a frame on time); a
 * dropped frame shows as 33.3 ms.
 */
const GOALS = { signInMs: 300, tabSwitchMs: 50, liveMs: 50, frameMs: 17.5, ratio: 1.5 };
const LARGE = {
  name: 'grand',
  sirets: 1000,
  secondaries: 200,
  siretsPerSecondary: 5,
  dossiersPerSiret: 3,
};
const SMALL = {
  name: 'petit',
  sirets: 3,
  secondaries: 2,
  siretsPerSecondary: 1,
  dossiersPerSiret: 2,
};
const DOSSIER_STATUSES = ['completer_dossier', 'consultation', 'cloture'] as const;
const SWITCH_TABS = ['Paramétrage', 'Tableau de bord', 'Attributions'] as const;
const WAIT_MS = 20_000;
const SCROLL_MS = 2_000;

type SpaceShape = typeof LARGE;
type Size = 'large' | 'small';

interface SeededSpace {
  size: Size;
  spaceId: number;
  principalId: number;
  principalEmail: string;
  sirets: string[];
  /** Secondary id by e-mail. */
  secondaries: Map<string, number>;
  /** SIRETs attributed to each secondary, by id. */
  attributions: Map<number, string[]>;
  dossiers: number;
}

interface SpaceReadings {
  signIn: number[];
  signInPainted: number[];
  /** The server process's CPU time (ms) from the click to the home interactive, and to 2.5 s after the click. */
  signInServerCpu: { toInteractive: number; toSettled: number }[];
  switches: { tab: string; ms: number }[];
  tabsPresent: string[];
  live: { frameToPaint: number; requestToPaint: number; requestToAnswer: number }[];
  liveTarget: string;
  liveCell: boolean;
  loginMs: number[];
  liveAttributions: { frameToPaint: number; requestToPaint: number }[];
  scroll: ScrollReading | null;
  wheelScroll: ScrollReading | null;
  heapMB: number;
  domNodes: number;
  nodesByTab: Record<string, number>;
  snapshotKB: number;
  snapshotMs: number[];
  largestFrameKB: number;
}

/** A steady scroll, px per second. */
interface ScrollPace {
  down: number;
  right: number;
}

/** A wheel or a trackpad read through the rows: about a notch (100 px) every 70 ms, drifting right. */
const WHEEL_PACE: ScrollPace = { down: 1_500, right: 300 };

interface ScrollReading {
  deltas: number[];
  longFrames: number | null;
  scrolledY: number;
  scrolledX: number;
  /** The page's main-thread time over the scroll, ms per frame (CDP Performance.getMetrics). */
  perFrame?: { styleMs: number; layoutMs: number; scriptMs: number; taskMs: number };
}

const WORK_METRICS = {
  styleMs: 'RecalcStyleDuration',
  layoutMs: 'LayoutDuration',
  scriptMs: 'ScriptDuration',
  taskMs: 'TaskDuration',
} as const;

/**
 * Installed in every page before its scripts. A string, not a function: the
 * TypeScript loader would wrap a function's source in helpers the page does not have.
 */
const PAGE_PROBE = `(() => {
  const bench = (window.__bench = { frames: [], largestFrame: 0 });
  const afterPaint = (done) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => done(performance.now());
      channel.port2.postMessage(0);
    });
  bench.afterPaint = afterPaint;

  // WebSocket frames as they reach the page: a listener added before the client's own.
  const Native = window.WebSocket;
  if (Native) {
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (event) => {
          const now = performance.now();
          const data = event.data;
          const size = typeof data === 'string' ? data.length : (data.byteLength ?? data.size ?? 0);
          if (size > bench.largestFrame) bench.largestFrame = size;
          if (typeof data === 'string' && data.includes('"secondary.sirets_changed"')) {
            const stamp = event.timeStamp;
            bench.frames.push(stamp > 0 && stamp <= now && stamp > now - 1000 ? stamp : now);
            pollLive(now);
          }
        });
      }
    };
  }

  // Sign-in: from the click on « Se connecter » until the home screen's tab list takes the focus.
  const signedInCheck = () => {
    if (bench.signInClickAt === undefined || bench.interactiveAt !== undefined) return;
    const tab = document.querySelector(
      'main[aria-label="Contenu"] [role="tablist"] [role="tab"][aria-selected="true"]',
    );
    if (!tab) return;
    tab.focus();
    if (document.activeElement !== tab) return;
    bench.interactiveAt = performance.now();
    afterPaint((at) => (bench.signInPaintedAt = at));
  };

  // A tab switch: from the click on a tab until its panel is in place with content.
  const switchCheck = () => {
    const s = bench.tabSwitch;
    if (!s || s.contentAt !== undefined) return;
    const panel = document.getElementById(s.panelId);
    // A panel visited before stays in the page, hidden, until its tab is selected again.
    if (!panel || panel.getAttribute('role') !== 'tabpanel' || panel.hidden || panel.childElementCount === 0)
      return;
    s.contentAt = performance.now();
    afterPaint((at) => (s.paintedAt = at));
  };

  // A live change: the first change of the watched DOM after the event's frame arrived.
  const liveCheck = () => {
    const l = bench.live;
    if (!l || l.changedAt !== undefined || bench.frames.length <= l.framesBefore) return;
    const el = l.selector ? document.querySelector(l.selector) : null;
    if (l.selector && !el) return;
    // A checkbox's state is a property, not an attribute: no mutation tells of it.
    if (l.checked !== null && (!el || el.checked !== l.checked)) return;
    if (!l.selector && !l.mutated) return;
    l.frameAt = bench.frames[l.framesBefore];
    l.changedAt = performance.now();
    afterPaint((at) => (l.paintedAt = at));
  };

  // The matrix scrolled a step per frame: from its top-left corner to its bottom-right one
  // (a fling), or at a steady pace in px per second (a wheel's), from the top-left corner.
  bench.scrollMatrix = (durationMs, pace) =>
    new Promise((done) => {
      const el = document.querySelector('[role="tabpanel"]:not([hidden]) .matrix-scroll');
      el.scrollTop = 0;
      el.scrollLeft = 0;
      let longFrames = null;
      let observer = null;
      if ((PerformanceObserver.supportedEntryTypes || []).includes('long-animation-frame')) {
        longFrames = 0;
        observer = new PerformanceObserver((list) => (longFrames += list.getEntries().length));
        observer.observe({ type: 'long-animation-frame' });
      }
      const deltas = [];
      let start = 0;
      let last = 0;
      const step = (now) => {
        if (start === 0) start = now;
        else deltas.push(now - last);
        last = now;
        const progress = Math.min(1, (now - start) / durationMs);
        const seconds = (now - start) / 1000;
        el.scrollTop = pace ? seconds * pace.down : progress * (el.scrollHeight - el.clientHeight);
        el.scrollLeft = pace ? seconds * pace.right : progress * (el.scrollWidth - el.clientWidth);
        if (progress < 1) return requestAnimationFrame(step);
        observer?.disconnect();
        done({ deltas, longFrames, scrolledY: el.scrollTop, scrolledX: el.scrollLeft });
      };
      requestAnimationFrame(step);
    });

  // Between every task after the frame: catches changes no mutation reports.
  const pollLive = (since) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      liveCheck();
      const l = bench.live;
      if (l && l.changedAt === undefined && performance.now() - since < 5000) channel.port2.postMessage(0);
      else channel.port1.close();
    };
    channel.port2.postMessage(0);
  };

  document.addEventListener(
    'click',
    (event) => {
      const target = event.target instanceof Element ? event.target : null;
      const tab = target?.closest('[role="tab"]');
      if (tab) {
        bench.tabSwitch = { at: event.timeStamp, panelId: tab.getAttribute('aria-controls') };
        return;
      }
      const button = target?.closest('button');
      if (button && button.textContent.trim() === 'Se connecter') {
        bench.signInClickAt = event.timeStamp;
        bench.interactiveAt = undefined;
        bench.signInPaintedAt = undefined;
      }
    },
    true,
  );
  const observer = new MutationObserver((records) => {
    const l = bench.live;
    if (l && !l.mutated && bench.frames.length > l.framesBefore) {
      const panel = document.querySelector('main[aria-label="Contenu"] [role="tabpanel"]:not([hidden])');
      if (panel && records.some((r) => panel.contains(r.target))) l.mutated = true;
    }
    signedInCheck();
    switchCheck();
    liveCheck();
  });
  const start = () =>
    observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  start();
})();`;

interface ProbeWindow {
  __bench: {
    frames: number[];
    largestFrame: number;
    afterPaint(done: (at: number) => void): void;
    scrollMatrix(durationMs: number, pace?: ScrollPace): Promise<ScrollReading>;
    signInClickAt?: number;
    interactiveAt?: number;
    signInPaintedAt?: number;
    tabSwitch?: { at: number; panelId: string; contentAt?: number; paintedAt?: number };
    live?: {
      framesBefore: number;
      selector: string | null;
      checked: boolean | null;
      mutated?: boolean;
      frameAt?: number;
      changedAt?: number;
      paintedAt?: number;
    };
  };
}

export async function measurePanelLarge(context: BenchContext): Promise<MeasureResult> {
  const counts = context.quick
    ? { signIns: 4, switchRounds: 6, live: 6, snapshots: 8 }
    : { signIns: 12, switchRounds: 20, live: 20, snapshots: 20 };
  context.log('panel-large: wxt build');
  await buildBenchExtension();
  const database = await createPostgresDatabase(context.postgresUrl, {
    prefix: 'qrp_bench_panel_large',
    poolSize: 4,
  });
  try {
    context.log('panel-large: seeding the large and the small space (bulk SQL)');
    const large = await seedSpace(database.url, 'large', LARGE);
    const small = await seedSpace(database.url, 'small', SMALL);

    context.log(`panel-large: snapshot built ${counts.snapshots} times in process`);
    const snapshots = {
      large: await measureSnapshot(database.db, large.principalId, counts.snapshots),
      small: await measureSnapshot(database.db, small.principalId, counts.snapshots),
    };

    const server = await startServerNode({
      script: process.env.BENCH_SERVER_SCRIPT,
      // 'info': the node says it is listening at that level.
      env: { DATABASE_URL: database.url, LOG_LEVEL: 'info' },
    });
    try {
      // The panel's own default names `localhost`, and only loopback needs no permission prompt.
      const serverUrl = `http://localhost:${server.port}`;
      // The sign-in's own server part (the password's argon2 check included), for the table.
      const loginMs: Record<Size, number[]> = { large: [], small: [] };
      for (let i = 0; i < 5; i++) {
        for (const space of [small, large]) {
          const started = performance.now();
          await signInOverHttp(server.url, space.principalEmail, PASSWORD);
          loginMs[space.size].push(performance.now() - started);
        }
      }
      const browser = await launchBrowserWithExtension(BENCH_EXTENSION_DIR);
      try {
        await browser.addInitScript(PAGE_PROBE);
        const setup = await PanelPage.open(browser);
        await setup.setServer(serverUrl);
        await setup.page.close();

        const readings: Record<Size, SpaceReadings> = {
          large: emptyReadings(snapshots.large),
          small: emptyReadings(snapshots.small),
        };
        context.log(
          `panel-large: ${counts.signIns} sign-ins in each space (one more first, not counted)`,
        );
        for (let i = -1; i < counts.signIns; i++) {
          // Alternated, so that any drift of the machine hits both spaces alike.
          for (const space of [small, large]) {
            const timed = await timeSignIn(browser, space, server.process.pid);
            if (i >= 0) {
              readings[space.size].signIn.push(timed.interactive);
              readings[space.size].signInPainted.push(timed.painted);
              readings[space.size].signInServerCpu.push(timed.serverCpu);
            }
          }
        }
        for (const space of [small, large]) {
          context.log(
            `panel-large: tab switches, live attributions, scroll, memory (${space.size})`,
          );
          await measureSignedIn(
            browser,
            serverUrl,
            database.db,
            space,
            counts,
            readings[space.size],
          );
        }
        readings.large.loginMs = loginMs.large;
        readings.small.loginMs = loginMs.small;
        return report(context, readings, counts, large, small);
      } finally {
        await browser.close();
      }
    } finally {
      await server.stop();
    }
  } finally {
    await database.close();
  }
}

function emptyReadings(snapshot: { kb: number; ms: number[] }): SpaceReadings {
  return {
    signIn: [],
    signInPainted: [],
    signInServerCpu: [],
    switches: [],
    tabsPresent: [],
    live: [],
    liveTarget: '',
    liveCell: false,
    loginMs: [],
    liveAttributions: [],
    scroll: null,
    wheelScroll: null,
    heapMB: Number.NaN,
    domNodes: Number.NaN,
    nodesByTab: {},
    snapshotKB: snapshot.kb,
    snapshotMs: snapshot.ms,
    largestFrameKB: Number.NaN,
  };
}

// --- the world -------------------------------------------------------------------------

/** SIRETs of their own per space, Luhn-valid, never La Poste's (they start with 8 or 9). */
function siretsFor(size: Size, count: number): string[] {
  const lead = size === 'large' ? '8' : '9';
  return Array.from({ length: count }, (_, i) =>
    withLuhnDigit(`${lead}${String(i).padStart(12, '0')}`),
  );
}

/**
 * One space written with a handful of set-based statements. No event: the
 * stream has no head yet (0), as for spaces the fixtures make, so the snapshot's
 * `lastEventId` and the first live event (seq 1) follow on.
 */
async function seedSpace(url: string, size: Size, shape: SpaceShape): Promise<SeededSpace> {
  const hash = await passwordHash();
  const codeHash = await unlockCodeHash();
  const domain = `${shape.name}-espace.example.fr`;
  const principalEmail = `principal@${domain}`;
  const sirets = siretsFor(size, shape.sirets);
  return withClient(url, async (client) => {
    await client.query('begin');
    const space = await client.query<{ id: number }>(
      'insert into spaces (dissolved_at) values (null) returning id',
    );
    const spaceId = space.rows[0]!.id;
    const principal = await client.query<{ id: number }>(
      `insert into users (email, role, status, password_hash, space_id)
       values ($1, 'principal', 'active', $2, $3) returning id`,
      [principalEmail, hash, spaceId],
    );
    await client.query('insert into sirets (siret, space_id) select unnest($1::text[]), $2', [
      sirets,
      spaceId,
    ]);
    const secondaryRows = (
      await client.query<{ id: number; email: string }>(
        `insert into users (email, role, status, password_hash, space_id)
         select format('secondaire-%s@%s', lpad(i::text, 3, '0'), $2::text), 'secondary', 'active', $3, $1
         from generate_series(1, $4::int) as i
         returning id, email`,
        [spaceId, domain, hash, shape.secondaries],
      )
    ).rows.sort((a, b) => a.email.localeCompare(b.email));
    const attributions = new Map<number, string[]>();
    secondaryRows.forEach((row, i) => {
      const start = (i * shape.siretsPerSecondary) % sirets.length;
      attributions.set(row.id, sirets.slice(start, start + shape.siretsPerSecondary));
    });
    const pairs = [...attributions].flatMap(([id, list]) => list.map((siret) => ({ id, siret })));
    await client.query(
      'insert into attributions (user_id, siret) select unnest($1::int[]), unnest($2::text[])',
      [pairs.map((p) => p.id), pairs.map((p) => p.siret)],
    );
    // Mixed statuses, both kinds, openings spread over a year, due 20 days later.
    await client.query(
      `insert into dossiers (reference, siret, kind, status, unlock_code_hash, opened_at, due_at)
       select format('BENCH-%s-%s', upper($2::text), lpad(n::text, 5, '0')), s.siret,
              case when n % 4 = 0 then 'MP' else 'AT' end,
              ($3::text[])[1 + n % 3], $4,
              date '2025-06-01' + (n % 365), date '2025-06-01' + (n % 365) + 20
       from unnest($1::text[]) with ordinality as s(siret, k)
       cross join generate_series(1, $5::int) as d
       cross join lateral (select ((s.k - 1) * $5 + d)::int as n) as numbered`,
      [sirets, shape.name, DOSSIER_STATUSES, codeHash, shape.dossiersPerSiret],
    );
    await client.query('commit');
    return {
      size,
      spaceId,
      principalId: principal.rows[0]!.id,
      principalEmail,
      sirets,
      secondaries: new Map(secondaryRows.map((row) => [row.email, row.id])),
      attributions,
      dossiers: shape.sirets * shape.dossiersPerSiret,
    };
  });
}

// --- the snapshot --------------------------------------------------------------------

async function measureSnapshot(
  db: Kysely<Database>,
  principalId: number,
  builds: number,
): Promise<{ kb: number; ms: number[] }> {
  const noneOnline = () => Promise.resolve([]);
  let snapshot = await buildSnapshot(db, principalId, noneOnline);
  await buildSnapshot(db, principalId, noneOnline);
  const ms: number[] = [];
  for (let i = 0; i < builds; i++) {
    const started = performance.now();
    snapshot = await buildSnapshot(db, principalId, noneOnline);
    ms.push(performance.now() - started);
  }
  if (!snapshot) throw new Error('no snapshot for the principal of the bench space');
  return { kb: Buffer.byteLength(JSON.stringify(snapshot)) / 1024, ms };
}

// --- in the browser --------------------------------------------------------------------

/** By this long after the click, all the server does for a sign-in (the background's connection included) is over. */
const SIGN_IN_SETTLED_MS = 2_500;

/** A process's CPU time so far (user + system), ms; NaN where /proc cannot tell. */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command's closing parenthesis; utime and stime are the 14th and 15th (clock ticks of 10 ms).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

async function timeSignIn(
  browser: BrowserContext,
  space: SeededSpace,
  serverPid: number | undefined,
): Promise<{
  interactive: number;
  painted: number;
  serverCpu: { toInteractive: number; toSettled: number };
}> {
  const panel = await PanelPage.open(browser);
  const profileDir = process.env.BENCH_PANEL_PROFILE_DIR;
  const cdp = profileDir ? await browser.newCDPSession(panel.page) : null;
  try {
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const cpuAtStart = processCpuMs(serverPid);
    const startedAt = performance.now();
    await panel.fillSignIn(space.principalEmail, PASSWORD);
    await panel.page.waitForFunction(
      () => (window as unknown as ProbeWindow).__bench.interactiveAt !== undefined,
      undefined,
      { timeout: WAIT_MS, polling: 'raf' },
    );
    const cpuAtInteractive = processCpuMs(serverPid);
    await panel.page.waitForFunction(
      () => (window as unknown as ProbeWindow).__bench.signInPaintedAt !== undefined,
      undefined,
      { timeout: WAIT_MS },
    );
    await panel.page.waitForTimeout(
      Math.max(0, SIGN_IN_SETTLED_MS - (performance.now() - startedAt)),
    );
    const cpuSettled = processCpuMs(serverPid);
    const times = await panel.page.evaluate(() => {
      const bench = (window as unknown as ProbeWindow).__bench;
      return {
        click: bench.signInClickAt!,
        interactive: bench.interactiveAt!,
        painted: bench.signInPaintedAt!,
      };
    });
    if (cdp && profileDir) {
      const { profile } = await cdp.send('Profiler.stop');
      mkdirSync(profileDir, { recursive: true });
      writeFileSync(join(profileDir, `sign-in-${space.size}.cpuprofile`), JSON.stringify(profile));
    }
    await panel.waitSignedIn(space.principalEmail);
    await panel.signOut();
    return {
      interactive: times.interactive - times.click,
      painted: times.painted - times.click,
      serverCpu: {
        toInteractive: cpuAtInteractive - cpuAtStart,
        toSettled: cpuSettled - cpuAtStart,
      },
    };
  } finally {
    await cdp?.detach();
    await panel.page.close();
  }
}

async function measureSignedIn(
  browser: BrowserContext,
  serverUrl: string,
  db: Kysely<Database>,
  space: SeededSpace,
  counts: { switchRounds: number; live: number },
  readings: SpaceReadings,
): Promise<void> {
  const panel = await PanelPage.open(browser);
  const page = panel.page;
  try {
    await panel.signIn(space.principalEmail, PASSWORD);
    readings.largestFrameKB =
      (await page.evaluate(() => (window as unknown as ProbeWindow).__bench.largestFrame)) / 1024;
    const tablist = page.getByRole('main', { name: 'Contenu' }).getByRole('tablist');
    for (const name of SWITCH_TABS) {
      if ((await tablist.getByRole('tab', { name, exact: true }).count()) > 0)
        readings.tabsPresent.push(name);
    }

    // Tab switches: each tab in turn, one round first not counted.
    for (let round = -1; round < counts.switchRounds; round++) {
      for (const name of readings.tabsPresent) {
        const ms = await timeTabSwitch(page, name);
        if (round >= 0) readings.switches.push({ tab: name, ms });
        if (round === -1) readings.nodesByTab[name] = await domNodes(page);
      }
    }

    // Live attributions, changed from another session of the same principal.
    const token = (await createSession(db, space.principalId)).token;
    await selectTab(page, 'Paramétrage');
    const target = await firstSecondaryShown(page, space);
    readings.liveTarget = target.watch
      ? 'the first secondary shown'
      : 'the first secondary by e-mail (no row found: the first change in the tab panel is watched)';
    readings.live = await timeLiveAttributions(page, serverUrl, token, target, counts.live);
    if (readings.tabsPresent.includes('Attributions')) {
      await selectTab(page, 'Attributions');
      const cell = await firstTickedCell(page, space);
      readings.liveCell = cell !== null;
      readings.liveAttributions = (
        await timeLiveAttributions(
          page,
          serverUrl,
          token,
          cell ?? { ...target, watch: null },
          counts.live,
        )
      ).map(({ frameToPaint, requestToPaint }) => ({ frameToPaint, requestToPaint }));
      readings.scroll = await scrollMatrix(page);
      readings.wheelScroll = await scrollMatrix(page, WHEEL_PACE);
    }

    // Memory and nodes on the home screen, after a collection.
    await selectTab(page, 'Tableau de bord');
    const cdp = await browser.newCDPSession(page);
    try {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('Performance.enable');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
      readings.heapMB = heap / (1024 * 1024);
    } finally {
      await cdp.detach();
    }
    readings.domNodes = await domNodes(page);
    await panel.signOut();
  } finally {
    await page.close();
  }
}

function domNodes(page: Page): Promise<number> {
  return page.evaluate(() => document.getElementsByTagName('*').length);
}

async function selectTab(page: Page, name: string): Promise<void> {
  const tab = page.getByRole('main', { name: 'Contenu' }).getByRole('tab', { name, exact: true });
  if ((await tab.getAttribute('aria-selected')) !== 'true') await timeTabSwitch(page, name);
}

async function timeTabSwitch(page: Page, name: string): Promise<number> {
  await page.evaluate(() => {
    (window as unknown as ProbeWindow).__bench.tabSwitch = undefined;
  });
  await page.getByRole('main', { name: 'Contenu' }).getByRole('tab', { name, exact: true }).click();
  await page.waitForFunction(
    () => (window as unknown as ProbeWindow).__bench.tabSwitch?.paintedAt !== undefined,
    undefined,
    { timeout: WAIT_MS },
  );
  const s = await page.evaluate(() => (window as unknown as ProbeWindow).__bench.tabSwitch!);
  // Let the page settle (late effects, fetches a tab starts) before the next click.
  await page.waitForTimeout(50);
  return s.paintedAt! - s.at;
}

/**
 * Takes one SIRET away from (then gives it back to) the first secondary shown,
 * over HTTP with another session, `rounds` times; each time from the event's
 * frame reaching the page to the change painted, and from the request sent.
 */
interface LiveTarget {
  userId: number;
  /** The secondary's seeded SIRETs. */
  sirets: string[];
  /** The SIRET taken away and given back in turn. */
  toggled: string;
  /** What shows the change: an element, and for a checkbox its state; null: any change in the tab panel. */
  watch: ((held: string[]) => { selector: string; checked: boolean | null }) | null;
}

/** The secondary whose row comes first in « Paramétrage » (its « Liste SIRETs (n) » is watched). */
async function firstSecondaryShown(page: Page, space: SeededSpace): Promise<LiveTarget> {
  const cell = page
    .locator('[role="tabpanel"]:not([hidden]) .secondaries tbody [role="rowheader"] .email-text')
    .first();
  const shown = (await cell.count()) > 0 ? (await cell.textContent())?.trim() : undefined;
  const found = shown !== undefined && space.secondaries.has(shown);
  const email = found ? shown : [...space.secondaries.keys()][0]!;
  const userId = space.secondaries.get(email)!;
  const sirets = space.attributions.get(userId)!;
  return {
    userId,
    sirets,
    toggled: sirets[0]!,
    watch: found
      ? (held) => ({
          selector: `[aria-label="Liste SIRETs de ${email} (${held.length})"]`,
          checked: null,
        })
      : null,
  };
}

/** The first ticked cell the matrix renders: its checkbox is watched. */
async function firstTickedCell(page: Page, space: SeededSpace): Promise<LiveTarget | null> {
  const box = page
    .locator('[role="tabpanel"]:not([hidden]) .matrix-cell input[type="checkbox"]:checked')
    .first();
  try {
    await box.waitFor({ timeout: WAIT_MS });
  } catch {
    return null;
  }
  const label = (await box.getAttribute('aria-label')) ?? '';
  // « SIRET 123 456 789 00012 — someone@example.fr »
  const match = /^SIRET ([\d\s]+) — (.+)$/.exec(label);
  const userId = match ? space.secondaries.get(match[2]!) : undefined;
  if (!match || userId === undefined) return null;
  const siret = match[1]!.replace(/\s/g, '');
  return {
    userId,
    sirets: space.attributions.get(userId)!,
    toggled: siret,
    watch: (held) => ({ selector: `input[aria-label="${label}"]`, checked: held.includes(siret) }),
  };
}

async function timeLiveAttributions(
  page: Page,
  serverUrl: string,
  token: string,
  target: LiveTarget,
  rounds: number,
): Promise<{ frameToPaint: number; requestToPaint: number; requestToAnswer: number }[]> {
  const { userId, sirets: full, toggled } = target;
  const put = (sirets: string[]) =>
    fetch(`${serverUrl}/api/v1/secondaries/${userId}/sirets`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sirets }),
    });
  const results = [];
  for (let i = -1; i < rounds; i++) {
    // Alternately one SIRET fewer and all of them again: a change every time.
    const sirets = (i + 1) % 2 === 0 ? full.filter((siret) => siret !== toggled) : full;
    const watch = target.watch?.(sirets) ?? { selector: null, checked: null };
    await page.evaluate((watched) => {
      const bench = (window as unknown as ProbeWindow).__bench;
      bench.live = { framesBefore: bench.frames.length, ...watched };
    }, watch);
    const sentAt = performance.timeOrigin + performance.now();
    const response = await put(sirets);
    const answeredAt = performance.timeOrigin + performance.now();
    if (!response.ok)
      throw new Error(
        `PUT /secondaries/${userId}/sirets answered ${response.status}: ${await response.text()}`,
      );
    try {
      await page.waitForFunction(
        () => (window as unknown as ProbeWindow).__bench.live?.paintedAt !== undefined,
        undefined,
        { timeout: WAIT_MS },
      );
    } catch (error) {
      const seen = await page.evaluate(
        (selectorText) => ({
          live: (window as unknown as ProbeWindow).__bench.live,
          frames: (window as unknown as ProbeWindow).__bench.frames.length,
          found: selectorText !== null && document.querySelector(selectorText) !== null,
        }),
        watch.selector,
      );
      throw new Error(`live change not seen painted: ${JSON.stringify(seen)}`, { cause: error });
    }
    const live = await page.evaluate(() => {
      const l = (window as unknown as ProbeWindow).__bench.live!;
      return { frameAt: l.frameAt!, paintedAt: l.paintedAt!, origin: performance.timeOrigin };
    });
    if (i >= 0) {
      results.push({
        frameToPaint: live.paintedAt - live.frameAt,
        requestToPaint: live.origin + live.paintedAt - sentAt,
        requestToAnswer: answeredAt - sentAt,
      });
    }
    await page.waitForTimeout(100);
  }
  // Back to the seeded attributions, untimed: the next series starts from the same state.
  if ((rounds + 1) % 2 === 1) {
    const response = await put(full);
    if (!response.ok)
      throw new Error(`PUT /secondaries/${userId}/sirets answered ${response.status}`);
    await page.waitForTimeout(300);
  }
  return results;
}

/** Scrolls `.matrix-scroll` down and right over about 2 s, one step per animation frame. */
async function scrollMatrix(page: Page, pace?: ScrollPace): Promise<ScrollReading | null> {
  const scroller = page.locator('[role="tabpanel"]:not([hidden]) .matrix-scroll').first();
  try {
    await scroller.waitFor({ timeout: WAIT_MS });
  } catch {
    return null;
  }
  const scroll = () =>
    page.evaluate(
      ([durationMs, steady]) =>
        (window as unknown as ProbeWindow).__bench.scrollMatrix(durationMs, steady),
      [SCROLL_MS, pace] as const,
    );
  const profileDir = process.env.BENCH_PANEL_PROFILE_DIR;
  const cdp = await page.context().newCDPSession(page);
  const work = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const of = (name: string) => (metrics.find((m) => m.name === name)?.value ?? Number.NaN) * 1000;
    return Object.fromEntries(
      Object.entries(WORK_METRICS).map(([key, name]) => [key, of(name)]),
    ) as Record<keyof typeof WORK_METRICS, number>;
  };
  // Where the frames' time goes, on the main thread: less bent by a busy machine than frame times.
  const withWork = async (reading: ScrollReading): Promise<ScrollReading> => {
    const after = await work();
    const frames = Math.max(1, reading.deltas.length);
    const perFrame = Object.fromEntries(
      Object.keys(WORK_METRICS).map((key) => {
        const k = key as keyof typeof WORK_METRICS;
        return [k, (after[k] - before[k]) / frames];
      }),
    ) as ScrollReading['perFrame'];
    return { ...reading, perFrame };
  };
  await cdp.send('Performance.enable');
  const before = await work();
  if (!profileDir) {
    try {
      return await withWork(await scroll());
    } finally {
      await cdp.detach();
    }
  }
  // `BENCH_PANEL_PROFILE_DIR=/tmp/prof BENCH_ONLY=panel-large npm run bench`: where a frame's time goes.
  try {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const reading = await withWork(await scroll());
    const { profile } = await cdp.send('Profiler.stop');
    mkdirSync(profileDir, { recursive: true });
    const rows = await page.locator('.matrix-row').count();
    writeFileSync(
      join(profileDir, `matrix-scroll-${rows}-rows.cpuprofile`),
      JSON.stringify(profile),
    );
    return reading;
  } finally {
    await cdp.detach();
  }
}

// --- the report --------------------------------------------------------------------------

function report(
  context: BenchContext,
  readings: Record<Size, SpaceReadings>,
  counts: { signIns: number; switchRounds: number; live: number; snapshots: number },
  large: SeededSpace,
  small: SeededSpace,
): MeasureResult {
  const L = readings.large;
  const S = readings.small;
  const median = (values: number[]) => percentile(values, 0.5);
  const figures: Figure[] = [];
  const timed = (label: string, large: number[], small: number[], goalMs: number | null): void => {
    if (large.length === 0) return;
    const value = median(large);
    const base = median(small);
    const withinRatio = small.length > 0 && value <= base * GOALS.ratio;
    figures.push({
      label: `${label}, median of ${large.length}`,
      value: round(value, 1),
      unit: 'ms',
      baseline: { label: 'the same in the small space', value: round(base, 1) },
      ...(goalMs === null
        ? {}
        : {
            goal: `≤ ${goalMs} ms and ≤ ${GOALS.ratio} × small`,
            pass: value <= goalMs && withinRatio,
          }),
    });
  };
  timed(
    'sign-in click → home interactive (tab list focusable)',
    L.signIn,
    S.signIn,
    GOALS.signInMs,
  );
  timed(
    'tab switch click → panel content painted',
    L.switches.map((s) => s.ms),
    S.switches.map((s) => s.ms),
    GOALS.tabSwitchMs,
  );
  timed(
    'live attribution: WebSocket frame → change painted (« Paramétrage »)',
    L.live.map((l) => l.frameToPaint),
    S.live.map((l) => l.frameToPaint),
    GOALS.liveMs,
  );
  timed(
    'live attribution: HTTP request sent → change painted (« Paramétrage »)',
    L.live.map((l) => l.requestToPaint),
    S.live.map((l) => l.requestToPaint),
    null,
  );
  timed(
    'live attribution: WebSocket frame → change painted (« Attributions »)',
    L.liveAttributions.map((l) => l.frameToPaint),
    S.liveAttributions.map((l) => l.frameToPaint),
    GOALS.liveMs,
  );
  const scrolls = [
    ['matrix scroll at a wheel’s pace', L.wheelScroll, S.wheelScroll],
    ['matrix scroll, flung corner to corner', L.scroll, S.scroll],
  ] as const;
  for (const [name, large, small] of scrolls) {
    if (!large || large.deltas.length === 0) continue;
    const p95 = percentile(large.deltas, 0.95);
    const smallDeltas = small?.deltas ?? [];
    const ofSmall = (value: number) => round(smallDeltas.length > 0 ? value : Number.NaN, 1);
    figures.push(
      {
        label: `${name}: frame time p95 (${large.deltas.length} frames)`,
        value: round(p95, 1),
        unit: 'ms',
        baseline: { label: 'small space, p95', value: ofSmall(percentile(smallDeltas, 0.95)) },
        goal: `≤ ${GOALS.frameMs} ms (60/s, none dropped)`,
        pass: p95 <= GOALS.frameMs,
      },
      {
        label: `${name}: frame time p50`,
        value: round(percentile(large.deltas, 0.5), 1),
        unit: 'ms',
        baseline: { label: 'small space, p50', value: ofSmall(percentile(smallDeltas, 0.5)) },
      },
      {
        label: `${name}: frames per second`,
        value: round(fps(large.deltas), 1),
        unit: 'per s',
        baseline: { label: 'small space', value: ofSmall(fps(smallDeltas)) },
      },
    );
  }
  figures.push(
    {
      label: 'panel JS heap used after a GC (home screen)',
      value: round(L.heapMB, 1),
      unit: 'MB',
      baseline: { label: 'small space', value: round(S.heapMB, 1) },
    },
    {
      label: 'panel DOM elements (home screen)',
      value: L.domNodes,
      unit: 'count',
      baseline: { label: 'small space', value: S.domNodes },
    },
    {
      label: 'snapshot sent on connection (JSON)',
      value: round(L.snapshotKB, 1),
      unit: 'KB',
      baseline: { label: 'small space', value: round(S.snapshotKB, 1) },
    },
    {
      label: `snapshot build in process, median of ${L.snapshotMs.length}`,
      value: round(median(L.snapshotMs), 2),
      unit: 'ms',
      baseline: { label: 'small space', value: round(median(S.snapshotMs), 2) },
    },
  );

  const byTab = (r: SpaceReadings, tab: string) =>
    r.switches.filter((s) => s.tab === tab).map((s) => s.ms);
  const tables: Table[] = [
    {
      caption: 'Where the time goes, large space against small (medians, ms unless said)',
      head: ['reading', 'large', 'small', 'large / small'],
      rows: [
        row('sign-in click → home painted', median(L.signInPainted), median(S.signInPainted)),
        row(
          'server CPU, typing + click → home interactive',
          median(L.signInServerCpu.map((c) => c.toInteractive)),
          median(S.signInServerCpu.map((c) => c.toInteractive)),
        ),
        row(
          `server CPU, typing + click → ${SIGN_IN_SETTLED_MS / 1000} s later (the background's connection included)`,
          median(L.signInServerCpu.map((c) => c.toSettled)),
          median(S.signInServerCpu.map((c) => c.toSettled)),
        ),
        row(
          'POST /auth/login from Node, answer (argon2 check included), median of 5',
          median(L.loginMs),
          median(S.loginMs),
        ),
        ...L.tabsPresent.map((tab) =>
          row(`switch to « ${tab} »`, median(byTab(L, tab)), median(byTab(S, tab))),
        ),
        row(
          'switch, p90 (all tabs)',
          percentile(
            L.switches.map((s) => s.ms),
            0.9,
          ),
          percentile(
            S.switches.map((s) => s.ms),
            0.9,
          ),
        ),
        row(
          'live: HTTP request → answer',
          median(L.live.map((l) => l.requestToAnswer)),
          median(S.live.map((l) => l.requestToAnswer)),
        ),
        row(
          'live: frame → painted, p90',
          percentile(
            L.live.map((l) => l.frameToPaint),
            0.9,
          ),
          percentile(
            S.live.map((l) => l.frameToPaint),
            0.9,
          ),
        ),
        ...L.tabsPresent.map((tab) =>
          row(
            `DOM elements on « ${tab} » (count)`,
            L.nodesByTab[tab] ?? Number.NaN,
            S.nodesByTab[tab] ?? Number.NaN,
          ),
        ),
        ...scrollWork(L, S),
        row('largest WebSocket frame received (KB)', L.largestFrameKB, S.largestFrameKB),
        row('snapshot build, p90', percentile(L.snapshotMs, 0.9), percentile(S.snapshotMs, 0.9)),
      ],
    },
  ];
  const notes = [
    `One fresh PostgreSQL database; large space: ${large.sirets.length.toLocaleString('en-US')} SIRETs, ${large.secondaries.size} active secondaries with ${LARGE.siretsPerSecondary} SIRETs each (every SIRET held once), ${large.dossiers.toLocaleString('en-US')} dossiers (${LARGE.dossiersPerSiret} per SIRET, the three statuses in turn, AT and MP); small space (baseline): ${small.sirets.length} SIRETs, ${small.secondaries.size} secondaries, ${small.dossiers} dossiers. Written with a few set-based SQL statements (unnest, generate_series); no event yet (stream head 0, as the fixtures leave a space).`,
    `Server: \`server/main.ts\` (built) in its own process on that database; Chromium headless with the extension built by \`wxt build --mode bench\`, the panel opened as a tab of 420 × 900 px, server address set once through « Réglages ».`,
    `Times are read on the page's clock by a script installed before the page's scripts: a click at its event's time stamp; "painted" = the first task after the next animation frame (a message posted from requestAnimationFrame). Goals: the absolute one and large ≤ ${GOALS.ratio} × small, both.`,
    `Sign-in: a new panel page each time, e-mail and password typed, click on « Se connecter » → the home screen (rendered from the snapshot) has its tab list and the selected tab takes the focus (MutationObserver); then « Se déconnecter ». ${counts.signIns} sign-ins per space, alternated, after one of each not counted. Large: min ${round(Math.min(...L.signIn), 1)}, max ${round(Math.max(...L.signIn), 1)} ms.`,
    `Tab switches: clicks on ${L.tabsPresent.map((t) => `« ${t} »`).join(', ')} in turn, ${counts.switchRounds} rounds after one not counted; the time runs until the tab panel bears the clicked tab's id with content in it, and the next frame is painted.`,
    `Live attribution: while the panel shows « Paramétrage » (page 1 of the secondaries), PUT /api/v1/secondaries/:id/sirets with another session of the same principal takes one SIRET from ${L.liveTarget}, then gives it back (${counts.live} changes after one not counted); from the \`secondary.sirets_changed\` frame reaching the page (its message event, through a listener on the page's WebSocket) until the row's « Liste SIRETs (n) » shows the new count and the next frame is painted. End to end from the request sent (Node and page clocks are both the machine's, through performance.timeOrigin).`,
    L.tabsPresent.includes('Attributions')
      ? `« Attributions »: the same kind of change while it is shown, on the first ticked cell the matrix renders (${L.liveCell ? 'found' : 'none found: the first change in the tab panel was watched'}), until that checkbox shows the new state and the next frame is painted (a checkbox's state is a property no MutationObserver reports: the page looks between every task after the frame). Matrix scroll: \`.matrix-scroll\` scrolled one step per requestAnimationFrame for ${SCROLL_MS / 1000} s, at a wheel’s pace (${WHEEL_PACE.down} px/s down, ${WHEEL_PACE.right} px/s right) and flung from the top-left corner to the bottom-right one (${L.scroll ? round((L.scroll.scrolledY / SCROLL_MS) * 1000, 0) : '?'} px/s down in the large space: every frame brings about ${L.scroll ? round(L.scroll.scrolledY / SCROLL_MS / 2, 0) : '?'} new rows), the frame time being the delta between callbacks (headless Chromium paces frames at 60 Hz: 16.7 ms is the floor); long animation frames seen by PerformanceObserver: ${L.scroll?.longFrames ?? 'not supported'} (large), ${S.scroll?.longFrames ?? 'not supported'} (small); scrolled to ${round(L.scroll?.scrolledY ?? 0, 0)} px down, ${round(L.scroll?.scrolledX ?? 0, 0)} px right (large).`
      : 'No « Attributions » tab in this build: its live change and the matrix scroll were not measured.',
    `Memory: CDP HeapProfiler.collectGarbage, then Performance.getMetrics JSHeapUsedSize of the panel page, on « Tableau de bord » after the tab switches and live changes; DOM elements = document.getElementsByTagName('*').length there.`,
    `Snapshot: buildSnapshot for the principal, in this process against the bench database (${counts.snapshots} builds after two not counted, nobody online); size = its JSON in UTF-8, KB = 1,024 bytes. The largest frame the panel received (table) is the snapshot as Socket.IO sends it.`,
  ];
  context.log(`panel-large: done (${figures.length} figures)`);
  return {
    id: 'panel-large',
    title: 'The principal’s side panel for a space of 1,000 SIRETs and 200 secondaries (Chromium)',
    figures,
    notes,
    tables,
  };
}

/** The main thread's time per frame while the matrix scrolls, by kind. */
function scrollWork(L: SpaceReadings, S: SpaceReadings): string[][] {
  const kinds = [
    ['style', 'styleMs'],
    ['layout', 'layoutMs'],
    ['script', 'scriptMs'],
    ['all tasks', 'taskMs'],
  ] as const;
  const scrolls = [
    ['wheel', L.wheelScroll, S.wheelScroll],
    ['fling', L.scroll, S.scroll],
  ] as const;
  return scrolls.flatMap(([name, large, small]) =>
    large?.perFrame
      ? kinds.map(([kind, key]) =>
          row(
            `matrix ${name}: ${kind} per frame (CDP metrics)`,
            large.perFrame![key],
            small?.perFrame?.[key] ?? Number.NaN,
          ),
        )
      : [],
  );
}

function row(label: string, large: number, small: number): string[] {
  return [
    label,
    fmt(large),
    fmt(small),
    Number.isFinite(large) && Number.isFinite(small) ? `${ratio(large, small)}` : '—',
  ];
}

function fmt(value: number): string {
  return Number.isFinite(value) ? String(round(value, 1)) : '—';
}

function fps(deltas: number[]): number {
  const total = deltas.reduce((sum, d) => sum + d, 0);
  return total === 0 ? Number.NaN : (deltas.length * 1000) / total;
}
