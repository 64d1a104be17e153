/**
 * Writes what a run measured: `benchmarks/results.json` (everything, for
 * machines), `benchmarks/latency-vs-clients.svg` and `BENCHMARKS.md` (for
 * people). A partial run (`BENCH_ONLY`) keeps the other measures' results of
 * the previous run, each dated.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { MeasureResult } from '../measure.js';
import { latencyChart } from './chart.js';
import { compareRuns, NOISE } from './compare-runs.js';
import { formatPass, formatRatio, formatValue } from './format.js';
import type { Machine } from './machine.js';
import { firstLine } from './table.js';

export const RESULTS_PATH = 'benchmarks/results.json';
const ANALYSIS_PATH = 'benchmarks/analysis.md';
export const CHART_PATH = 'benchmarks/latency-vs-clients.svg';
export const REPORT_PATH = 'BENCHMARKS.md';
export const README_PATH = 'README.md';
const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

export type DatedResult = MeasureResult & { measuredAt: string; quick: boolean };
export interface DatedError {
  id: string;
  error: string;
  measuredAt: string;
}

export interface RunReport {
  machine: Machine;
  date: string;
  command: string;
  quick: boolean;
  durationS: number;
  results: MeasureResult[];
  errors: { id: string; error: string }[];
  partial: boolean;
}

interface ResultsFile {
  machine: Machine;
  date: string;
  command: string;
  quick: boolean;
  durationS: number;
  results: DatedResult[];
  errors: DatedError[];
}

export async function writeReport(run: RunReport): Promise<string[]> {
  const fresh: DatedResult[] = run.results.map((r) => ({
    ...r,
    measuredAt: run.date,
    quick: run.quick,
  }));
  const freshErrors: DatedError[] = run.errors.map((e) => ({ ...e, measuredAt: run.date }));
  const ran = new Set([...fresh.map((r) => r.id), ...freshErrors.map((e) => e.id)]);
  const last = readPrevious();
  const previous = run.partial ? last : null;
  const file: ResultsFile = {
    machine: run.machine,
    date: run.date,
    command: run.command,
    quick: run.quick,
    durationS: run.durationS,
    results: [...fresh, ...(previous?.results ?? []).filter((r) => !ran.has(r.id))],
    errors: [...freshErrors, ...(previous?.errors ?? []).filter((e) => !ran.has(e.id))],
  };
  mkdirSync('benchmarks', { recursive: true });
  writeFileSync(RESULTS_PATH, `${JSON.stringify(file, null, 2)}\n`);
  const series = file.results.flatMap((r) => (r.series ?? []).map((s) => ({ ...s, name: s.name })));
  writeFileSync(CHART_PATH, `${latencyChart(series, 'Latency against connected clients')}\n`);
  writeFileSync(REPORT_PATH, renderMarkdown(file, last));
  const written = [RESULTS_PATH, CHART_PATH, REPORT_PATH];
  if (updateReadme(file)) written.push(README_PATH);
  // Written as the project's formatter writes them, so that `prettier --check .` holds.
  for (const path of written) if (!path.endsWith('.svg')) await formatFile(path);
  return written;
}

/**
 * The README's performance section: between its two markers, each measure's
 * headline figure as this run left it.
 */
function updateReadme(file: ResultsFile): boolean {
  if (!existsSync(README_PATH)) return false;
  const readme = readFileSync(README_PATH, 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return false;
  // One line per measure: its first figure with a goal, the headline.
  const rows = file.results.flatMap((r) => {
    const f = r.figures.find((figure) => figure.goal !== undefined) ?? r.figures[0];
    if (!f) return [];
    const baseline = f.baseline
      ? `${formatValue(f.baseline.value, f.unit)} (${formatRatio(f)})`
      : '';
    return [
      `| ${r.title} | ${f.label} | ${formatValue(f.value, f.unit)} | ${baseline} | ${f.goal ?? ''} | ${formatPass(f)} |`,
    ];
  });
  const table = [
    `_${file.date.slice(0, 16).replace('T', ' ')} UTC, ${file.machine.cpu}, ${file.machine.cores} cores${file.quick ? ', quick run' : ''}._`,
    '',
    '| measure | figure | value | bare baseline (ratio) | goal | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    ...file.errors.map((e) => `| ${e.id} | **failed** (see BENCHMARKS.md) | | | | NO |`),
  ].join('\n');
  writeFileSync(
    README_PATH,
    `${readme.slice(0, start + README_START.length)}\n${table}\n${readme.slice(end)}`,
  );
  return true;
}

async function formatFile(path: string): Promise<void> {
  const prettier = await import('prettier');
  const options = await prettier.resolveConfig(path);
  const source = readFileSync(path, 'utf8');
  writeFileSync(path, await prettier.format(source, { ...options, filepath: path }));
}

function readPrevious(): ResultsFile | null {
  if (!existsSync(RESULTS_PATH)) return null;
  try {
    return JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as ResultsFile;
  } catch {
    return null;
  }
}

function renderMarkdown(file: ResultsFile, last: ResultsFile | null): string {
  const m = file.machine;
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (tests/bench/run.ts) on ${file.date.slice(0, 16).replace('T', ' ')} UTC${file.quick ? ', **quick run: smaller sizes**' : ''}; do not edit by hand.`,
    'Every figure is measured in the same run as its baseline — the bare limit of the same work on the same machine — and quoted as a ratio to it.',
    '',
    '## Machine',
    '',
    '| | |',
    '| --- | --- |',
    `| CPU | ${m.cpu}, ${m.cores} cores |`,
    `| memory | ${m.memoryGiB} GiB |`,
    `| OS | ${m.os} |`,
    `| Node.js | ${m.node} |`,
    `| database | ${m.postgres} (same machine, loopback) |`,
    `| browser | ${m.chromium} |`,
    `| packages | ${Object.entries(m.packages)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')} |`,
    '',
    `Server, PostgreSQL, browser and load generators share these ${m.cores} cores. The load generators (HTTP clients, Socket.IO clients) always run in a Node process of their own, never in the server's, on the same machine.`,
    '',
    '## Reproduce',
    '',
    '```sh',
    file.command,
    '```',
    '',
    `This run took ${file.durationS} s. \`BENCH_ONLY=commands,cession\` runs some measures, \`BENCH_QUICK=1\` smaller sizes; PostgreSQL is \`BENCH_DATABASE_URL\`, else \`DATABASE_URL\`, else \`postgres://postgres@127.0.0.1:5432/test\` (each measure creates and drops its own databases there). The measures run one after another, never in parallel; nothing leaves the loopback interface.`,
    '',
    '## Summary',
    '',
    '| measure | figure | value | baseline | ratio | goal | met |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of file.results) {
    for (const f of r.figures) {
      lines.push(
        `| ${r.id} | ${f.label} | ${formatValue(f.value, f.unit)} | ${f.baseline ? formatValue(f.baseline.value, f.unit) : ''} | ${formatRatio(f)} | ${f.goal ?? ''} | ${formatPass(f)} |`,
      );
    }
  }
  for (const e of file.errors)
    lines.push(`| ${e.id} | **failed**: ${escapeCell(firstLine(e.error))} | | | | | NO |`);
  lines.push('');
  lines.push(...movementsSince(file, last));
  // The reading of the profiles is written by hand: it changes with the code, not with each run.
  if (existsSync(ANALYSIS_PATH)) lines.push(readFileSync(ANALYSIS_PATH, 'utf8').trim(), '');
  for (const r of file.results) {
    lines.push(`## ${r.title} (\`${r.id}\`)`, '');
    if (r.measuredAt !== file.date)
      lines.push(
        `_From the run of ${r.measuredAt.slice(0, 16).replace('T', ' ')} UTC${r.quick ? ' (quick)' : ''}._`,
        '',
      );
    lines.push(
      '| figure | value | baseline | ratio | goal | met |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const f of r.figures) {
      const baseline = f.baseline
        ? `${formatValue(f.baseline.value, f.unit)} (${f.baseline.label})`
        : '';
      lines.push(
        `| ${f.label} | ${formatValue(f.value, f.unit)} | ${baseline} | ${formatRatio(f)} | ${f.goal ?? ''} | ${formatPass(f)} |`,
      );
    }
    lines.push('');
    for (const table of r.tables ?? []) {
      lines.push(
        table.caption,
        '',
        `| ${table.head.join(' | ')} |`,
        `| ${table.head.map(() => '---').join(' | ')} |`,
        ...table.rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
        '',
      );
    }
    for (const note of r.notes) lines.push(`- ${note}`);
    lines.push('');
  }
  if (file.errors.length > 0) {
    lines.push('## Failed measures', '');
    for (const e of file.errors)
      lines.push(
        `- \`${e.id}\` (${e.measuredAt.slice(0, 16).replace('T', ' ')} UTC): ${escapeCell(firstLine(e.error))}`,
      );
    lines.push('');
  }
  lines.push(
    '## Latency against connected clients',
    '',
    '![Latency against the number of connected clients](benchmarks/latency-vs-clients.svg)',
    '',
    'From the `series` of the measures above (x on a log scale).',
    '',
  );
  return lines.join('\n');
}

/** What moved beyond the noise since the run before this one, for the measures this run made. */
function movementsSince(file: ResultsFile, last: ResultsFile | null): string[] {
  const fresh = file.results.filter((r) => r.measuredAt === file.date);
  if (!last || fresh.length === 0) return [];
  const { moved, steady } = compareRuns(last.results, fresh);
  const since = last.date.slice(0, 16).replace('T', ' ');
  const lines = [
    '## Since the previous run',
    '',
    `Compared with the run of ${since} UTC (${last.machine.cpu}): ${steady} figures within ±${NOISE * 100} % (by their ratio to their baseline when they have one), ${moved.length} moved.`,
    '',
  ];
  if (moved.length === 0) return lines;
  lines.push(
    '| measure | figure | before | now | change (of) | |',
    '| --- | --- | --- | --- | --- | --- |',
    ...moved.map(
      (m) =>
        `| ${m.measure} | ${m.label} | ${formatValue(m.before, m.unit)} | ${formatValue(m.now, m.unit)} | ${m.change > 0 ? '+' : ''}${Math.round(m.change * 100)} % (${m.compared}) | ${m.worse ? 'worse' : 'better'} |`,
    ),
    '',
  );
  return lines;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
