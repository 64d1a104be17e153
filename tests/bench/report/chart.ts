/**
 * The chart of the report: latency (ms) against the number of clients, one
 * line per series, x on a log scale. Hand-written SVG: no dependency, readable
 * in any browser and on GitHub.
 */
import type { Series } from '../measure.js';

const WIDTH = 760;
const HEIGHT = 440;
const MARGIN = { top: 48, right: 200, bottom: 56, left: 70 };
const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7d8c'];

export function latencyChart(series: readonly Series[], title: string): string {
  const points = series.flatMap((s) => s.points).filter((p) => p.x > 0 && Number.isFinite(p.y));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2 - MARGIN.right / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600">${escape(title)}</text>`,
  ];
  if (points.length === 0) {
    parts.push(
      `<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">No latency series in this run.</text>`,
      '</svg>',
    );
    return parts.join('\n');
  }
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xs = points.map((p) => p.x);
  const xMin = 10 ** Math.floor(Math.log10(Math.min(...xs)));
  const xMax = 10 ** Math.ceil(Math.log10(Math.max(...xs)));
  const yMax = niceCeiling(Math.max(...points.map((p) => p.y)));
  const x = (v: number) =>
    MARGIN.left +
    ((Math.log10(v) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin) || 1)) * plotW;
  const y = (v: number) => MARGIN.top + plotH - (v / yMax) * plotH;

  // Grid and ticks: x at 1, 2, 5 × powers of ten; y at five even steps.
  for (let decade = xMin; decade <= xMax; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const v = decade * m;
      if (v > xMax) break;
      parts.push(
        `<line x1="${x(v)}" y1="${MARGIN.top}" x2="${x(v)}" y2="${MARGIN.top + plotH}" stroke="#e5e7eb"/>`,
        `<text x="${x(v)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle" fill="#374151">${v.toLocaleString('en')}</text>`,
      );
    }
  }
  for (let i = 0; i <= 5; i++) {
    const v = (yMax / 5) * i;
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y(v)}" x2="${MARGIN.left + plotW}" y2="${y(v)}" stroke="#e5e7eb"/>`,
      `<text x="${MARGIN.left - 8}" y="${y(v) + 4}" text-anchor="end" fill="#374151">${round(v)}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#6b7280"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 14}" text-anchor="middle" fill="#111827">connected clients (log scale)</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#111827">latency (ms)</text>`,
  );

  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const sorted = s.points
      .filter((p) => p.x > 0 && Number.isFinite(p.y))
      .sort((a, b) => a.x - b.x);
    if (sorted.length === 0) return;
    const path = sorted
      .map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`)
      .join(' ');
    // Baselines dashed, so that they read apart from what they are the baseline of.
    const dash = /bare|baseline/i.test(s.name) ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    for (const p of sorted)
      parts.push(
        `<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="3.5" fill="${color}"><title>${escape(s.name)}: ${p.x} clients, ${round(p.y)} ms</title></circle>`,
      );
    const ly = MARGIN.top + 8 + i * 22;
    const lx = MARGIN.left + plotW + 16;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`,
      `<circle cx="${lx + 11}" cy="${ly}" r="3.5" fill="${color}"/>`,
      `<text x="${lx + 30}" y="${ly + 4}" fill="#111827">${escape(truncate(s.name, 24))}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function round(v: number): string {
  return v >= 10 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
