// The tenant tree: children are loaded when a tenant is opened, a page at a time through the API's
// cursor paging ("Load more"), so a partner with 100,000 children costs one page until asked for more.
import * as api from './api.js';
import { h, append, replace, errorBox, stateBadges, progress, announce } from './ui.js';

const PAGE = 50;

export class TenantTree {
  constructor(rootId) {
    this.rootId = rootId;
    this.showDeleted = false;
    this.nodes = new Map();
    this.list = h('ul', { class: 'tree', 'aria-label': 'Tenant tree' });
    this.results = h('div', { class: 'search-results' });
    this.element = h('nav', { 'aria-label': 'Tenants', class: 'tree-pane' },
      this.searchForm(),
      this.results,
      h('div', { class: 'tree-options' },
        h('label', {}, h('input', {
          type: 'checkbox', onchange: (e) => { this.showDeleted = e.target.checked; this.reload(); },
        }), ' Show deleted tenants')),
      this.list);
  }

  async reload() {
    this.nodes.clear();
    replace(this.list, h('li', {}, progress('Loading tenants…')));
    try {
      const root = await api.get(`/api/2/tenants/${api.q(this.rootId)}`);
      replace(this.list, this.node(root));
      await this.expand(root.id);
      this.select(this.selected);
    } catch (error) {
      replace(this.list, h('li', {}, errorBox(error)));
    }
  }

  /** One tenant: a disclosure button for its children, a link to its page, its state. */
  node(t) {
    const link = h('a', { href: `#/tenants/${t.id}`, class: 'tenant-link' }, t.name);
    const toggle = t.has_children
      ? h('button', {
        type: 'button', class: 'toggle', 'aria-expanded': 'false', 'aria-label': `Children of ${t.name}`,
        onclick: () => this.toggle(t.id),
      })
      : h('span', { class: 'toggle-space', 'aria-hidden': 'true' });
    const children = h('ul', { hidden: true });
    const item = h('li', { 'data-id': t.id },
      h('div', { class: 'row' }, toggle, link, h('span', { class: 'kind' }, t.kind), stateBadges(t)),
      children);
    this.nodes.set(t.id, { tenant: t, item, link, toggle, children, loaded: false, after: null });
    return item;
  }

  async toggle(id) {
    const n = this.nodes.get(id);
    if (n.toggle.getAttribute('aria-expanded') === 'true') {
      n.toggle.setAttribute('aria-expanded', 'false');
      n.children.hidden = true;
      return;
    }
    await this.expand(id);
  }

  async expand(id) {
    const n = this.nodes.get(id);
    if (!n) {
      return;
    }
    if (n.toggle.tagName === 'BUTTON') {
      n.toggle.setAttribute('aria-expanded', 'true');
    }
    n.children.hidden = false;
    if (!n.loaded) {
      n.loaded = true;
      await this.loadPage(id);
    }
  }

  async loadPage(id) {
    const n = this.nodes.get(id);
    const more = n.children.querySelector(':scope > li.more');
    const working = h('li', { class: 'more' }, progress(`Loading children of ${n.tenant.name}…`));
    if (more) {
      more.replaceWith(working);
    } else {
      n.children.append(working);
    }
    const deleted = this.showDeleted ? '&allow_deleted=true' : '';
    const after = n.after ? `&after=${api.q(n.after)}` : '';
    try {
      const page = await api.get(`/api/2/tenants?parent_id=${api.q(id)}&limit=${PAGE}${after}${deleted}`);
      working.remove();
      append(n.children, page.items.map((t) => this.node(t)));
      n.after = page.paging && page.paging.cursors && page.paging.cursors.after;
      if (n.after) {
        n.children.append(h('li', { class: 'more' }, h('button', {
          type: 'button', class: 'link-button', onclick: () => this.loadPage(id),
        }, `Load more children of ${n.tenant.name}`)));
      }
      if (page.items.length === 0 && !n.after) {
        n.children.append(h('li', { class: 'empty' }, 'No children.'));
      }
      announce(`${n.children.querySelectorAll(':scope > li[data-id]').length} children of ${n.tenant.name} shown.`);
    } catch (error) {
      working.replaceWith(h('li', { class: 'more' }, errorBox(error)));
    }
  }

  /** Marks the tenant whose page is open. */
  select(id) {
    this.selected = id;
    for (const n of this.nodes.values()) {
      if (n.tenant.id === id) {
        n.link.setAttribute('aria-current', 'page');
      } else {
        n.link.removeAttribute('aria-current');
      }
    }
  }

  /** After a change on a tenant's page: its row shows the new state (and moved or deleted tenants go). */
  async refresh(id) {
    const n = this.nodes.get(id);
    if (!n) {
      return;
    }
    try {
      const t = await api.get(`/api/2/tenants/${api.q(id)}${this.showDeleted ? '?allow_deleted=true' : ''}`);
      if (t.parent_id !== n.tenant.parent_id) {
        n.item.remove();
        this.nodes.delete(id);
        return;
      }
      n.tenant = t;
      n.item.querySelector('.badges').replaceWith(stateBadges(t));
    } catch (error) {
      if (error.code === 1005 || error.status === 404) {
        n.item.remove();
        this.nodes.delete(id);
      }
    }
  }

  /** Search for tenants and users (the API's search: exact matches first, then prefixes, then substrings). */
  searchForm() {
    const input = h('input', { type: 'search', id: 'tenant-search', name: 'text', autocomplete: 'off', required: true });
    const submit = async (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) {
        replace(this.results);
        return;
      }
      replace(this.results, progress('Searching…'));
      try {
        const deleted = this.showDeleted ? '&allow_deleted=true' : '';
        const found = await api.get(`/api/2/search?tenant=${api.q(this.rootId)}&text=${api.q(text)}&limit=20${deleted}`);
        this.showResults(text, found.items);
      } catch (error) {
        replace(this.results, errorBox(error));
      }
    };
    return h('form', { role: 'search', class: 'search', onsubmit: submit },
      h('label', { for: 'tenant-search' }, 'Search tenants and users'),
      h('div', { class: 'inline' }, input, h('button', { type: 'submit' }, 'Search')));
  }

  showResults(text, items) {
    const heading = h('h2', { id: 'search-heading' }, `Search results for “${text}”`);
    const list = items.length === 0
      ? h('p', {}, 'Nothing found.')
      : h('ul', { class: 'results', 'aria-labelledby': 'search-heading' }, items.map((item) => h('li', {},
        item.obj_type === 'tenant'
          ? h('a', { href: `#/tenants/${item.id}` }, item.name)
          : h('a', { href: `#/tenants/${item.parent_id}/users` }, `${item.login} (user)`),
        ' ', h('span', { class: 'path' }, (item.path || []).join(' › ')),
        item.deleted_at ? h('span', { class: 'badge deleted' }, 'Deleted') : null)));
    replace(this.results, heading, list,
      h('button', { type: 'button', class: 'link-button', onclick: () => replace(this.results) }, 'Clear search results'));
    announce(`${items.length} results.`);
  }
}
