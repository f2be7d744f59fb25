// One captured event: what was received (headers, query, body), where it was delivered (each
// attempt with what triggered it), "Resend" to a destination now (POST /v1/events/{id}/retry,
// even while its circuit is open), and "Replay to URL" (the single-request replay of API.md)
// with the outcome of each replay.

import { get, post } from '../api.js';
import { field, h, message, replaceChildren, table } from '../dom.js';
import { bytes, describeBody, timeElement } from '../format.js';
import { circuitBadge } from './destinations.js';

function summary(event, sourceName) {
  const rows = [
    ['ID', h('span', { class: 'mono' }, event.id)],
    ['Source', h('a', { href: `#/events?source_id=${encodeURIComponent(event.source_id)}` }, sourceName ?? event.source_id)],
    ['Method', h('span', { class: 'mono' }, event.method)],
    ['Path', h('span', { class: 'mono' }, event.path)],
    ['Query', event.query ? h('span', { class: 'mono' }, event.query) : '—'],
    ['Received', timeElement(event.received_at)],
    ['Client IP', event.client_ip || '—'],
    ['Size', bytes(event.size)],
    ['Verified', event.verified ? 'yes' : 'no'],
  ];
  return h('dl', { class: 'summary card' }, rows.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))));
}

function headersSection(event) {
  const rows = event.raw_headers.map((header) => [h('span', { class: 'mono' }, header.name), h('span', { class: 'mono' }, header.value)]);
  return h('section', { 'aria-labelledby': 'headers-heading' },
    h('h2', { id: 'headers-heading' }, `Headers (${rows.length})`),
    rows.length ? table('Headers in arrival order', ['Name', 'Value'], rows, { stacked: false }) : message('info', 'No headers.'));
}

function querySection(event) {
  const params = Object.entries(event.query_params ?? {});
  if (!event.query) return null;
  return h('section', { 'aria-labelledby': 'query-heading' },
    h('h2', { id: 'query-heading' }, 'Query'),
    h('pre', { class: 'code' }, event.query),
    params.length ? table('Query parameters', ['Name', 'Value'], params.map(([name, value]) => [h('span', { class: 'mono' }, name), h('span', { class: 'mono' }, value)]), { stacked: false }) : null);
}

function bodySection(event) {
  const body = describeBody(event);
  const labels = { json: 'JSON', text: 'Text', binary: 'Binary (hex dump)', empty: 'Empty' };
  return h('section', { 'aria-labelledby': 'body-heading' },
    h('h2', { id: 'body-heading' }, 'Body ', h('span', { class: 'badge' }, labels[body.kind])),
    body.kind === 'empty' ? message('info', 'The request had no body.') : h('pre', { class: `code body-${body.kind}`, tabindex: 0, 'aria-label': 'Request body' }, body.text),
    body.note ? h('p', { class: 'muted' }, body.note) : null);
}

function outcomeText(outcome) {
  const parts = [];
  parts.push(outcome.status_code !== null ? `HTTP ${outcome.status_code}` : 'No response');
  if (outcome.response_time_ms !== null) parts.push(`${outcome.response_time_ms} ms`);
  parts.push(outcome.success ? 'succeeded' : 'failed');
  if (outcome.error) parts.push(outcome.error);
  if (outcome.outcome) parts.push(kOutcomeText[outcome.outcome]);
  if (outcome.response_body) parts.push(`answered: ${outcome.response_body.slice(0, 200)}`);
  return parts.join(' · ');
}

// How a replay went compared with the last earlier send of the event to the same place.
const kOutcomeText = {
  first: 'first send there',
  same: 'same as last time',
  fixed: 'fixed (failed last time)',
  regressed: 'regressed (succeeded last time)',
};

function outcomeBadge(outcome) {
  if (!outcome) return '—';
  const tone = { fixed: 'good', regressed: 'bad' }[outcome] ?? '';
  return h('span', { class: `badge ${tone}`, title: kOutcomeText[outcome] }, outcome);
}

function resultBadge(success) {
  return h('span', { class: `badge ${success ? 'good' : 'bad'}` }, success ? 'Succeeded' : 'Failed');
}

// What the consumer answered (its first 1 KiB), folded away: the why behind a 500.
function responseBody(record) {
  const text = record.response_body ?? (record.response_body_base64 ? `(binary, base64) ${record.response_body_base64}` : '');
  if (!text) return null;
  return h('details', { class: 'response-body' },
    h('summary', {}, 'Response body'),
    h('pre', { class: 'code body-text' }, text));
}

function replaysTable(replays) {
  if (!replays.length) return message('info', 'Not replayed to a URL yet.');
  return table('Replays to a URL', ['When', 'Target URL', 'Status', 'Time', 'Result', 'Compared', 'Error'],
    replays.slice().reverse().map((replay) => [
      timeElement(replay.created_at),
      h('span', { class: 'mono' }, replay.target_url),
      replay.status_code ?? '—',
      replay.response_time_ms !== null ? `${replay.response_time_ms} ms` : '—',
      resultBadge(replay.success),
      outcomeBadge(replay.outcome),
      [replay.error ?? '', responseBody(replay)],
    ]));
}

function replaySection(event, replays, view) {
  const base = `/v1/endpoints/${encodeURIComponent(event.source_id)}/requests/${encodeURIComponent(event.id)}`;
  const urlInput = h('input', { type: 'url', name: 'target_url', required: true, placeholder: 'https://example.com/webhooks', class: 'mono' });
  const submit = h('button', { type: 'submit' }, 'Replay');
  const result = h('div', { class: 'feedback', 'aria-live': 'polite' });
  const history = h('div', {}, replaysTable(replays));
  const form = h('form', {
    class: 'card',
    onsubmit: async (submitted) => {
      submitted.preventDefault();
      submit.disabled = true;
      replaceChildren(result, message('info', 'Sending…'));
      try {
        const { data } = await post(`${base}/replay`, { target_url: urlInput.value.trim() });
        if (!view.isCurrent()) return;
        replaceChildren(result, h('p', { class: `message ${data.success ? 'success' : 'error'}`, role: 'status' },
          h('strong', {}, 'Replay result: '), outcomeText(data)));
        const updated = await get(`${base}/replays`);
        if (view.isCurrent()) replaceChildren(history, replaysTable(updated.data));
      } catch (error) {
        if (view.isCurrent()) replaceChildren(result, message('error', error.message));
      } finally {
        submit.disabled = false;
      }
    },
  },
  field('Target URL', urlInput, 'HTTPS only. rehook sends the original method, headers, query string and body, plus x-rehook-replay: 1.'),
  h('div', { class: 'actions' }, submit),
  result);
  return h('section', { 'aria-labelledby': 'replay-heading' },
    h('h2', { id: 'replay-heading' }, 'Replay to URL'), form,
    h('h3', {}, 'Earlier replays to a URL'), history);
}

// Why an attempt was made, in words.
const kTriggerText = { forward: 'forwarded', retry: 'automatic retry', replay: 'replay job', manual: 'resent by hand' };

function deliveriesSection(deliveries, destinationNames) {
  const rows = deliveries.map((attempt) => [
    timeElement(attempt.created_at),
    destinationNames.get(attempt.destination_id) ?? attempt.destination_id,
    attempt.attempt,
    h('span', { class: 'badge' }, kTriggerText[attempt.trigger] ?? attempt.trigger),
    attempt.status_code ?? '—',
    attempt.response_time_ms !== null ? `${attempt.response_time_ms} ms` : '—',
    resultBadge(attempt.success),
    [attempt.error ?? '', attempt.next_retry_at ? h('span', { class: 'muted' }, ' retry at ', timeElement(attempt.next_retry_at)) : null, responseBody(attempt)],
    attempt.replay_job_id ? [h('a', { href: `#/replay/${encodeURIComponent(attempt.replay_job_id)}` }, attempt.replay_job_id), ' ', outcomeBadge(attempt.outcome)] : '—',
  ]);
  return h('section', { 'aria-labelledby': 'deliveries-heading' },
    h('h2', { id: 'deliveries-heading' }, `Delivery attempts (${rows.length})`),
    rows.length
      ? table('Delivery attempts', ['When', 'Destination', 'Attempt', 'Trigger', 'Status', 'Time', 'Result', 'Error', 'Replay job'], rows)
      : message('info', 'Not delivered to any destination yet.'));
}

// The destinations this event was attempted at first (with their latest result), then the
// organization's other destinations: a resend may also reach one the event never went to.
function resendRows(deliveries, destinations) {
  const latest = new Map();
  for (const attempt of deliveries) latest.set(attempt.destination_id, attempt);  // oldest first
  const attempted = destinations.filter((d) => latest.has(d.id));
  const others = destinations.filter((d) => !latest.has(d.id));
  return [...attempted, ...others].map((destination) => ({ destination, latest: latest.get(destination.id) }));
}

// `refresh` shows the attempts again once a resend is logged.
function resendSection(event, deliveries, destinations, view, refresh) {
  if (!destinations.length || view.principal.role === 'viewer') return null;
  const feedback = h('div', { class: 'feedback', 'aria-live': 'polite' });
  const rows = resendRows(deliveries, destinations).map(({ destination, latest }) => {
    const latestCell = h('span', {}, latest ? [resultBadge(latest.success), ' ', timeElement(latest.created_at)] : h('span', { class: 'muted' }, 'never attempted'));
    const button = h('button', {
      type: 'button',
      class: 'small',
      'aria-label': `Resend to ${destination.name}`,
      disabled: !destination.enabled,
      title: destination.enabled ? null : 'Disabled: enable the destination first',
      onclick: async () => {
        button.disabled = true;
        replaceChildren(feedback, message('info', `Sending to ${destination.name}…`));
        try {
          const { data } = await post(`/v1/events/${encodeURIComponent(event.id)}/retry`, { destination_id: destination.id });
          if (!view.isCurrent()) return;
          replaceChildren(feedback, h('p', { class: `message ${data.success ? 'success' : 'error'}`, role: 'status' },
            h('strong', {}, `Resent to ${destination.name}: `), outcomeText(data)));
          replaceChildren(latestCell, resultBadge(data.success), ' ', timeElement(data.created_at));
          await refresh();
        } catch (error) {
          if (view.isCurrent()) replaceChildren(feedback, message('error', error.message));
        } finally {
          button.disabled = !destination.enabled;
        }
      },
    }, 'Resend');
    return [
      h('strong', {}, destination.name),
      latestCell,
      destination.enabled ? circuitBadge(destination.circuit) : h('span', { class: 'badge warn' }, 'Disabled'),
      button,
    ];
  });
  return h('section', { 'aria-labelledby': 'resend-heading' },
    h('h2', { id: 'resend-heading' }, 'Resend'),
    h('p', { class: 'muted' }, 'Sends the event to a destination now, as forwarding would (its URL, headers and signature), even while its circuit is open. The attempt is logged below.'),
    table('Resend to a destination', ['Destination', 'Latest attempt', 'Circuit', ''], rows),
    feedback);
}

export async function renderEventDetail(main, view) {
  const id = encodeURIComponent(view.id);
  const event = await get(`/v1/events/${id}`);
  const base = `/v1/endpoints/${encodeURIComponent(event.source_id)}/requests/${id}`;
  const [deliveries, replays, source, destinations] = await Promise.all([
    get(`/v1/events/${id}/deliveries`),
    get(`${base}/replays`),
    get(`/v1/sources/${encodeURIComponent(event.source_id)}`).catch(() => null),  // deleted sources keep their events
    get('/v1/destinations?limit=250'),
  ]);
  if (!view.isCurrent()) return;
  const destinationNames = new Map(destinations.data.map((destination) => [destination.id, destination.name]));
  const deliveriesBox = h('div', {}, deliveriesSection(deliveries.data, destinationNames));
  const refreshDeliveries = async () => {
    const updated = await get(`/v1/events/${id}/deliveries`);
    if (view.isCurrent()) replaceChildren(deliveriesBox, deliveriesSection(updated.data, destinationNames));
  };
  replaceChildren(main,
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/events?source_id=${encodeURIComponent(event.source_id)}` }, '← Events')),
    h('h1', {}, 'Event ', h('span', { class: 'mono' }, event.id)),
    summary(event, source?.name),
    headersSection(event),
    querySection(event),
    bodySection(event),
    resendSection(event, deliveries.data, destinations.data, view, refreshDeliveries),
    deliveriesBox,
    replaySection(event, replays.data, view));
}
