// Lifecycle actions on a tenant: each shows the server's dry-run impact first, then asks for a
// confirmation that names what will be affected. Terminate = suspend, then delete quoting the version.
import * as api from './api.js';
import { h, dialog, progress, announce } from './ui.js';

const IMPACT = [
  ['tenants', 'tenants (this one and its subtree)'],
  ['users', 'users'],
  ['clients', 'API clients'],
  ['live_tokens', 'live access tokens'],
  ['subscriptions', 'subscriptions'],
  ['applications', 'applications turned on'],
  ['usage', 'usage rows of the current period'],
];

/**
 * The impact preview: the server's dry-run answer (docs/lifecycle.md, "Dry run"), which changes nothing.
 * Null if the answer is not a dry run's, so the dialog says the preview is unavailable.
 */
async function preview(method, url, body, version) {
  const answer = method === 'PUT'
    ? await api.put(`${url}?dry_run=true`, { ...body, version })
    : await api.del(`${url}?version=${version}&dry_run=true`);
  return answer && answer.dry_run === true ? answer : null;
}

function impactView(result, tenant) {
  if (!result) {
    return [h('p', { class: 'message warning' }, 'Impact preview unavailable. '
      + `The action applies to “${tenant.name}” and everything below it.`)];
  }
  const rows = IMPACT.filter(([key]) => result.impact && result.impact[key]).map(([key, label]) => {
    const part = result.impact[key];
    return h('li', {}, h('strong', {}, String(part.count)), ` ${label}`,
      part.first_ids && part.first_ids.length && part.count > 0
        ? h('span', { class: 'ids' }, ` (first: ${part.first_ids.slice(0, 3).join(', ')}${part.count > 3 ? ', …' : ''})`)
        : null);
  });
  return [
    result.allowed
      ? h('p', {}, 'The server checked this request without carrying it out. It would affect:')
      : h('p', { class: 'message error', role: 'alert' }, `The server would refuse this: ${result.refusal ? result.refusal.message : 'not allowed'}`),
    h('ul', { class: 'impact' }, rows),
  ];
}

/** What each action sends. */
export const ACTIONS = {
  suspend: { label: 'Suspend', verb: 'Suspend', body: () => ({ enabled: false }) },
  reactivate: { label: 'Reactivate', verb: 'Reactivate', body: () => ({ enabled: true }) },
  move: { label: 'Move', verb: 'Move', body: (extra) => ({ parent_id: extra.parentId }) },
  terminate: { label: 'Terminate', verb: 'Terminate' },
};

/**
 * Runs an action with its preview and confirmation. Returns 'done', 'cancelled', or throws the API's
 * error (a 409 is left to the caller, which reloads the tenant and shows what changed).
 */
export async function run(action, tenant, status, extra = {}) {
  const url = `/api/2/tenants/${api.q(tenant.id)}`;
  const spec = ACTIONS[action];
  status.replaceChildren(progress('Asking the server for the impact…'));
  let result;
  try {
    result = action === 'terminate'
      ? await preview('DELETE', url, null, tenant.version)
      : await preview('PUT', url, spec.body(extra), tenant.version);
  } finally {
    status.replaceChildren();
  }
  // A stale version: the tenant changed since the page was loaded; the caller reloads it and says what changed.
  if (result && !result.allowed && result.refusal && result.refusal.code === 1001) {
    throw new api.ApiError(409, result.refusal.message, { error: result.refusal });
  }
  // Deleting an enabled tenant is refused on its own (1006); terminate suspends it first, so that refusal is expected.
  const refusedOnlyForBeingEnabled = action === 'terminate' && result && !result.allowed && tenant.enabled
    && result.refusal && result.refusal.code === 1006;
  if (refusedOnlyForBeingEnabled) {
    result = { ...result, allowed: true };
  }
  const what = action === 'move'
    ? `Move “${tenant.name}” and its subtree under ${extra.parentName || extra.parentId}`
    : action === 'terminate'
      ? `Terminate “${tenant.name}”: ${tenant.enabled ? 'suspend it, then delete' : 'delete'} it with its whole subtree`
      : `${spec.verb} “${tenant.name}” and its subtree`;
  const allowed = !result || result.allowed;
  const choice = await dialog(`${spec.label} ${tenant.name}?`, [h('p', { class: 'what' }, `${what}.`), impactView(result, tenant)], [
    { label: 'Cancel', value: 'cancel' },
    { label: `${spec.verb} ${tenant.name}`, value: 'go', kind: action === 'terminate' ? 'danger' : 'primary', disabled: !allowed },
  ]);
  if (choice !== 'go') {
    announce('Cancelled.');
    return 'cancelled';
  }
  if (action === 'terminate') {
    let version = tenant.version;
    if (tenant.enabled) {
      status.replaceChildren(progress(`Step 1 of 2: suspending ${tenant.name}…`));
      version = (await api.put(url, { enabled: false, version })).version;
    }
    status.replaceChildren(progress(`Step ${tenant.enabled ? 2 : 1} of ${tenant.enabled ? 2 : 1}: deleting ${tenant.name} and its subtree…`));
    await api.del(`${url}?version=${version}`);
  } else {
    status.replaceChildren(progress(`${spec.verb === 'Move' ? 'Moving' : spec.verb.replace(/e$/, '') + 'ing'} ${tenant.name}…`));
    await api.put(url, { ...spec.body(extra), version: tenant.version });
  }
  status.replaceChildren();
  return 'done';
}

/** Restore of a tenant deleted within its restore window (no dry run: the confirmation names the tenant). */
export async function restore(tenant, status) {
  const choice = await dialog(`Restore ${tenant.name}?`, [
    h('p', {}, `Restore “${tenant.name}”, deleted ${tenant.deleted_at}, with the subtree deleted with it.`),
    h('p', { class: 'message warning' }, 'Impact preview unavailable: restores have no dry run.'),
  ], [{ label: 'Cancel', value: 'cancel' }, { label: `Restore ${tenant.name}`, value: 'go', kind: 'primary' }]);
  if (choice !== 'go') {
    return 'cancelled';
  }
  status.replaceChildren(progress(`Restoring ${tenant.name}…`));
  try {
    await api.post(`/api/2/tenants/${api.q(tenant.id)}/restore`, {});
  } finally {
    status.replaceChildren();
  }
  return 'done';
}

/** The fields that differ between what the page showed and the tenant as it is now. */
export function changes(before, after) {
  const keys = ['name', 'enabled', 'effectively_enabled', 'parent_id', 'kind', 'update_lock', 'ancestral_access', 'deleted_at', 'customer_type', 'code', 'description'];
  return keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k}: ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`);
}
