// Offering items with their quotas and current usage, and the usage chart over the last months
// (one period report per month: the peak of each service level's samples in the subtree).
import * as api from './api.js';
import { h, append, replace, errorBox, progress, table, formatNumber } from './ui.js';
import { lineChart } from './chart.js';

const MONTHS = 6;

function monthStarts(count) {
  const now = new Date();
  const starts = [];
  for (let i = count - 1; i >= -1; i -= 1) {
    starts.push(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)));
  }
  return starts;
}

export async function renderUsage(section, tenant) {
  const chartPlace = h('div', { class: 'chart-place' }, progress('Loading usage history…'));
  const itemsPlace = h('div', {}, progress('Loading offering items…'));
  append(section, h('h3', {}, 'Usage over time'), chartPlace, h('h3', {}, 'Offering items, quotas and current usage'), itemsPlace);
  await Promise.all([chart(chartPlace, tenant), items(itemsPlace, tenant)]);
}

async function chart(place, tenant) {
  const starts = monthStarts(MONTHS);
  const labels = starts.slice(0, -1).map((d) => d.toISOString().slice(0, 7));
  try {
    const reports = await Promise.all(labels.map((_, i) => api.get(
      `/api/2/usage/tenants/${api.q(tenant.id)}/report?from=${starts[i].toISOString()}&to=${starts[i + 1].toISOString()}`)));
    const levels = [...new Set(reports.flatMap((r) => r.items.map((row) => row.service_level)))].sort();
    if (levels.length === 0) {
      replace(place, h('p', {}, `No usage was reported for “${tenant.name}” or its subtree in the last ${MONTHS} months.`));
      return;
    }
    const series = levels.map((level) => ({
      name: `${level} (peak)`,
      values: reports.map((r) => {
        const rows = r.items.filter((row) => row.service_level === level);
        return rows.length ? rows.reduce((sum, row) => sum + row.peak_consumed, 0) : null;
      }),
    }));
    replace(place, lineChart('usage-chart', `Peak usage per service level of ${tenant.name} and its subtree, by month`, labels, series));
  } catch (error) {
    replace(place, errorBox(error));
  }
}

async function items(place, tenant) {
  try {
    const [offered, usages] = await Promise.all([
      api.get(`/api/2/tenants/${api.q(tenant.id)}/offering_items`),
      api.get(`/api/2/tenants/${api.q(tenant.id)}/usages`),
    ]);
    const usageOf = new Map(usages.items.map((u) => [`${u.application_id}/${u.name}`, u]));
    const on = offered.items.filter((i) => i.status === 1);
    const off = offered.items.length - on.length;
    replace(place,
      on.length === 0 ? h('p', {}, 'No offering item is turned on for this tenant.') : table('Offering items turned on',
        ['Item', 'Edition', 'Unit', 'Quota', 'Usage (tenant)', 'Usage (subtree)'],
        on.map((i) => {
          const u = usageOf.get(`${i.application_id}/${i.name}`);
          const quota = i.quota && i.quota.value !== null ? formatNumber(i.quota.value, i.measurement_unit) : 'unlimited';
          return [i.name, i.edition || '—', i.measurement_unit, quota,
            u ? formatNumber(u.value, i.measurement_unit) : '—',
            u ? h('span', {}, formatNumber(u.absolute_value, i.measurement_unit),
              u.offering_item && u.offering_item.over_quota ? h('span', { class: 'badge suspended' }, 'Over quota') : null) : '—'];
        })),
      off > 0 ? h('p', { class: 'hint' }, `${off} more offering items of the catalog are turned off for this tenant.`) : null);
  } catch (error) {
    replace(place, errorBox(error));
  }
}
