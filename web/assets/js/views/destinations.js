// Destinations and the state of their circuit breakers (closed: delivering; open: paused after
// repeated failures until retry_at; half_open: probing with one delivery). Each name opens the
// destination's page (destination_detail.js).

import { listAll, patch, post } from '../api.js';
import { announce, field, h, message, replaceChildren, table } from '../dom.js';
import { timeElement } from '../format.js';

export function circuitBadge(circuit) {
  const tone = { closed: 'good', open: 'bad', half_open: 'warn' }[circuit.state] ?? '';
  const label = { closed: 'Closed', open: 'Open', half_open: 'Half-open' }[circuit.state] ?? circuit.state;
  return h('span', { class: `badge ${tone}` }, label);
}

function circuitCell(circuit) {
  return h('div', { class: 'circuit' },
    circuitBadge(circuit),
    circuit.failures ? h('span', { class: 'muted' }, ` ${circuit.failures} failure${circuit.failures === 1 ? '' : 's'} in a row`) : null,
    circuit.retry_at ? h('span', { class: 'muted' }, ' · retry at ', timeElement(circuit.retry_at)) : null);
}

function createForm(view) {
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 200 });
  const url = h('input', { type: 'url', name: 'url', required: true, class: 'mono', placeholder: 'https://service.example.com/webhooks' });
  const feedback = h('div', { class: 'feedback' });
  return h('form', {
    class: 'card',
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        const destination = await post('/v1/destinations', { name: name.value.trim(), url: url.value.trim() });
        announce(`Destination ${destination.name} created`);
        view.navigate('/destinations');
      } catch (error) {
        replaceChildren(feedback, message('error', error.message));
      }
    },
  },
  h('h2', {}, 'New destination'),
  h('div', { class: 'grid' }, field('Name', name), field('URL', url)),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create destination')),
  feedback);
}

// Disabling stops forwarding (pending deliveries are dropped); what it misses is replayed by
// connection once it is enabled again.
function forwardingCell(destination, view) {
  const feedback = h('span', { class: 'feedback', 'aria-live': 'polite' });
  const toggle = h('button', {
    type: 'button',
    class: 'secondary small',
    onclick: async () => {
      toggle.disabled = true;
      try {
        await patch(`/v1/destinations/${encodeURIComponent(destination.id)}`, { enabled: !destination.enabled });
        announce(`Destination ${destination.name} ${destination.enabled ? 'disabled' : 'enabled'}`);
        view.navigate('/destinations');
      } catch (error) {
        toggle.disabled = false;
        replaceChildren(feedback, message('error', error.message));
      }
    },
  }, destination.enabled ? 'Disable' : 'Enable');
  return h('div', {},
    h('span', { class: `badge ${destination.enabled ? 'good' : 'warn'}` }, destination.enabled ? 'Enabled' : 'Disabled'),
    ' ', toggle, feedback);
}

export async function renderDestinations(main, view) {
  const destinations = await listAll('/v1/destinations');
  if (!view.isCurrent()) return;
  const rows = destinations.map((destination) => [
    h('a', { href: `#/destinations/${encodeURIComponent(destination.id)}` }, h('strong', {}, destination.name)),
    h('span', { class: 'mono' }, destination.url),
    circuitCell(destination.circuit),
    destination.rate_limit ? `${destination.rate_limit} per second` : 'none',
    destination.has_secret ? 'yes' : 'no',
    forwardingCell(destination, view),
  ]);
  replaceChildren(main,
    h('h1', {}, 'Destinations'),
    h('div', { class: 'toolbar' },
      h('p', { class: 'muted' }, 'Where connections forward events and replays deliver them.'),
      h('button', { type: 'button', class: 'secondary small', onclick: () => view.navigate('/destinations') }, 'Refresh')),
    destinations.length
      ? table('Destinations', ['Name', 'URL', 'Circuit', 'Rate limit', 'Signed', 'Forwarding'], rows)
      : message('info', 'No destinations yet.'),
    createForm(view));
}
