// Captured events, newest first, filtered by source and time range and searched by body text
// (q) and the filter language (filter), a page at a time. The filter and the page's cursor live
// in the URL (#/events?source_id=&from=&to=&q=&filter=&cursor=), so the browser's back button
// and reloads keep them. A search scans a bounded number of events per call (API-NOTES.md,
// Search): a page may hold fewer matches than asked for, and "Older" continues the scan.
//
// "Live" (live=1 in the URL) follows GET /v1/events/stream with the same source and filter and
// puts each new event at the top of the list as it arrives (body text `q` checked here, since the
// stream takes no q). The browser's EventSource reconnects by itself and resumes after the last
// event it got (Last-Event-ID), so nothing arriving during a hiccup is missed.

import { ApiError, get, listAll, withQuery } from '../api.js';
import { field, h, message, replaceChildren, table } from '../dom.js';
import { bytes, fromLocalInput, isoToLocalInput, timeElement, timeZoneName } from '../format.js';

// The cursors of the pages before this one, for "Newer": the API pages one way only.
const newerPages = { filterKey: null, cursors: [] };

// The open live stream, if any: one at a time, closed when the view changes.
let liveStream = null;

function stopLive() {
  if (liveStream) liveStream.close();
  liveStream = null;
}
window.addEventListener('hashchange', stopLive);

function filterOf(params) {
  return {
    source_id: params.get('source_id') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    q: params.get('q') ?? '',
    filter: params.get('filter') ?? '',
    limit: params.get('limit') ?? '50',
  };
}

function sourceSelect(sources, selected) {
  return h('select', { name: 'source_id' },
    h('option', { value: '' }, 'All sources'),
    sources.map((source) => h('option', { value: source.id, selected: source.id === selected }, `${source.name} (${source.id})`)));
}

function filterForm(view, sources, filter) {
  const source = sourceSelect(sources, filter.source_id);
  const from = h('input', { type: 'datetime-local', name: 'from', step: 1, value: isoToLocalInput(filter.from) });
  const to = h('input', { type: 'datetime-local', name: 'to', step: 1, value: isoToLocalInput(filter.to) });
  const limit = h('select', { name: 'limit' },
    ['25', '50', '100', '250'].map((n) => h('option', { value: n, selected: n === filter.limit }, n)));
  const q = h('input', { type: 'search', name: 'q', maxlength: 1024, value: filter.q, class: 'mono', placeholder: 'charge.failed' });
  const filterText = h('textarea', { name: 'filter', rows: 2, class: 'mono', placeholder: '{"headers": {"x-github-event": "push"}}' }, filter.filter);
  return h('form', {
    class: 'card filters',
    'aria-label': 'Filter events',
    onsubmit: (event) => {
      event.preventDefault();
      view.navigate('/events', {
        source_id: source.value,
        from: fromLocalInput(from.value),
        to: fromLocalInput(to.value),
        q: q.value,
        filter: filterText.value.trim(),
        limit: limit.value,
      });
    },
  },
  h('div', { class: 'grid' },
    field('Source', source),
    field('From', from, `Your time zone: ${timeZoneName()}`),
    field('To', to),
    field('Per page', limit),
    field('Body contains', q, 'Exact text, case-sensitive.')),
  field('Filter (JSON)', filterText, 'The filter language of connections and replay jobs: method, path, query, headers, body.'),
  h('div', { class: 'actions' },
    h('button', { type: 'submit' }, 'Show events'),
    h('button', { type: 'button', class: 'secondary', onclick: () => view.navigate('/events') }, 'Clear filter'),
    h('a', {
      class: 'button-link secondary',
      href: `#${withQuery('/replay', { source_id: filter.source_id, from: filter.from, to: filter.to })}`,
    }, 'Replay a range…')));
}

function pager(view, filter, cursor, nextCursor) {
  const go = (newCursor) => view.navigate('/events', { ...filter, cursor: newCursor });
  const buttons = [];
  if (cursor) buttons.push(h('button', { type: 'button', class: 'secondary', onclick: () => { newerPages.cursors = []; go(''); } }, 'Newest'));
  if (cursor && newerPages.cursors.length) {
    buttons.push(h('button', { type: 'button', class: 'secondary', onclick: () => go(newerPages.cursors.pop()) }, '← Newer'));
  }
  if (nextCursor) {
    buttons.push(h('button', { type: 'button', onclick: () => { newerPages.cursors.push(cursor); go(nextCursor); } }, 'Older →'));
  }
  return buttons.length ? h('nav', { class: 'pager', 'aria-label': 'Pages of events' }, buttons) : null;
}

function requestLine(event) {
  const query = event.query ? `?${event.query}` : '';
  return h('span', { class: 'mono' }, h('span', { class: 'method' }, event.method), ' ', `${event.path}${query}`);
}

function eventRow(event, sourceNames) {
  return [
    h('a', { href: `#/events/${encodeURIComponent(event.id)}` }, timeElement(event.received_at)),
    sourceNames.get(event.source_id) ?? event.source_id,
    requestLine(event),
    bytes(event.size),
    event.verified ? 'yes' : h('span', { class: 'badge bad' }, 'no'),
  ];
}

const columns = ['Received', 'Source', 'Request', 'Size', 'Verified'];

// Follows the stream and puts each event that passes the filter at the top of `list`.
function startLive(view, filter, list, status, sourceNames) {
  stopLive();
  const stream = new EventSource(withQuery('/v1/events/stream', { source_id: filter.source_id, filter: filter.filter }));
  liveStream = stream;
  let arrived = 0;
  stream.addEventListener('open', () => { status.textContent = 'Live: new events appear at the top as they arrive.'; });
  stream.addEventListener('error', () => {
    if (stream.readyState === EventSource.CLOSED) {
      status.textContent = 'Live stopped: the server refused the stream. Refresh to try again.';
    } else {
      status.textContent = 'Live: reconnecting…';
    }
  });
  stream.addEventListener('event', (message) => {
    if (!view.isCurrent()) { stopLive(); return; }
    const event = JSON.parse(message.data);
    if (filter.q && !(typeof event.body === 'string' && event.body.includes(filter.q))) return;
    const cells = eventRow(event, sourceNames);
    const row = h('tr', { class: 'arrived' }, cells.map((cell, i) => h('td', { 'data-label': columns[i] }, cell)));
    let body = list.querySelector('tbody');
    if (!body) {
      replaceChildren(list, table('Captured events', columns, []));
      body = list.querySelector('tbody');
    }
    body.prepend(row);
    arrived += 1;
    status.textContent = `Live: ${arrived} new event${arrived === 1 ? '' : 's'} since you turned it on.`;
  });
}

export async function renderEvents(main, view) {
  const filter = filterOf(view.params);
  const cursor = view.params.get('cursor') ?? '';
  const filterKey = JSON.stringify(filter);
  if (newerPages.filterKey !== filterKey) Object.assign(newerPages, { filterKey, cursors: [] });

  const sources = await listAll('/v1/sources');
  let page;
  try {
    page = await get(withQuery('/v1/events', { ...filter, cursor }));
  } catch (error) {
    // A filter or search the server refused: show it with the form, so it can be fixed.
    if (!(error instanceof ApiError) || error.status !== 400 || !view.isCurrent()) throw error;
    replaceChildren(main, h('h1', {}, 'Events'), filterForm(view, sources, filter), message('error', error.message));
    return;
  }
  if (!view.isCurrent()) return;
  const sourceNames = new Map(sources.map((source) => [source.id, source.name]));

  const rows = page.data.map((event) => eventRow(event, sourceNames));
  const searching = filter.q || filter.filter;
  const filtered = searching || filter.source_id || filter.from || filter.to;
  const count = `${page.data.length} event${page.data.length === 1 ? '' : 's'} on this page`;
  let emptyText = filtered
    ? 'No event matches this filter.'
    : 'No events captured yet. Send a webhook to a source\'s ingest URL (see Sources).';
  if (searching && page.next_cursor) {
    emptyText = 'No match among the events searched so far. "Older →" searches further back.';
  }
  // Live only on the newest page: new events belong above it.
  const live = view.params.get('live') === '1' && !cursor;
  const list = h('div', { class: 'event-list' },
    page.data.length ? table('Captured events', columns, rows) : message('info', emptyText));
  const liveStatus = h('p', { class: 'muted', role: 'status' }, live ? 'Live: connecting…' : '');
  const liveToggle = h('label', { class: 'toggle' },
    h('input', {
      type: 'checkbox',
      name: 'live',
      checked: live,
      disabled: Boolean(cursor),
      onchange: (event) => view.navigate('/events', { ...filter, live: event.target.checked ? '1' : '' }),
    }),
    ' Live');
  replaceChildren(main,
    h('h1', {}, 'Events'),
    filterForm(view, sources, filter),
    h('div', { class: 'toolbar' },
      h('p', { class: 'muted' }, searching ? `${count}, newest first. Each page of a search looks at a bounded number of events; "Older →" continues it.` : `${count}, newest first.`),
      liveToggle,
      h('button', { type: 'button', class: 'secondary small', onclick: () => view.navigate('/events', { ...filter, cursor, live: live ? '1' : '' }) }, 'Refresh')),
    liveStatus,
    list,
    pager(view, filter, cursor, page.next_cursor));
  if (live) {
    startLive(view, filter, list, liveStatus, sourceNames);
  } else {
    stopLive();
  }
}
