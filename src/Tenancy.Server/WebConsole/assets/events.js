// Events and webhooks: the change feed of the signed-in user's reach (GET /api/2/events, oldest first,
// paged with its cursor) and the webhooks that deliver it (docs/events.md). A new webhook's secret is
// shown once, in the page only, like an API client's.
import * as api from './api.js';
import { h, append, replace, errorBox, progress, table, formatTime, announce } from './ui.js';

const PAGE = 100;

export async function renderEvents(main) {
  const feed = h('div', {}, progress('Loading events…'));
  const hooks = h('div', {}, progress('Loading webhooks…'));
  replace(main, h('h1', { tabindex: '-1' }, 'Events and webhooks'),
    h('section', { 'aria-labelledby': 'events-heading' }, h('h2', { id: 'events-heading' }, 'Events'),
      h('p', {}, 'Every change within your reach, oldest first. Services follow the same feed, or receive it through a webhook.'),
      feed),
    h('section', { 'aria-labelledby': 'webhooks-heading' }, h('h2', { id: 'webhooks-heading' }, 'Webhooks'), webhookForm(hooks), hooks));
  await Promise.all([loadEvents(feed, null, []), loadWebhooks(hooks)]);
}

async function loadEvents(place, after, shown) {
  try {
    const page = await api.get(`/api/2/events?limit=${PAGE}${after ? `&after=${api.q(after)}` : ''}`);
    const events = shown.concat(page.items);
    const next = page.paging && page.paging.cursors && page.paging.cursors.after;
    replace(place, events.length === 0 ? h('p', {}, 'No events yet.') : table('Events', ['Time', 'Type', 'Tenant', 'By', 'Changed'],
      events.map((e) => [formatTime(e.time), h('code', {}, e.type), h('a', { href: `#/tenants/${e.subject}` }, e.subject),
        e.data && e.data.actor ? `${e.data.actor.type} ${e.data.actor.id}` : '—',
        e.data && e.data.after ? Object.keys(e.data.after).join(', ') : '—'])),
    page.items.length === PAGE
      ? h('button', { type: 'button', onclick: () => loadEvents(place, next, events) }, 'Load more events')
      : null);
  } catch (error) {
    replace(place, errorBox(error));
  }
}

function webhookForm(list) {
  const created = h('div', { class: 'created-secret' });
  const url = h('input', { id: 'webhook-url', type: 'url', required: true, autocomplete: 'off', placeholder: 'https://…' });
  const types = h('input', { id: 'webhook-types', type: 'text', autocomplete: 'off', placeholder: 'tenancy.tenant.suspended, …' });
  return h('div', {}, h('form', {
    class: 'stack',
    onsubmit: async (e) => {
      e.preventDefault();
      replace(created, progress('Creating the webhook…'));
      const eventTypes = types.value.split(',').map((t) => t.trim()).filter(Boolean);
      try {
        const hook = await api.post('/api/2/webhooks', { url: url.value.trim(), ...(eventTypes.length ? { event_types: eventTypes } : {}) });
        showSecret(created, hook);
        url.value = '';
        types.value = '';
        await loadWebhooks(list);
      } catch (error) {
        replace(created, errorBox(error));
      }
    },
  }, h('h3', {}, 'New webhook'),
  h('label', { for: 'webhook-url' }, 'Receiver URL'), url,
  h('label', { for: 'webhook-types' }, 'Event types (comma-separated; empty: all)'), types,
  h('button', { type: 'submit', class: 'primary' }, 'Create webhook')), created);
}

function showSecret(place, hook) {
  replace(place, h('div', { class: 'message success', role: 'alert' },
    h('p', {}, h('strong', {}, 'Webhook created. '), 'Copy its signing secret now: it is shown this once and cannot be shown again.'),
    h('dl', { class: 'details' },
      h('dt', { id: 'webhook-secret-label' }, 'Signing secret'),
      h('dd', {}, h('output', { class: 'secret', id: 'webhook-secret', 'aria-labelledby': 'webhook-secret-label' }, hook.secret))),
    h('button', { type: 'button', onclick: () => { replace(place); announce('The secret was removed from the page.'); } },
      'I have stored the secret: hide it')));
}

async function loadWebhooks(place) {
  try {
    const hooks = (await api.get('/api/2/webhooks')).items;
    replace(place, hooks.length === 0 ? h('p', {}, 'No webhooks.') : table('Webhooks', ['Receiver URL', 'Event types', 'State', ''],
      hooks.map((w) => [h('code', {}, w.url), (w.event_types && w.event_types.length ? w.event_types.join(', ') : 'all'),
        w.enabled ? 'enabled' : `disabled${w.disabled_reason ? `: ${w.disabled_reason}` : ''}`,
        h('button', {
          type: 'button',
          'aria-label': `Delete the webhook to ${w.url}`,
          onclick: async () => {
            try {
              await api.del(`/api/2/webhooks/${api.q(w.id)}?version=${w.version}`);
              announce('Webhook deleted.');
              await loadWebhooks(place);
            } catch (error) {
              append(place, errorBox(error));
            }
          },
        }, 'Delete')])));
  } catch (error) {
    replace(place, errorBox(error));
  }
}
