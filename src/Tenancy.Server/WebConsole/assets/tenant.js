// A tenant's page: its details and lifecycle actions, and one section per tab (offering items and
// usage, users, API clients, audit trail, usage reports).
import * as api from './api.js';
import { h, replace, errorBox, notice, details, formatTime, stateBadges, progress, dialog, announce } from './ui.js';
import * as lifecycle from './lifecycle.js';
import { renderUsage } from './usage.js';
import { renderUsers, renderClients } from './people.js';
import { renderAudit } from './audit.js';
import { renderReports } from './reports.js';

const TABS = [
  ['overview', 'Overview'],
  ['usage', 'Offering items and usage'],
  ['users', 'Users'],
  ['clients', 'API clients'],
  ['audit', 'Audit trail'],
  ['reports', 'Usage reports'],
];

const SECTIONS = { usage: renderUsage, users: renderUsers, clients: renderClients, audit: renderAudit, reports: renderReports };

/** Renders the page of tenant `id` into `panel`; `tree` is told about changes. */
export async function renderTenant(panel, id, tab, tree, message) {
  replace(panel, progress('Loading the tenant…'));
  let tenant;
  try {
    tenant = await api.get(`/api/2/tenants/${api.q(id)}${tree.showDeleted ? '?allow_deleted=true' : ''}`);
  } catch (error) {
    replace(panel, h('h1', {}, 'Tenant'), errorBox(error));
    return;
  }
  const current = TABS.some(([key]) => key === tab) ? tab : 'overview';
  const section = h('section', { class: 'tab-panel', 'aria-labelledby': 'section-heading' });
  replace(panel,
    h('div', { class: 'tenant-head' }, h('h1', { id: 'tenant-heading', tabindex: '-1' }, tenant.name), stateBadges(tenant)),
    message || null,
    h('nav', { 'aria-label': 'Tenant sections', class: 'tabs' }, h('ul', {}, TABS.map(([key, label]) => h('li', {},
      h('a', { href: `#/tenants/${tenant.id}/${key}`, 'aria-current': key === current ? 'page' : null }, label))))),
    section);
  if (current === 'overview') {
    renderOverview(section, tenant, panel, tree);
  } else {
    replace(section, h('h2', { id: 'section-heading' }, TABS.find(([k]) => k === current)[1]));
    await SECTIONS[current](section, tenant);
  }
}

function renderOverview(section, tenant, panel, tree) {
  const status = h('div', { class: 'action-status' });
  const reload = (msg) => {
    tree.refresh(tenant.id);
    return renderTenant(panel, tenant.id, 'overview', tree, msg);
  };
  const act = async (action, extra) => {
    try {
      const outcome = await lifecycle.run(action, tenant, status, extra);
      if (outcome !== 'done') {
        return;
      }
      announce(`${lifecycle.ACTIONS[action].label}: done.`);
      if (action === 'terminate') {
        tree.refresh(tenant.id);
        replace(panel, h('h1', { tabindex: '-1' }, tenant.name),
          notice(`“${tenant.name}” was terminated with its subtree.`, 'success'),
          h('p', {}, h('a', { href: `#/tenants/${tenant.parent_id}` }, 'Open its parent')));
        panel.querySelector('h1').focus();
        return;
      }
      if (action === 'move') {
        tree.reload();
      }
      await reload(notice(`${lifecycle.ACTIONS[action].label}: done.`, 'success'));
    } catch (error) {
      status.replaceChildren();
      await conflictOrError(error, tenant, reload);
    }
  };
  const doRestore = async () => {
    try {
      if (await lifecycle.restore(tenant, status) === 'done') {
        await reload(notice(`“${tenant.name}” was restored.`, 'success'));
      }
    } catch (error) {
      await conflictOrError(error, tenant, reload);
    }
  };
  const actions = tenant.deleted_at
    ? [h('button', { type: 'button', class: 'primary', onclick: doRestore }, 'Restore')]
    : [
      tenant.enabled
        ? h('button', { type: 'button', onclick: () => act('suspend') }, 'Suspend')
        : h('button', { type: 'button', onclick: () => act('reactivate') }, 'Reactivate'),
      h('button', { type: 'button', onclick: () => askMove(tenant).then((extra) => extra && act('move', extra)) }, 'Move'),
      h('button', { type: 'button', class: 'danger', onclick: () => act('terminate') }, 'Terminate'),
    ];
  const contact = tenant.contact || {};
  replace(section,
    h('h2', { id: 'section-heading' }, 'Overview'),
    h('div', { class: 'actions', role: 'group', 'aria-label': 'Lifecycle actions' }, actions),
    status,
    details([
      ['ID', tenant.id],
      ['Kind', tenant.kind],
      ['Parent', h('a', { href: `#/tenants/${tenant.parent_id}` }, tenant.parent_id)],
      ['Version', String(tenant.version)],
      ['Enabled (own flag)', tenant.enabled ? 'yes' : 'no'],
      ['Effectively enabled', tenant.effectively_enabled === false ? `no, suspended by ${tenant.disabled_by || 'an ancestor'}` : 'yes'],
      ['Update lock', tenant.update_lock && tenant.update_lock.enabled ? `locked by ${tenant.update_lock.owner_id}` : 'none'],
      ['Ancestral access', tenant.ancestral_access === false ? 'no: a barrier keeps ancestors out' : 'yes'],
      tenant.deleted_at ? ['Deleted at', formatTime(tenant.deleted_at)] : null,
      tenant.external_operation_status ? ['External operation', tenant.external_operation_status] : null,
      ['Customer type', tenant.customer_type],
      ['Code', tenant.code],
      ['Zuora account', [tenant.zuora_account_name, tenant.zuora_account_number].filter(Boolean).join(' / ') || null],
      ['Contact e-mail', contact.email || null],
      ['Pricing mode', tenant.pricing_mode],
      ['Created', formatTime(tenant.created_at)],
      ['Updated', formatTime(tenant.updated_at)],
    ]));
}

/** A 409 reloads the tenant and says what changed; anything else is shown in words. */
async function conflictOrError(error, before, reload) {
  if (error.status === 409 && error.code === 1001) {
    let after = null;
    try {
      after = await api.get(`/api/2/tenants/${api.q(before.id)}`);
    } catch {
      // Gone meanwhile: the message below still says the version moved on.
    }
    const changed = after ? lifecycle.changes(before, after) : [];
    await reload(h('div', { class: 'message warning', role: 'alert' },
      h('p', {}, `Someone changed “${before.name}” since this page was loaded (version ${before.version}`
        + `${after ? ` → ${after.version}` : ''}). Nothing was applied; the page shows the tenant as it is now. Check it and try again.`),
      changed.length ? h('ul', {}, changed.map((c) => h('li', {}, c))) : null));
    return;
  }
  await reload(errorBox(error));
}

/** Asks for the new parent (found with the API's search) before the move's preview. */
async function askMove(tenant) {
  const input = h('input', { id: 'move-parent', type: 'text', autocomplete: 'off', required: true });
  const choice = await dialog(`Move ${tenant.name}`, [
    h('label', { for: 'move-parent' }, 'New parent tenant ID'),
    input,
    h('p', { class: 'hint' }, 'Copy the ID from the new parent’s overview. The next step shows the impact before anything changes.'),
  ], [{ label: 'Cancel', value: 'cancel' }, { label: 'Preview the move', value: 'go', kind: 'primary' }]);
  const parentId = input.value.trim();
  return choice === 'go' && parentId ? { parentId } : null;
}
