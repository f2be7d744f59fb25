// One destination: where it points, its circuit and retry policy, its traffic charts, and
// "Replay failed since…": the bulk recovery after an outage. It counts first (a dry run of a
// failed-only or undelivered-only replay job, API-NOTES.md "Recovering what failed") and starts
// the job only when the user has seen how many events it will send.

import { ApiError, get, listAll, patch, post } from '../api.js';
import { announce, field, h, message, replaceChildren, table } from '../dom.js';
import { fromLocalInput, timeElement, timeZoneName, toLocalInput } from '../format.js';
import { kMeasures, lineChart, seriesOf } from '../chart.js';
import { circuitBadge } from './destinations.js';
import { kRanges, rangePicker, statsQuery } from './overview.js';

function retryText(retry) {
  if (!retry) return 'the server\'s schedule';
  const waits = retry.backoff === 'linear' ? 'growing linearly' : 'doubling';
  return `${retry.attempts} attempt${retry.attempts === 1 ? '' : 's'}, waits from ${retry.interval_ms} ms ${waits}`;
}

// 48 -> "48 hours", 0.5 -> "30 minutes".
export function hoursText(hours) {
  if (hours >= 1) return `${+hours.toFixed(2)} hour${hours === 1 ? '' : 's'}`;
  const minutes = hours * 60;
  if (minutes >= 1) return `${+minutes.toFixed(1)} minute${minutes === 1 ? '' : 's'}`;
  return `${Math.round(minutes * 60)} seconds`;
}

function autoDisableText(destination) {
  if (destination.disable_after_hours === null || destination.disable_after_hours === undefined) return 'off';
  return `after ${hoursText(destination.disable_after_hours)} of failing deliveries`;
}

function summary(destination) {
  const circuit = destination.circuit;
  const rows = [
    ['ID', h('span', { class: 'mono' }, destination.id)],
    ['URL', h('span', { class: 'mono' }, destination.url)],
    ['Forwarding', h('span', { class: `badge ${destination.enabled ? 'good' : 'warn'}` }, destination.enabled ? 'Enabled' : 'Disabled')],
    ['Circuit', [circuitBadge(circuit), circuit.retry_at ? [' retry at ', timeElement(circuit.retry_at)] : null]],
    ['Retries', retryText(destination.retry)],
    ['Auto-disable', autoDisableText(destination)],
    ['Failing since', destination.failing_since ? timeElement(destination.failing_since) : 'not failing'],
    ['Rate limit', destination.rate_limit ? `${destination.rate_limit} per second` : 'none'],
    ['Signed', destination.has_secret ? 'yes' : 'no'],
    ['Timeout', `${destination.timeout_ms} ms`],
  ];
  return h('dl', { class: 'summary card' }, rows.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))));
}

const kOnlyText = {
  failed: 'whose latest attempt here failed',
  undelivered: 'never delivered here (never attempted included)',
};

function recoverForm(destination, view) {
  const dayAgo = new Date(Date.now() - 24 * 60 * 60 * 1000);
  const since = h('input', { type: 'datetime-local', name: 'since', step: 1, required: true, value: toLocalInput(dayAgo) });
  const only = h('select', { name: 'only' },
    h('option', { value: 'failed', selected: true }, 'Failed: the latest attempt failed'),
    h('option', { value: 'undelivered' }, 'Undelivered: no attempt succeeded'));
  const rate = h('input', { type: 'number', name: 'rate_limit', min: 1, max: 100, step: 1, value: '10', required: true });
  const feedback = h('div', { class: 'feedback', 'aria-live': 'polite' });
  const countButton = h('button', { type: 'submit', class: 'secondary' }, 'Count failed events');
  const startButton = h('button', { type: 'button', hidden: true }, 'Replay');
  let counted = null;  // the request the shown count belongs to

  const request = () => ({
    destination_id: destination.id,
    from: fromLocalInput(since.value),
    // To the next minute: what fails while the user reads the count is included when it starts.
    to: new Date(Math.ceil((Date.now() + 60000) / 60000) * 60000).toISOString(),
    only: only.value,
    rate_limit: Number(rate.value),
    max_events: 10000,
  });
  const forget = () => {
    counted = null;
    startButton.hidden = true;
    countButton.textContent = only.value === 'failed' ? 'Count failed events' : 'Count undelivered events';
  };
  for (const input of [since, only, rate]) input.addEventListener('change', forget);

  const form = h('form', {
    class: 'card',
    'aria-labelledby': 'recover-heading',
    onsubmit: async (submitted) => {
      submitted.preventDefault();
      countButton.disabled = true;
      forget();
      replaceChildren(feedback);
      const body = request();
      try {
        const answer = await post('/v1/replay?dry_run=true', body);
        if (!view.isCurrent()) return;
        counted = body;
        const n = answer.total;
        replaceChildren(feedback, h('p', { class: 'message info', role: 'status' },
          `${n} event${n === 1 ? '' : 's'} ${kOnlyText[body.only]}, received from `,
          timeElement(answer.first_received_at), ' to ', timeElement(answer.last_received_at), '.'));
        startButton.textContent = `Replay ${n} event${n === 1 ? '' : 's'}`;
        startButton.hidden = false;
      } catch (error) {
        if (!view.isCurrent()) return;
        // 404 with a destination that exists: nothing qualifies, which is good news.
        const nothing = error instanceof ApiError && error.status === 404;
        replaceChildren(feedback, message(nothing ? 'info' : 'error',
          nothing ? `No event ${kOnlyText[body.only]} since then: nothing to replay.` : error.message));
      } finally {
        countButton.disabled = false;
      }
    },
  },
  h('h2', { id: 'recover-heading' }, 'Replay failed since…'),
  h('p', { class: 'muted' }, 'After an outage: re-send what did not get through, and nothing that did. Counted first; the job sends oldest first at the rate below and skips events delivered meanwhile.'),
  h('div', { class: 'grid' },
    field('Since', since, `Your time zone: ${timeZoneName()}`),
    field('Which events', only),
    field('Rate limit (events per second)', rate, '1 to 100.')),
  h('div', { class: 'actions' }, countButton, startButton),
  feedback);

  startButton.addEventListener('click', async () => {
    if (!counted) return;
    startButton.disabled = true;
    try {
      const answer = await post('/v1/replay', counted);
      view.navigate(`/replay/${encodeURIComponent(answer.job.id)}`);
    } catch (error) {
      if (view.isCurrent()) replaceChildren(feedback, message('error', error.message));
    } finally {
      startButton.disabled = false;
    }
  });
  return form;
}

// Auto-disable: after this many hours with every attempt failing, rehook disables the destination
// and notifies destination.disabled; empty turns it off.
function autoDisableForm(destination, view) {
  const hours = h('input', {
    type: 'number', name: 'disable_after_hours', min: 0.0003, max: 8760, step: 'any',
    value: destination.disable_after_hours ?? '', placeholder: 'never',
  });
  const feedback = h('div', { class: 'feedback', 'aria-live': 'polite' });
  return h('form', {
    class: 'card',
    'aria-labelledby': 'auto-disable-heading',
    onsubmit: async (event) => {
      event.preventDefault();
      const value = hours.value.trim();
      try {
        await patch(`/v1/destinations/${encodeURIComponent(destination.id)}`,
          { disable_after_hours: value === '' ? null : Number(value) });
        announce(value === '' ? 'Auto-disable turned off' : 'Auto-disable saved');
        view.navigate(`/destinations/${encodeURIComponent(destination.id)}`);
      } catch (error) {
        replaceChildren(feedback, message('error', error.message));
      }
    },
  },
  h('h2', { id: 'auto-disable-heading' }, 'Auto-disable'),
  h('div', { class: 'grid' },
    field('Disable after (hours of failing)', hours,
      'Empty: never. Its events are kept: enable it again and replay them to catch up.')),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Save')),
  feedback);
}

// The connections delivering here, each with the transformation it runs (which developers may
// change on the spot).
function connectionsCard(destination, connections, transformations, mayWrite) {
  const feedback = h('div', { class: 'feedback', 'aria-live': 'polite' });
  const picker = (connection) => {
    const select = h('select', {
      'aria-label': `Transformation of connection ${connection.id}`,
      disabled: !mayWrite,
      onchange: async () => {
        try {
          await patch(`/v1/connections/${encodeURIComponent(connection.id)}`, { transformation_id: select.value || null });
          announce(select.value ? 'Transformation set' : 'Transformation removed');
          replaceChildren(feedback, message('info', `Connection ${connection.id} now delivers ${select.value ? 'through the transformation' : 'events as captured'}.`));
        } catch (error) {
          replaceChildren(feedback, message('error', error.message));
        }
      },
    },
    h('option', { value: '', selected: !connection.transformation_id }, 'None: as captured'),
    transformations.map((t) => h('option', { value: t.id, selected: t.id === connection.transformation_id }, t.name)));
    return select;
  };
  const rows = connections.map((connection) => [
    h('span', { class: 'mono' }, connection.id),
    h('a', { href: `#/events?source_id=${encodeURIComponent(connection.source_id)}` }, connection.source_id),
    connection.filter ? h('code', {}, JSON.stringify(connection.filter)) : '—',
    picker(connection),
  ]);
  return h('section', { class: 'card', 'aria-labelledby': 'connections-heading' },
    h('h2', { id: 'connections-heading' }, 'Connections'),
    connections.length
      ? table('Connections to this destination', ['Connection', 'Source', 'Filter', 'Transformation'], rows)
      : h('p', { class: 'muted' }, 'No connection forwards to this destination.'),
    h('p', { class: 'muted' }, h('a', { href: '#/transformations' }, 'Transformations'), ' reshape each request before it is sent.'),
    feedback);
}

// The destination's traffic over a range the user picks (the overview's ranges): attempts
// delivered and failed, and the p95 response time.
function trafficCard(destination) {
  const charts = h('div', { class: 'charts' });
  const show = async (range) => {
    const { bucket } = kRanges[range];
    const stats = await get(statsQuery(range, { destination_id: destination.id }));
    replaceChildren(charts,
      lineChart({ title: 'Attempts', bucket, series: [
        seriesOf('delivered', stats, kMeasures.delivered), seriesOf('failed', stats, kMeasures.failed)] }),
      lineChart({ title: 'p95 response time', bucket, format: (v) => `${v} ms`,
        series: [seriesOf('p95', stats, kMeasures.p95)] }));
  };
  const showing = (range) => show(range).catch((error) => replaceChildren(charts, message('error', error.message)));
  showing('day');
  return h('section', { 'aria-labelledby': 'traffic-heading' },
    h('div', { class: 'toolbar' }, h('h2', { id: 'traffic-heading' }, 'Traffic'), rangePicker('day', showing)),
    charts);
}

export async function renderDestinationDetail(main, view) {
  const [destination, connections, transformations] = await Promise.all([
    get(`/v1/destinations/${encodeURIComponent(view.id)}`),
    listAll('/v1/connections'),
    listAll('/v1/transformations'),
  ]);
  if (!view.isCurrent()) return;
  const mayReplay = view.principal.role !== 'viewer';
  replaceChildren(main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/destinations' }, '← Destinations')),
    h('h1', {}, 'Destination ', h('span', {}, destination.name)),
    summary(destination),
    trafficCard(destination),
    connectionsCard(destination, connections.filter((c) => c.destination_id === destination.id), transformations, mayReplay),
    mayReplay ? recoverForm(destination, view) : null,
    mayReplay ? autoDisableForm(destination, view) : null);
}
