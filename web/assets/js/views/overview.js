// Overview, the landing page: traffic over the last hour, day or week from /v1/stats
// (API-NOTES.md "Insight"): totals, events per source, and per destination the share of attempts
// that succeeded and the p95 response time. Refreshes every 30 s while shown.

import { get, listAll, withQuery } from '../api.js';
import { h, message, replaceChildren } from '../dom.js';
import { kMeasures, lineChart, seriesOf } from '../chart.js';

// The ranges offered, as /v1/stats queries.
export const kRanges = {
  hour: { label: 'Last hour', bucket: 'minute', buckets: 60 },
  day: { label: 'Last day', bucket: 'hour', buckets: 24 },
  week: { label: 'Last week', bucket: 'hour', buckets: 168 },
};
const kMaxLines = 8;  // series per chart: more is unreadable
const kRefreshMs = 30000;

// The /v1/stats query of `range` (plus source_id or destination_id), ending now.
export function statsQuery(range, extra = {}) {
  const { bucket, buckets } = kRanges[range];
  const size = bucket === 'minute' ? 60000 : 3600000;
  const current = Math.floor(Date.now() / size) * size;  // the bucket now is in: the last one
  const from = new Date(current - (buckets - 1) * size).toISOString();
  return withQuery('/v1/stats', { bucket, from, to: new Date(current).toISOString(), ...extra });
}

export function rangePicker(current, onPick) {
  const select = h('select', { name: 'range', 'aria-label': 'Time range', onchange: () => onPick(select.value) },
    Object.entries(kRanges).map(([value, { label }]) => h('option', { value, selected: value === current }, label)));
  return select;
}

function total(stats, measure) {
  return stats.data.reduce((sum, point) => sum + measure(point), 0);
}

// The busiest `kMaxLines` of `items` (by `weight` of their stats), with their stats.
async function busiest(items, statsOf, weight) {
  const withStats = await Promise.all(items.map(async (item) => ({ item, stats: await get(statsOf(item)) })));
  return withStats.sort((a, b) => total(b.stats, weight) - total(a.stats, weight)).slice(0, kMaxLines);
}

export async function renderOverview(main, view) {
  const range = kRanges[view.params.get('range')] ? view.params.get('range') : 'hour';
  const { bucket } = kRanges[range];
  const [all, sources, destinations] = await Promise.all([
    get(statsQuery(range)), listAll('/v1/sources'), listAll('/v1/destinations')]);
  const bySource = await busiest(sources, (s) => statsQuery(range, { source_id: s.id }), kMeasures.captured);
  const byDestination = await busiest(destinations, (d) => statsQuery(range, { destination_id: d.id }),
    (p) => p.delivered + p.failed);
  if (!view.isCurrent()) return;

  const attempts = total(all, kMeasures.delivered) + total(all, kMeasures.failed);
  const totals = h('dl', { class: 'totals' },
    [['Captured', total(all, kMeasures.captured)],
      ['Delivered', total(all, kMeasures.delivered)],
      ['Failed attempts', total(all, kMeasures.failed)],
      ['Success rate', attempts ? `${((100 * total(all, kMeasures.delivered)) / attempts).toFixed(1)} %` : '–'],
    ].map(([term, value]) => h('div', { class: 'card' }, h('dt', {}, term), h('dd', { 'data-total': term }, String(value)))));

  const perBucket = bucket === 'minute' ? 'per minute' : 'per hour';
  const charts = [];
  if (bySource.length) {
    charts.push(lineChart({ title: `Events ${perBucket} by source`, bucket,
      series: bySource.map(({ item, stats }) => seriesOf(item.name, stats, kMeasures.captured)) }));
  }
  if (byDestination.length) {
    charts.push(lineChart({ title: 'Success rate by destination', bucket, yMax: 100, format: (v) => `${v} %`,
      series: byDestination.map(({ item, stats }) => seriesOf(item.name, stats, kMeasures.successRate)) }));
    charts.push(lineChart({ title: 'p95 response time by destination', bucket, format: (v) => `${v} ms`,
      series: byDestination.map(({ item, stats }) => seriesOf(item.name, stats, kMeasures.p95)) }));
  }

  replaceChildren(main,
    h('h1', {}, 'Overview'),
    h('div', { class: 'toolbar' }, h('p', { class: 'muted' }, `${kRanges[range].label}, ${perBucket}.`),
      rangePicker(range, (picked) => view.navigate('/overview', { range: picked }))),
    totals,
    charts.length
      ? h('div', { class: 'charts' }, charts)
      : message('info', 'No sources or destinations yet: charts appear once webhooks arrive.'));

  // Redrawn in place (not navigated to again), so focus and scrolling stay where they are.
  const timer = setTimeout(() => { if (view.isCurrent()) renderOverview(main, view).catch(() => {}); }, kRefreshMs);
  view.onStop(() => clearTimeout(timer));
}
