// Captured events, newest first, filtered by source and time range and searched by body text
// (q) and the filter language (filter), a page at a time. The filter and the page's cursor live
// in the URL (#/events?source_id=&from=&to=&q=&filter=&cursor=), so the browser's back button
// and reloads keep them. A search scans a bounded number of events per call (API-NOTES.md,
// Search): a page may hold fewer matches than asked for, and "Older" continues the scan.

import { ApiError, get, listAll, withQuery } from '../api.js';
import { field, h, message, replaceChildren, table } from '../dom.js';
import { bytes, fromLocalInput, isoToLocalInput, timeElement, timeZoneName } from '../format.js';

// The cursors of the pages before this one, for "Newer": the API pages one way only.
const newerPages = { filterKey: null, cursors: [] };

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

  const rows = page.data.map((event) => [
    h('a', { href: `#/events/${encodeURIComponent(event.id)}` }, timeElement(event.received_at)),
    sourceNames.get(event.source_id) ?? event.source_id,
    requestLine(event),
    bytes(event.size),
    event.verified ? 'yes' : h('span', { class: 'badge bad' }, 'no'),
  ]);
  const searching = filter.q || filter.filter;
  const filtered = searching || filter.source_id || filter.from || filter.to;
  const count = `${page.data.length} event${page.data.length === 1 ? '' : 's'} on this page`;
  let emptyText = filtered
    ? 'No event matches this filter.'
    : 'No events captured yet. Send a webhook to a source\'s ingest URL (see Sources).';
  if (searching && page.next_cursor) {
    emptyText = 'No match among the events searched so far. "Older →" searches further back.';
  }
  replaceChildren(main,
    h('h1', {}, 'Events'),
    filterForm(view, sources, filter),
    h('div', { class: 'toolbar' },
      h('p', { class: 'muted' }, searching ? `${count}, newest first. Each page of a search looks at a bounded number of events; "Older →" continues it.` : `${count}, newest first.`),
      h('button', { type: 'button', class: 'secondary small', onclick: () => view.navigate('/events', { ...filter, cursor }) }, 'Refresh')),
    page.data.length
      ? table('Captured events', ['Received', 'Source', 'Request', 'Size', 'Verified'], rows)
      : message('info', emptyText),
    pager(view, filter, cursor, page.next_cursor));
}
