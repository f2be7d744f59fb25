// Line charts drawn as SVG from /v1/stats series: no charting library, since a few lines, axes
// and a legend are all the dashboard needs (docs/DASHBOARD.md). The SVG scales with its
// container (viewBox), so a chart is as readable on a phone as on a desk. Each chart also
// carries its numbers as a table for screen readers (visually hidden), which is what the browser
// test compares with the API.

import { h } from './dom.js';

const kSvg = 'http://www.w3.org/2000/svg';
const kWidth = 640;
const kHeight = 220;
const kPad = { left: 52, right: 12, top: 12, bottom: 28 };
// Distinguishable in light and dark mode, and without colour (each series also has a dash).
// The legend's swatches take the same colours from app.css (.chart-colour-N): the CSP allows no
// inline styles.
const kColours = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
const kDashes = ['', '6 3', '2 3', '8 3 2 3', '1 2', '10 4', '4 4', '3 6'];

function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(kSvg, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// A "nice" upper bound for the y axis: 1, 2 or 5 times a power of ten.
function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (value <= step * power) return step * power;
  }
  return 10 * power;
}

function timeLabel(iso, bucket) {
  const date = new Date(iso);
  if (bucket === 'second') return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  if (bucket === 'minute') return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return date.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit' });
}

// lineChart({title, bucket, series: [{name, points: [{t, value}]}], format, yMax})
//   -> <figure class="chart">. A value of null is a gap (no data), not zero.
export function lineChart({ title, bucket, series, format = (v) => String(v), yMax }) {
  const times = series[0]?.points.map((p) => p.t) ?? [];
  const values = series.flatMap((line) => line.points.map((p) => p.value)).filter((v) => v !== null);
  const top = yMax ?? niceMax(Math.max(0, ...values));
  const plotWidth = kWidth - kPad.left - kPad.right;
  const plotHeight = kHeight - kPad.top - kPad.bottom;
  const x = (i) => kPad.left + (times.length > 1 ? (i * plotWidth) / (times.length - 1) : plotWidth / 2);
  const y = (v) => kPad.top + plotHeight - (Math.min(v, top) / top) * plotHeight;

  const svg = s('svg', { viewBox: `0 0 ${kWidth} ${kHeight}`, role: 'img', 'aria-label': title, class: 'chart-svg', preserveAspectRatio: 'none' });
  for (const fraction of [0, 0.5, 1]) {
    const value = top * fraction;
    svg.append(s('line', { x1: kPad.left, x2: kWidth - kPad.right, y1: y(value), y2: y(value), class: 'chart-grid' }));
    svg.append(s('text', { x: kPad.left - 6, y: y(value) + 4, 'text-anchor': 'end', class: 'chart-label' }, format(value)));
  }
  const labelEvery = Math.max(1, Math.ceil(times.length / 6));
  const last = times.length - 1;
  times.forEach((t, i) => {
    // Every labelEvery-th point, and the last one unless it would crowd the one before.
    const labelled = i % labelEvery === 0 || (i === last && last % labelEvery >= labelEvery / 2);
    if (!labelled) return;
    svg.append(s('text', { x: x(i), y: kHeight - 8, 'text-anchor': i === 0 ? 'start' : (i === last ? 'end' : 'middle'), class: 'chart-label' }, timeLabel(t, bucket)));
  });
  series.forEach((line, index) => {
    const colour = kColours[index % kColours.length];
    // One path per run of known values: a gap stays a gap.
    let d = '';
    let pen = 'M';
    line.points.forEach((point, i) => {
      if (point.value === null) { pen = 'M'; return; }
      d += `${pen}${x(i).toFixed(1)},${y(point.value).toFixed(1)} `;
      pen = 'L';
    });
    const group = s('g', { class: 'chart-series', 'data-series': line.name });
    group.append(s('path', { d: d.trim(), fill: 'none', stroke: colour, 'stroke-width': 2, 'stroke-dasharray': kDashes[index % kDashes.length] || null, 'vector-effect': 'non-scaling-stroke' }));
    line.points.forEach((point, i) => {
      if (point.value === null) return;
      group.append(s('circle', { cx: x(i), cy: y(point.value), r: 2.5, fill: colour, 'data-t': point.t, 'data-value': point.value },
        s('title', {}, `${line.name} · ${timeLabel(point.t, bucket)}: ${format(point.value)}`)));
    });
    svg.append(group);
  });

  const legend = h('ul', { class: 'chart-legend' }, series.map((line, index) =>
    h('li', {}, h('span', { class: `chart-swatch chart-colour-${index % kColours.length}` }), line.name)));
  // Hidden in a clipped box rather than as the table itself: a table is never narrower than its
  // content, so a hidden table would still widen the page on a phone.
  const data = h('div', { class: 'visually-hidden' }, h('table', { class: 'chart-data' },
    h('caption', {}, title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Time'), series.map((line) => h('th', { scope: 'col' }, line.name)))),
    h('tbody', {}, times.map((t, i) => h('tr', {}, h('th', { scope: 'row' }, t),
      series.map((line) => h('td', {}, line.points[i].value === null ? '' : String(line.points[i].value))))))));
  return h('figure', { class: 'chart card', 'data-chart': title },
    h('figcaption', {}, title), svg, series.length > 1 ? legend : null, data);
}

// Series values out of /v1/stats points.
export const kMeasures = {
  captured: (p) => p.captured,
  delivered: (p) => p.delivered,
  failed: (p) => p.failed,
  // Share of attempts that succeeded, in percent; no attempts: no value.
  successRate: (p) => (p.delivered + p.failed > 0 ? Math.round((1000 * p.delivered) / (p.delivered + p.failed)) / 10 : null),
  p95: (p) => p.p95_ms,
};

export function seriesOf(name, stats, measure) {
  return { name, points: stats.data.map((p) => ({ t: p.t, value: measure(p) })) };
}
