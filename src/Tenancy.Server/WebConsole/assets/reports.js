// Usage reports of a tenant: create a one-time report, follow its production, download its files.
import * as api from './api.js';
import { h, append, replace, errorBox, progress, formatTime, announce } from './ui.js';

const POLL_MS = 1000;

export async function renderReports(section, tenant) {
  const list = h('div', {}, progress('Loading reports…'));
  const status = h('div', {});
  const kind = select('report-kind', [['usage_current', 'Current usage'], ['usage_summary', 'Summary of the period (this month so far)']]);
  const level = select('report-level', [['accounts', 'Every tenant of the subtree'], ['itself', 'This tenant with its subtree\'s total'],
    ['direct_partners', 'Direct partners'], ['all_partners', 'All partners'], ['all_customers', 'All customers']]);
  const format = select('report-format', [['csv_v2_0', 'CSV'], ['json_v2_0', 'JSON']]);
  const form = h('form', {
    class: 'stack',
    onsubmit: async (e) => {
      e.preventDefault();
      replace(status, progress('Creating the report…'));
      try {
        const report = await api.post('/api/2/reports', {
          parameters: { tenant_id: tenant.id, kind: kind.value, level: level.value, formats: [format.value] },
          schedule: { type: 'once' }, result_action: 'save',
        });
        replace(status);
        await load(list, tenant, report.id);
      } catch (error) {
        replace(status, errorBox(error));
      }
    },
  }, h('h3', {}, 'New report'),
  h('label', { for: 'report-kind' }, 'Kind'), kind,
  h('label', { for: 'report-level' }, 'Tenants shown'), level,
  h('label', { for: 'report-format' }, 'Format'), format,
  h('button', { type: 'submit', class: 'primary' }, 'Create report'));
  append(section, form, status, h('h3', {}, 'Reports'), list);
  await load(list, tenant, null);
}

function select(id, options) {
  return h('select', { id }, options.map(([value, label]) => h('option', { value }, label)));
}

async function load(place, tenant, fresh) {
  try {
    const ids = (await api.get(`/api/2/tenants/${api.q(tenant.id)}/reports`)).items;
    if (ids.length === 0) {
      replace(place, h('p', {}, 'No reports yet.'));
      return;
    }
    const reports = await Promise.all(ids.slice(-20).reverse().map((id) => api.get(`/api/2/reports/${api.q(id)}`)));
    replace(place, h('ul', { class: 'reports' }, reports.map((r) => reportItem(r, r.id === fresh))));
  } catch (error) {
    replace(place, errorBox(error));
  }
}

function reportItem(report, follow) {
  const files = h('div', {}, progress('Loading its files…'));
  const p = report.parameters || {};
  const item = h('li', {}, h('p', {}, h('strong', {}, `${p.kind} · ${p.level}`), ` — ${report.schedule ? report.schedule.type : ''}, `
    + `created ${formatTime(report.created_at || report.generation_date)}`), files);
  watch(files, report, follow);
  return item;
}

/** Shows the report's files; while one is in progress, asks again until it is saved or failed. */
async function watch(place, report, follow) {
  try {
    const stored = (await api.get(`/api/2/reports/${api.q(report.id)}/stored`)).items;
    const pending = stored.some((f) => f.status === 'in_progress');
    replace(place, stored.length === 0 ? h('p', {}, 'No files yet.') : h('ul', {}, stored.map((f) => h('li', {},
      f.status === 'saved'
        ? h('button', { type: 'button', class: 'link-button', onclick: () => save(report, f) },
          `Download ${f.report_format} (${f.size} bytes, ${formatTime(f.created_at)})`)
        : f.status === 'in_progress' ? progress(`Producing the ${f.report_format} file…`)
          : h('span', { class: 'badge suspended' }, `The ${f.report_format} file failed`)))));
    if (pending) {
      window.setTimeout(() => { if (place.isConnected) watch(place, report, follow); }, POLL_MS);
    } else if (follow) {
      announce('The report is ready to download.');
    }
  } catch (error) {
    replace(place, errorBox(error));
  }
}

async function save(report, file) {
  try {
    const blob = await api.download(`/api/2/reports/${api.q(report.id)}/stored/${api.q(file.id)}`);
    const url = URL.createObjectURL(blob instanceof Blob ? blob : new Blob([JSON.stringify(blob)], { type: 'application/json' }));
    const link = h('a', { href: url, download: `report-${report.id}.${file.report_format.startsWith('csv') ? 'csv' : 'json'}` });
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (error) {
    announce(error.message);
  }
}
