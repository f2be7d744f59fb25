// Sources: where webhooks are captured, each with the ingest URL to give a provider.

import { get, post, withQuery } from '../api.js';
import { announce, field, h, message, replaceChildren, table, uniqueId } from '../dom.js';
import { timeElement } from '../format.js';

// Copies through the Clipboard API where the page may use it (HTTPS or localhost), otherwise
// through a selected, off-screen textarea and execCommand (plain HTTP on another host).
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const scratch = h('textarea', { class: 'visually-hidden', readonly: true, 'aria-hidden': 'true' }, text);
    document.body.append(scratch);
    scratch.select();
    const copied = document.execCommand('copy');
    scratch.remove();
    return copied;
  }
}

function ingestUrlCell(source) {
  const url = h('code', { class: 'ingest-url', id: uniqueId('ingest') }, source.ingest_url);
  const button = h('button', {
    type: 'button', class: 'secondary small', 'aria-label': `Copy the ingest URL of ${source.name}`,
    'aria-describedby': url.id,
    onclick: async () => {
      const copied = await copyText(source.ingest_url);
      button.textContent = copied ? 'Copied' : 'Select and copy';
      announce(copied ? `Ingest URL of ${source.name} copied` : 'Copying failed: select the URL and copy it');
      window.setTimeout(() => { button.textContent = 'Copy'; }, 2000);
    },
  }, 'Copy');
  return h('div', { class: 'copy-field' }, url, button);
}

// What the source checks of each request: its signature verification and its dedup key.
function captureRules(source) {
  const rules = [];
  if (source.verification) {
    const failures = source.verification.on_failure === 'record' ? ', failures recorded' : '';
    rules.push(`${source.verification.kind.replace('_', ' ')} signature${failures}`);
  }
  if (source.dedup) {
    rules.push(`dedup by ${source.dedup.header ?? source.dedup.json_path}`);
  }
  return rules.length ? rules.join('; ') : '—';
}

export async function renderSources(main, view) {
  const sources = await get(withQuery('/v1/sources', { limit: 100, cursor: view.params.get('cursor') }));
  if (!view.isCurrent()) return;

  const nameInput = h('input', { type: 'text', name: 'name', required: true, maxlength: 200 });
  const feedback = h('div', { class: 'feedback' });
  const createForm = h('form', {
    class: 'card inline-form',
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        const source = await post('/v1/sources', { name: nameInput.value.trim() });
        announce(`Source ${source.name} created`);
        view.navigate('/sources');
      } catch (error) {
        replaceChildren(feedback, message('error', error.message));
      }
    },
  }, h('h2', {}, 'New source'), field('Name', nameInput), h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create source')), feedback);

  const rows = sources.data.map((source) => [
    h('strong', {}, source.name),
    ingestUrlCell(source),
    captureRules(source),
    timeElement(source.created_at),
    h('a', { href: `#/events?source_id=${encodeURIComponent(source.id)}` }, 'Events'),
  ]);
  replaceChildren(main,
    h('h1', {}, 'Sources'),
    h('p', { class: 'lead' }, 'Point a webhook provider at a source\'s ingest URL: rehook stores every request sent to it (any method, any sub-path) before answering.'),
    sources.data.length
      ? table('Sources', ['Name', 'Ingest URL', 'Checks', 'Created', 'Captured'], rows)
      : message('info', 'No sources yet: create one below.'),
    sources.next_cursor
      ? h('p', {}, h('a', { href: `#/sources?cursor=${encodeURIComponent(sources.next_cursor)}` }, 'More sources'))
      : null,
    createForm);
}
