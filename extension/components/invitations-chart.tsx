/**
 * The support desk's 30 days of invitations, drawn as inline SVG (no chart
 * library). Three lines rather than grouped bars: at 360 px, 30 days × 3 bars
 * would be bars of 2 to 3 px, too thin to see or tell apart; three lines of
 * 30 points stay legible and let the series cross. The lines differ by their
 * stroke (solid, dashed, dotted) as well as by their colour, so that the
 * chart reads without colour too. Colours come from the panel's CSS variables
 * (style.css, `.chart-*`), light and dark alike. `invitationsChart` is the
 * geometry, a pure function of the days; the component only draws it.
 */
import type { SupportOverviewView } from '../../shared/views.js';

export type ChartDay = SupportOverviewView['days'][number];
export type SeriesKey = 'sent' | 'validated' | 'expired';

export const SERIES: readonly { key: SeriesKey; label: string }[] = [
  { key: 'sent', label: 'Envoyées' },
  { key: 'validated', label: 'Validées' },
  { key: 'expired', label: 'Expirées' },
];

/** The drawing's own units; the SVG scales to the panel's width, text included. */
const WIDTH = 320;
const HEIGHT = 180;
const MARGIN = { top: 10, right: 12, bottom: 24, left: 30 };
/** How many value ticks at most: more would crowd the 140 units of height. */
const MAX_TICKS = 4;
/** A date every week, ending today: five labels fit the width. */
const DATE_EVERY = 7;

const SHORT_DATE = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'short',
  timeZone: 'UTC',
});
const LONG_DATE = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  timeZone: 'UTC',
});

const asUtc = (date: string) => new Date(`${date}T00:00:00Z`);
/** `2025-12-01` → « 1 déc. » (a calendar day: no time zone shift). */
export const shortDate = (date: string) => SHORT_DATE.format(asUtc(date));
/** `2025-12-01` → « lundi 1 décembre ». */
export const longDate = (date: string) => LONG_DATE.format(asUtc(date));

/** The top of the value axis and its step: 1, 2 or 5 times a power of ten. */
export function valueScale(max: number): { top: number; step: number } {
  let magnitude = 1;
  for (;;) {
    for (const factor of [1, 2, 5]) {
      const step = factor * magnitude;
      if (step * MAX_TICKS >= max)
        return { top: Math.max(step, Math.ceil(max / step) * step), step };
    }
    magnitude *= 10;
  }
}

export interface ChartGeometry {
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  series: { key: SeriesKey; label: string; points: string; total: number }[];
  valueTicks: { value: number; y: number }[];
  dateTicks: { label: string; x: number; anchor: 'start' | 'middle' | 'end' }[];
  /** The chart in one sentence, for screen readers. */
  summary: string;
}

const round = (value: number) => Math.round(value * 10) / 10;

export function invitationsChart(days: readonly ChartDay[]): ChartGeometry {
  const plot = {
    left: MARGIN.left,
    right: WIDTH - MARGIN.right,
    top: MARGIN.top,
    bottom: HEIGHT - MARGIN.bottom,
  };
  const max = Math.max(0, ...days.flatMap((day) => SERIES.map(({ key }) => day[key])));
  const { top, step } = valueScale(max);
  const x = (index: number) =>
    round(
      days.length <= 1
        ? (plot.left + plot.right) / 2
        : plot.left + ((plot.right - plot.left) * index) / (days.length - 1),
    );
  const y = (value: number) => round(plot.bottom - ((plot.bottom - plot.top) * value) / top);

  const series = SERIES.map(({ key, label }) => ({
    key,
    label,
    points: days.map((day, index) => `${x(index)},${y(day[key])}`).join(' '),
    total: days.reduce((sum, day) => sum + day[key], 0),
  }));

  const valueTicks: ChartGeometry['valueTicks'] = [];
  for (let value = 0; value <= top; value += step) valueTicks.push({ value, y: y(value) });

  const dateTicks: ChartGeometry['dateTicks'] = [];
  // Counted back from today, so that today always has its date.
  for (let index = days.length - 1; index >= 0; index -= DATE_EVERY) {
    const day = days[index];
    if (!day) continue;
    const anchor = index === days.length - 1 ? 'end' : index === 0 ? 'start' : 'middle';
    dateTicks.unshift({ label: shortDate(day.date), x: x(index), anchor });
  }

  const first = days[0];
  const last = days[days.length - 1];
  const totals = series
    .map((item) => `${item.total} ${item.label.toLowerCase()}`)
    .join(', ')
    .replace(/, ([^,]*)$/, ' et $1');
  const summary =
    first && last
      ? `Invitations du ${shortDate(first.date)} au ${shortDate(last.date)} : ${totals}.`
      : 'Aucune donnée sur les 30 derniers jours.';

  return { width: WIDTH, height: HEIGHT, plot, series, valueTicks, dateTicks, summary };
}

export interface InvitationsChartProps {
  days: readonly ChartDay[];
  /** The heading that names the chart and its table. */
  title: string;
}

export function InvitationsChart({ days, title }: InvitationsChartProps) {
  const chart = invitationsChart(days);
  const { plot } = chart;
  return (
    <figure class="chart">
      <svg
        class="chart-svg"
        viewBox={`0 0 ${chart.width} ${chart.height}`}
        role="img"
        aria-label={`${title}. ${chart.summary} Le détail par jour suit, dans un tableau.`}
      >
        {chart.valueTicks.map((tick) => (
          <g key={tick.value}>
            <line class="chart-grid" x1={plot.left} x2={plot.right} y1={tick.y} y2={tick.y} />
            <text class="chart-label" x={plot.left - 5} y={tick.y} text-anchor="end" dy="0.32em">
              {tick.value}
            </text>
          </g>
        ))}
        <line class="chart-axis" x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} />
        {chart.dateTicks.map((tick) => (
          <text
            key={tick.label}
            class="chart-label"
            x={tick.x}
            y={plot.bottom + 16}
            text-anchor={tick.anchor}
          >
            {tick.label}
          </text>
        ))}
        {chart.series.map((item) => (
          <polyline key={item.key} class={`chart-line chart-${item.key}`} points={item.points} />
        ))}
      </svg>
      <figcaption>
        <ul class="chart-legend">
          {chart.series.map((item) => (
            <li key={item.key}>
              <svg class="chart-swatch" viewBox="0 0 24 8" aria-hidden="true">
                <line class={`chart-line chart-${item.key}`} x1="1" x2="23" y1="4" y2="4" />
              </svg>
              {item.label} ({item.total})
            </li>
          ))}
        </ul>
      </figcaption>
      <table class="visually-hidden">
        <caption>{title}, par jour</caption>
        <thead>
          <tr>
            <th scope="col">Jour</th>
            {SERIES.map((item) => (
              <th key={item.key} scope="col">
                {item.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr key={day.date}>
              <th scope="row">{longDate(day.date)}</th>
              {SERIES.map((item) => (
                <td key={item.key}>{day[item.key]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
