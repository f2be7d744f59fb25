// Notification channels (admins only): where rehook tells the team that something changed — a
// destination's circuit opened or closed, a destination was disabled, a replay job completed or
// paused, a delivery used up its retries. A channel is the team's own endpoint (signed JSON) or
// a Slack incoming webhook (API-NOTES.md "Insight: notifications").

import { del, listAll, post } from '../api.js';
import { announce, field, h, message, replaceChildren, table } from '../dom.js';
import { timeElement } from '../format.js';

export const kNotificationKinds = [
  ['destination.circuit_opened', 'A destination starts failing (its circuit opens)'],
  ['destination.circuit_closed', 'It answers again (its circuit closes)'],
  ['destination.disabled', 'A destination was disabled after failing for its whole window'],
  ['delivery.exhausted', 'A delivery used up its retries'],
  ['replay.completed', 'A replay job completed'],
  ['replay.paused', 'rehook paused a replay job (its destination is failing)'],
];

export function mayManageNotifications(principal) {
  return principal.role === 'admin' || principal.role === 'super_admin';
}

function createForm(view) {
  const url = h('input', { type: 'url', name: 'url', required: true, class: 'mono', placeholder: 'https://hooks.slack.com/services/…' });
  const format = h('select', { name: 'format' },
    h('option', { value: 'json', selected: true }, 'JSON (signed when a secret is set)'),
    h('option', { value: 'slack' }, 'Slack message ({"text"})'));
  const secret = h('input', { type: 'text', name: 'secret', class: 'mono', placeholder: 'whsec_… (optional)', autocomplete: 'off' });
  const boxes = kNotificationKinds.map(([kind, text]) => {
    const box = h('input', { type: 'checkbox', name: 'events', value: kind, checked: kind.startsWith('destination.') });
    return h('label', { class: 'check' }, box, h('span', {}, text, ' ', h('code', {}, kind)));
  });
  const feedback = h('div', { class: 'feedback', 'aria-live': 'polite' });
  return h('form', {
    class: 'card',
    'aria-labelledby': 'new-channel-heading',
    onsubmit: async (event) => {
      event.preventDefault();
      const events = boxes.map((label) => label.querySelector('input')).filter((box) => box.checked).map((box) => box.value);
      const body = { url: url.value.trim(), events, format: format.value };
      if (secret.value.trim()) body.secret = secret.value.trim();
      try {
        await post('/v1/notifications', body);
        announce('Notification channel added');
        view.navigate('/notifications');
      } catch (error) {
        replaceChildren(feedback, message('error', error.message));
      }
    },
  },
  h('h2', { id: 'new-channel-heading' }, 'New channel'),
  h('div', { class: 'grid' },
    field('URL', url, 'Your endpoint, or a Slack incoming webhook.'),
    field('Format', format),
    field('Signing secret', secret, 'Standard Webhooks headers on JSON messages.')),
  h('fieldset', { class: 'checks' }, h('legend', {}, 'Tell it when'), boxes),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add channel')),
  feedback);
}

function deleteButton(channel, view) {
  const button = h('button', {
    type: 'button',
    class: 'secondary small',
    'aria-label': `Delete channel ${channel.url}`,
    onclick: async () => {
      button.disabled = true;
      try {
        await del(`/v1/notifications/${encodeURIComponent(channel.id)}`);
        announce('Notification channel deleted');
        view.navigate('/notifications');
      } catch (error) {
        button.disabled = false;
        button.after(message('error', error.message));
      }
    },
  }, 'Delete');
  return button;
}

export async function renderNotifications(main, view) {
  if (!mayManageNotifications(view.principal)) {
    replaceChildren(main, h('h1', {}, 'Notifications'),
      message('info', 'Only admins manage where the team is notified.'));
    return;
  }
  const channels = await listAll('/v1/notifications');
  if (!view.isCurrent()) return;
  const rows = channels.map((channel) => [
    h('span', { class: 'mono' }, channel.url),
    channel.format === 'slack' ? 'Slack' : `JSON${channel.has_secret ? ', signed' : ''}`,
    h('ul', { class: 'plain' }, channel.events.map((kind) => h('li', {}, h('code', {}, kind)))),
    timeElement(channel.created_at),
    deleteButton(channel, view),
  ]);
  replaceChildren(main,
    h('h1', {}, 'Notifications'),
    h('p', { class: 'muted' }, 'rehook posts once per change, not once per failed delivery, and retries a channel that fails.'),
    channels.length
      ? table('Notification channels', ['URL', 'Format', 'Events', 'Added', ''], rows)
      : message('info', 'No channels yet: nobody is told when a destination starts failing.'),
    createForm(view));
}
