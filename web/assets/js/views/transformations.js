// Transformations: the JavaScript a connection runs on each request before delivering it
// (API-NOTES.md "Transformations"). One page lists them; each has an editor with a test run
// beside it: the code against a stored event, and what it would send, its console.log lines
// and its error, side by side.

import { ApiError, del, get, patch, post, withQuery } from '../api.js';
import { announce, field, h, message, replaceChildren, table } from '../dom.js';
import { timeElement } from '../format.js';

const kStarter = `// request: {method, path, query, headers, body}; return it (changed or not), or null to skip.
function transform(request, context) {
  request.headers['x-transformed-by'] = 'rehook';
  return request;
}
`;

function pretty(value) {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

// What a test run gave: the request it would send, or why not, and its logs.
function testResult(data) {
  const outcome = data.error !== null
    ? message('error', `Failed: ${data.error}`)
    : data.skipped
      ? message('info', 'Skipped: transform returned null, nothing would be sent.')
      : message('info', 'Would send:');
  return [
    outcome,
    data.request ? h('pre', { class: 'code-block', 'data-testid': 'test-request' }, pretty(data.request)) : null,
    h('h3', {}, 'Logs'),
    data.logs.length
      ? h('ol', { class: 'logs', 'data-testid': 'test-logs' }, data.logs.map((line) => h('li', { class: 'mono' }, line)))
      : h('p', { class: 'muted' }, 'No console.log lines.'),
    h('p', { class: 'muted' }, `Ran in ${data.duration_ms.toFixed(2)} ms.`),
  ];
}

// The editor (name, code, save) and the test panel beside it. `saved` is null for a new one.
async function editor(main, view, saved) {
  const mayWrite = view.principal.role !== 'viewer';
  const newest = await get(withQuery('/v1/events', { limit: 1 })).catch(() => ({ data: [] }));
  if (!view.isCurrent()) return;

  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 200, value: saved?.name ?? '' });
  const code = h('textarea', { name: 'code', class: 'code-editor', rows: 18, spellcheck: 'false', required: true, value: saved?.code ?? kStarter });
  const feedback = h('div', { class: 'feedback', 'aria-live': 'polite' });
  const form = h('form', {
    class: 'card',
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        const body = { name: name.value.trim(), code: code.value };
        const result = saved
          ? await patch(`/v1/transformations/${encodeURIComponent(saved.id)}`, body)
          : await post('/v1/transformations', body);
        announce(`Transformation ${result.name} saved`);
        if (!saved) {
          view.navigate(`/transformations/${encodeURIComponent(result.id)}`);
        } else {
          replaceChildren(feedback, message('info', 'Saved. Connections using it run this code from now on.'));
        }
      } catch (error) {
        replaceChildren(feedback, message('error', error.message));
      }
    },
  },
  h('h2', {}, saved ? 'Code' : 'New transformation'),
  field('Name', name),
  field('Code', code, 'JavaScript defining function transform(request, context). No network, files or timers; each run is bounded in CPU time (50 ms unless the operator changed it) and memory.'),
  mayWrite ? h('div', { class: 'actions' }, h('button', { type: 'submit' }, saved ? 'Save' : 'Create transformation')) : null,
  feedback);

  const eventId = h('input', { type: 'text', name: 'event_id', class: 'mono', required: true, value: newest.data[0]?.id ?? '', placeholder: 'evt_...' });
  const result = h('div', { class: 'test-result', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Run the code above against a captured event to see what it would send.'));
  const testForm = h('form', {
    class: 'card',
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        const data = (await post('/v1/transformations/test', { code: code.value, event_id: eventId.value.trim() })).data;
        if (view.isCurrent()) replaceChildren(result, testResult(data));
      } catch (error) {
        if (view.isCurrent()) replaceChildren(result, message('error', error.message));
      }
    },
  },
  h('h2', {}, 'Test against an event'),
  field('Event', eventId, 'The newest captured event to start with; paste any event id.'),
  mayWrite ? h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Run test')) : null,
  result);

  const remove = saved && mayWrite
    ? h('button', {
      type: 'button', class: 'danger',
      onclick: async () => {
        try {
          await del(`/v1/transformations/${encodeURIComponent(saved.id)}`);
          view.navigate('/transformations');
        } catch (error) {
          replaceChildren(feedback, message('error', error instanceof ApiError ? error.message : String(error)));
        }
      },
    }, 'Delete')
    : null;

  replaceChildren(main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/transformations' }, '← Transformations')),
    h('h1', {}, saved ? ['Transformation ', h('span', {}, saved.name)] : 'New transformation'),
    saved ? h('p', { class: 'muted mono' }, saved.id, ' · updated ', timeElement(saved.updated_at)) : null,
    h('div', { class: 'side-by-side' }, form, testForm),
    remove);
}

export async function renderTransformations(main, view) {
  if (view.params.get('new')) return editor(main, view, null);
  const list = await get(withQuery('/v1/transformations', { limit: 100, cursor: view.params.get('cursor') }));
  if (!view.isCurrent()) return;
  const rows = list.data.map((transformation) => [
    h('a', { href: `#/transformations/${encodeURIComponent(transformation.id)}` }, transformation.name),
    h('span', { class: 'mono' }, transformation.id),
    timeElement(transformation.updated_at),
  ]);
  replaceChildren(main,
    h('h1', {}, 'Transformations'),
    h('p', { class: 'lead' }, 'JavaScript that reshapes a request before it is delivered: rename fields for a consumer, add a header, drop what should not be sent. A connection runs one on every event it forwards or replays.'),
    list.data.length
      ? table('Transformations', ['Name', 'ID', 'Updated'], rows)
      : message('info', 'No transformations yet.'),
    list.next_cursor
      ? h('p', {}, h('a', { href: `#/transformations?cursor=${encodeURIComponent(list.next_cursor)}` }, 'More transformations'))
      : null,
    view.principal.role !== 'viewer'
      ? h('p', {}, h('a', { class: 'button-link', href: '#/transformations?new=1' }, 'New transformation'))
      : null);
}

export async function renderTransformationDetail(main, view) {
  const saved = await get(`/v1/transformations/${encodeURIComponent(view.id)}`);
  if (!view.isCurrent()) return;
  return editor(main, view, saved);
}
