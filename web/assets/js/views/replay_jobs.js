// Replay: the form that starts a replay job over a time range (POST /v1/replay, with a dry run
// to count first) and the organization's recent jobs. The form can be prefilled from the URL
// (#/replay?source_id=&destination_id=&from=&to=), as the events page's "Replay a range…" link does.

import { get, listAll, post, withQuery } from '../api.js';
import { field, h, message, replaceChildren, table } from '../dom.js';
import { fromLocalInput, isoToLocalInput, timeElement, timeZoneName, toLocalInput } from '../format.js';
import { statusBadge } from './replay_job.js';

function jobRequest(form) {
  const request = {
    destination_id: form.destination.value,
    from: fromLocalInput(form.from.value),
    to: fromLocalInput(form.to.value),
    rate_limit: Number(form.rate_limit.value),
    max_events: Number(form.max_events.value),
    id_mode: form.id_mode.value,
    only: form.only.value,
  };
  if (form.source.value) request.source_id = form.source.value;
  const filterText = form.filter.value.trim();
  if (filterText) {
    try {
      request.filter = JSON.parse(filterText);
    } catch (error) {
      throw new Error(`The filter is not valid JSON: ${error.message}`);
    }
  }
  return request;
}

function replayForm(view, sources, destinations) {
  const params = view.params;
  const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
  const nextMinute = new Date(Math.ceil((Date.now() + 1000) / 60000) * 60000);
  const inputs = {
    destination: h('select', { name: 'destination_id', required: true },
      h('option', { value: '' }, destinations.length ? 'Choose a destination' : 'No destinations yet'),
      destinations.map((d) => h('option', { value: d.id, selected: d.id === params.get('destination_id') }, `${d.name} — ${d.url}`))),
    source: h('select', { name: 'source_id' },
      h('option', { value: '' }, 'All sources'),
      sources.map((s) => h('option', { value: s.id, selected: s.id === params.get('source_id') }, `${s.name} (${s.id})`))),
    from: h('input', { type: 'datetime-local', name: 'from', step: 1, required: true, value: isoToLocalInput(params.get('from')) || toLocalInput(hourAgo) }),
    to: h('input', { type: 'datetime-local', name: 'to', step: 1, required: true, value: isoToLocalInput(params.get('to')) || toLocalInput(nextMinute) }),
    rate_limit: h('input', { type: 'number', name: 'rate_limit', min: 1, max: 100, step: 1, value: '10', required: true }),
    max_events: h('input', { type: 'number', name: 'max_events', min: 1, max: 10000, step: 1, value: '1000', required: true }),
    id_mode: h('select', { name: 'id_mode' },
      h('option', { value: 'new', selected: true }, 'New (consumers process the replays)'),
      h('option', { value: 'original' }, 'Original (consumers drop events they already have)')),
    only: h('select', { name: 'only' },
      h('option', { value: 'all', selected: true }, 'All matching events'),
      h('option', { value: 'failed' }, 'Failed: the latest attempt at the destination failed'),
      h('option', { value: 'undelivered' }, 'Undelivered: no attempt at the destination succeeded')),
    filter: h('textarea', { name: 'filter', rows: 3, class: 'mono', placeholder: '{"headers": {"x-github-event": "push"}}' }),
  };
  const feedback = h('div', { class: 'feedback', 'aria-live': 'polite' });
  const countButton = h('button', { type: 'button', class: 'secondary' }, 'Count events');
  const startButton = h('button', { type: 'submit' }, 'Start replay');

  async function send(dryRun) {
    if (!form.reportValidity()) return;
    countButton.disabled = true;
    startButton.disabled = true;
    replaceChildren(feedback);
    try {
      const body = jobRequest(inputs);
      const answer = await post(dryRun ? '/v1/replay?dry_run=true' : '/v1/replay', body);
      if (!view.isCurrent()) return;
      if (dryRun) {
        replaceChildren(feedback, h('p', { class: 'message info', role: 'status' },
          `${answer.total} event${answer.total === 1 ? '' : 's'} would be replayed, received from `,
          timeElement(answer.first_received_at), ' to ', timeElement(answer.last_received_at), '.'));
      } else {
        view.navigate(`/replay/${encodeURIComponent(answer.job.id)}`);
      }
    } catch (error) {
      if (view.isCurrent()) replaceChildren(feedback, message('error', error.message));
    } finally {
      countButton.disabled = false;
      startButton.disabled = false;
    }
  }
  countButton.addEventListener('click', () => send(true));
  const form = h('form', {
    class: 'card',
    'aria-labelledby': 'replay-range-heading',
    onsubmit: (event) => { event.preventDefault(); send(false); },
  },
  h('h2', { id: 'replay-range-heading' }, 'Replay a time range'),
  h('p', { class: 'muted' }, 'Sends every matching event once to the destination, oldest first, at most the given number per second. Failures are counted, never retried.'),
  h('div', { class: 'grid' },
    field('Destination', inputs.destination),
    field('Source', inputs.source),
    field('From', inputs.from, `Inclusive. Your time zone: ${timeZoneName()}`),
    field('To', inputs.to, 'Inclusive.'),
    field('Rate limit (events per second)', inputs.rate_limit, '1 to 100.'),
    field('At most this many events', inputs.max_events, '1 to 10000.'),
    field('Delivery id (webhook-id)', inputs.id_mode, 'For destinations with a signing secret.'),
    field('Which events', inputs.only, 'Failed and undelivered skip what got through: the bulk retry after an outage.')),
  field('Filter (optional, JSON)', inputs.filter, 'Only events that pass it are replayed; see the filter language in the API docs.'),
  h('div', { class: 'actions' }, startButton, countButton),
  feedback);
  return form;
}

function jobsTable(jobs, destinationNames) {
  if (!jobs.length) return message('info', 'No replay jobs in the last 24 hours.');
  return table('Replay jobs', ['Job', 'Status', 'Progress', 'Destination', 'Range', 'Created'],
    jobs.map((job) => [
      h('a', { href: `#/replay/${encodeURIComponent(job.id)}`, class: 'mono' }, job.id),
      statusBadge(job.status),
      `${job.processed} / ${job.total} (${job.failed} failed)`,
      destinationNames.get(job.destination_id) ?? job.destination_id,
      [timeElement(job.from), ' – ', timeElement(job.to)],
      timeElement(job.created_at),
    ]));
}

export async function renderReplayJobs(main, view) {
  const [sources, destinations, jobs] = await Promise.all([
    listAll('/v1/sources'),
    listAll('/v1/destinations'),
    get(withQuery('/v1/replay', { limit: 50, cursor: view.params.get('cursor') })),
  ]);
  if (!view.isCurrent()) return;
  const destinationNames = new Map(destinations.map((d) => [d.id, d.name]));
  replaceChildren(main,
    h('h1', {}, 'Replay'),
    replayForm(view, sources, destinations),
    h('section', { 'aria-labelledby': 'jobs-heading' },
      h('h2', { id: 'jobs-heading' }, 'Recent replay jobs'),
      jobsTable(jobs.data, destinationNames),
      jobs.next_cursor ? h('p', {}, h('a', { href: `#/replay?cursor=${encodeURIComponent(jobs.next_cursor)}` }, 'Older jobs')) : null));
}
