// A tenant's users and API clients. A new client's secret is shown once, in the page only: it is
// never stored by the console, and the server keeps only its hash.
import * as api from './api.js';
import { h, append, replace, errorBox, progress, table, formatTime, announce } from './ui.js';

export async function renderUsers(section, tenant) {
  const place = h('div', {}, progress('Loading users…'));
  append(section, place);
  try {
    const ids = (await api.get(`/api/2/tenants/${api.q(tenant.id)}/users`)).items;
    if (ids.length === 0) {
      replace(place, h('p', {}, 'This tenant has no users.'));
      return;
    }
    const users = [];
    for (let i = 0; i < ids.length; i += 100) {
      const page = await api.get(`/api/2/users?uuids=${ids.slice(i, i + 100).map(api.q).join(',')}`);
      users.push(...page.items);
    }
    replace(place, table(`Users of ${tenant.name}`, ['Login', 'E-mail', 'Roles', 'State', 'Created'], users.map((u) => [
      u.login, (u.contact && u.contact.email) || '—',
      (u.access_policies || []).map((p) => p.role_id).join(', ') || '—',
      u.enabled ? (u.activated ? 'enabled' : 'enabled, not activated') : 'disabled',
      formatTime(u.created_at)])));
  } catch (error) {
    replace(place, errorBox(error));
  }
}

export async function renderClients(section, tenant) {
  const list = h('div', {}, progress('Loading API clients…'));
  const created = h('div', { class: 'created-secret' });
  const name = h('input', { id: 'client-name', type: 'text', required: true, autocomplete: 'off' });
  const form = h('form', {
    class: 'stack',
    onsubmit: async (e) => {
      e.preventDefault();
      replace(created, progress('Creating the API client…'));
      try {
        const client = await api.post('/api/2/clients', {
          type: 'api_client', tenant_id: tenant.id, token_endpoint_auth_method: 'client_secret_basic',
          data: { client_name: name.value.trim() },
        });
        showSecret(created, client);
        name.value = '';
        await load(list, tenant);
      } catch (error) {
        replace(created, errorBox(error));
      }
    },
  }, h('h3', {}, 'New API client'),
  h('label', { for: 'client-name' }, 'Client name'), name,
  h('button', { type: 'submit', class: 'primary' }, 'Create API client'));
  append(section, form, created, h('h3', {}, 'API clients'), list);
  await load(list, tenant);
}

function showSecret(place, client) {
  const secret = h('output', { class: 'secret', id: 'client-secret', 'aria-labelledby': 'secret-label' }, client.client_secret);
  replace(place, h('div', { class: 'message success', role: 'alert' },
    h('p', {}, h('strong', {}, 'API client created. '), 'Copy its secret now: it is shown this once and cannot be shown again.'),
    h('dl', { class: 'details' },
      h('dt', {}, 'Client ID'), h('dd', {}, h('code', { id: 'client-id' }, client.client_id)),
      h('dt', { id: 'secret-label' }, 'Client secret'), h('dd', {}, secret)),
    h('button', { type: 'button', onclick: () => { replace(place); announce('The secret was removed from the page.'); } },
      'I have stored the secret: hide it')));
}

async function load(place, tenant) {
  try {
    const clients = (await api.get(`/api/2/clients?tenant_id=${api.q(tenant.id)}`)).items;
    replace(place, clients.length === 0 ? h('p', {}, 'This tenant has no API clients.') : table(`API clients of ${tenant.name}`,
      ['Name', 'Client ID', 'Status', 'Role', 'Created', 'Last used'], clients.map((c) => [
        (c.data && c.data.client_name) || '—', h('code', {}, c.client_id), c.status, c.role || '—',
        formatTime(c.created_at), c.last_access_at ? formatTime(c.last_access_at) : 'never'])));
  } catch (error) {
    replace(place, errorBox(error));
  }
}
