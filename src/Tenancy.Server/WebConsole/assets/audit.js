// The audit trail of a tenant's subtree, newest first, a page at a time.
import * as api from './api.js';
import { h, append, replace, errorBox, progress, formatTime, scrollable } from './ui.js';

const PAGE = 25;

export async function renderAudit(section, tenant) {
  const body = h('tbody', {});
  const more = h('div', {});
  const caption = `Changes in ${tenant.name} and its subtree, newest first`;
  append(section, scrollable(caption, h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ['When', 'Operation', 'Actor', 'Target'].map((x) => h('th', { scope: 'col' }, x)))),
    body)), more);
  await page(body, more, tenant, null);
}

async function page(body, more, tenant, after) {
  replace(more, progress('Loading audit records…'));
  try {
    const result = await api.get(`/api/2/audit?subtree_id=${api.q(tenant.id)}&limit=${PAGE}${after ? `&after=${api.q(after)}` : ''}`);
    append(body, result.items.map((r) => h('tr', {},
      h('td', {}, formatTime(r.at)), h('td', {}, r.operation),
      h('td', {}, `${r.actor.type} ${r.actor.id}${r.actor.impersonator ? ` (as ${r.actor.impersonator})` : ''}`),
      h('td', {}, `${r.target.type} ${r.target.id}`))));
    const next = result.paging && result.paging.cursors && result.paging.cursors.after;
    replace(more, next
      ? h('button', { type: 'button', onclick: () => page(body, more, tenant, next) }, 'Load older records')
      : h('p', { class: 'hint' }, body.children.length ? 'That is the whole trail.' : 'No records.'));
  } catch (error) {
    replace(more, errorBox(error));
  }
}
