// The console's entry: sign-in, the layout, and the routes (#/tenants/{id}/{tab}, #/reports, #/events).
import * as api from './api.js';
import { h, replace, errorBox, notice } from './ui.js';
import { TenantTree } from './tree.js';
import { renderTenant } from './tenant.js';
import { renderEvents } from './events.js';

const main = document.getElementById('main');
const nav = document.getElementById('console-nav');
const who = document.getElementById('who');
let tree = null;
let panel = null;

function signInPage(message) {
  tree = null;
  nav.hidden = true;
  replace(who);
  document.title = 'Sign in · Tenancy console';
  const login = h('input', { id: 'login', name: 'username', type: 'text', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const feedback = h('div', {}, message ? notice(message, 'warning') : null);
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', {
    class: 'stack sign-in',
    onsubmit: async (e) => {
      e.preventDefault();
      button.disabled = true;
      replace(feedback, h('p', { role: 'status' }, 'Signing in…'));
      try {
        await api.signIn(login.value.trim(), password.value);
        password.value = '';
        route();
      } catch (error) {
        replace(feedback, errorBox(error));
        button.disabled = false;
        password.focus();
      }
    },
  },
  h('label', { for: 'login' }, 'Login'), login,
  h('label', { for: 'password' }, 'Password'), password,
  button);
  replace(main, h('div', { class: 'sign-in-box' },
    h('h1', {}, 'Sign in to the Tenancy console'),
    h('p', {}, 'Sign in as a user with your login and password. The console acts with your role on your tenant and its subtree.'),
    feedback, form,
    h('p', { class: 'hint' }, 'Scripts use the API directly: see the ', h('a', { href: '/docs' }, 'API reference'), '.')));
  login.focus();
}

function header(s) {
  nav.hidden = false;
  replace(who, h('span', {}, `Signed in as ${s.me.login}`),
    h('button', {
      type: 'button', class: 'link-button', onclick: async () => { await api.signOut(); signInPage('You are signed out.'); },
    }, 'Sign out'));
}

function markNav(section) {
  for (const link of nav.querySelectorAll('a[data-section]')) {
    if (link.dataset.section === section) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
}

/** The tenants screen keeps its tree while tenant pages change beside it. */
function tenantsLayout(s) {
  if (!tree || !main.contains(tree.element)) {
    tree = new TenantTree(s.me.tenant_id);
    panel = h('div', { class: 'tenant-panel' });
    replace(main, h('div', { class: 'split' }, tree.element, panel));
    tree.reload();
  }
  return panel;
}

async function route() {
  const s = api.session();
  if (!s || !s.me) {
    signInPage();
    return;
  }
  header(s);
  const parts = window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const section = parts[0] || 'tenants';
  markNav(section);
  if (section === 'events') {
    tree = null;
    document.title = 'Events and webhooks · Tenancy console';
    renderEvents(main);
    main.querySelector('h1').focus();
    return;
  }
  if (section === 'reports') {
    window.location.hash = `#/tenants/${s.me.tenant_id}/reports`;
    return;
  }
  const target = tenantsLayout(s);
  const id = parts[1] || s.me.tenant_id;
  tree.select(id);
  document.title = 'Tenants · Tenancy console';
  await renderTenant(target, id, parts[2], tree);
  const heading = target.querySelector('h1');
  if (heading) {
    document.title = `${heading.textContent} · Tenancy console`;
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('tenancy:signed-out', (e) => signInPage(e.detail));
route();
