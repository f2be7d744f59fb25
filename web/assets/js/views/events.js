// Captured events, newest first, filtered by source and time range, a page at a time. The
// filter and the page's cursor live in the URL (#/events?source_id=&from=&to=&cursor=), so the
// browser's back button and reloads keep them.

import { get, listAll, withQuery } from '../api.js';
import { field, h, message, replaceChildren, table } from '../dom.js';
import { bytes, fromLocalInput, isoToLocalInput, timeElement, timeZoneName } from '../format.js';

// The cursors of the pages before this one, for "Newer": the API pages one way only.
const newerPages = { filterKey: null, cursors: [] };

function filterOf(params) {
  return {
    source_id: params.get('source_id') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
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
  return h('form', {
    class: 'card filters',
    'aria-label': 'Filter events',
    onsubmit: (event) => {
      event.preventDefault();
      view.navigate('/events', {
        source_id: source.value, from: fromLocalInput(from.value), to: fromLocalInput(to.value), limit: limit.value,
      });
    },
  },
  h('div', { class: 'grid' },
    field('Source', source),
    field('From', from, `Your time zone: ${timeZoneName()}`),
    field('To', to),
    field('Per page', limit)),
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

  const [sources, page] = await Promise.all([
    listAll('/v1/sources'),
    get(withQuery('/v1/events', { ...filter, cursor })),
  ]);
  if (!view.isCurrent()) return;
  const sourceNames = new Map(sources.map((source) => [source.id, source.name]));

  const rows = page.data.map((event) => [
    h('a', { href: `#/events/${encodeURIComponent(event.id)}` }, timeElement(event.received_at)),
    sourceNames.get(event.source_id) ?? event.source_id,
    requestLine(event),
    bytes(event.size),
    event.verified ? 'yes' : h('span', { class: 'badge bad' }, 'no'),
  ]);
  const filtered = filter.source_id || filter.from || filter.to;
  replaceChildren(main,
    h('h1', {}, 'Events'),
    filterForm(view, sources, filter),
    h('div', { class: 'toolbar' },
      h('p', { class: 'muted' }, `${page.data.length} event${page.data.length === 1 ? '' : 's'} on this page, newest first.`),
      h('button', { type: 'button', class: 'secondary small', onclick: () => view.navigate('/events', { ...filter, cursor }) }, 'Refresh')),
    page.data.length
      ? table('Captured events', ['Received', 'Source', 'Request', 'Size', 'Verified'], rows)
      : message('info', filtered
        ? 'No event matches this filter.'
        : 'No events captured yet. Send a webhook to a source\'s ingest URL (see Sources).'),
    pager(view, filter, cursor, page.next_cursor));
}
