// Small DOM helpers shared by the screens. No HTML strings: text always goes in as text.

/** h('p', {class: 'x', onclick: f}, 'text', child, [more]) */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'text') {
      node.textContent = value;
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

/** Appends nodes, strings and (nested) arrays of them; null, undefined and false are left out. */
export function append(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

/** Says something to screen readers (the page's status region). */
export function announce(text) {
  const region = document.getElementById('announcer');
  region.textContent = '';
  window.setTimeout(() => { region.textContent = text; }, 50);
}

export function errorBox(error) {
  return h('div', { class: 'message error', role: 'alert' }, error.message || String(error));
}

export function notice(text, kind = 'info') {
  return h('div', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** A visible "working" line with an indeterminate progress bar, for anything that takes a while. */
export function progress(text) {
  return h('div', { class: 'progress', role: 'status' },
    h('progress', { 'aria-label': text }), h('span', {}, text));
}

export function formatTime(value) {
  if (!value) {
    return '—';
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function formatNumber(value, unit) {
  if (value === null || value === undefined) {
    return '—';
  }
  if (unit === 'bytes') {
    const steps = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let v = Number(value);
    let i = 0;
    while (Math.abs(v) >= 1024 && i < steps.length - 1) {
      v /= 1024;
      i += 1;
    }
    return `${Number(v.toFixed(2))} ${steps[i]}`;
  }
  return Number(value).toLocaleString('en');
}

/** The states of a tenant at a glance, as short labelled badges. */
export function stateBadges(t) {
  const badges = [];
  if (t.deleted_at) {
    badges.push(['deleted', `Deleted ${formatTime(t.deleted_at)}`]);
  } else if (!t.enabled) {
    badges.push(['suspended', 'Suspended']);
  } else if (t.effectively_enabled === false) {
    badges.push(['suspended', 'Suspended by an ancestor']);
  } else {
    badges.push(['enabled', 'Enabled']);
  }
  if (t.update_lock && t.update_lock.enabled) {
    badges.push(['locked', 'Locked']);
  }
  if (t.ancestral_access === false) {
    badges.push(['barrier', 'Behind a barrier']);
  }
  if (t.external_operation_status) {
    badges.push(['busy', t.external_operation_status === 'deleting' ? 'Deleting' : t.external_operation_status]);
  }
  return h('span', { class: 'badges' }, badges.map(([kind, text]) => h('span', { class: `badge ${kind}` }, text)));
}

let dialogCount = 0;

/**
 * A modal dialog (native <dialog>: focus stays inside, Escape closes). Resolves with the label of the
 * button pressed, or null when closed without a choice.
 */
export function dialog(title, body, buttons) {
  dialogCount += 1;
  const titleId = `dialog-title-${dialogCount}`;
  const node = h('dialog', { 'aria-labelledby': titleId, class: 'dialog' });
  return new Promise((resolve) => {
    const close = (value) => {
      node.close();
      node.remove();
      resolve(value);
    };
    const actions = buttons.map((b) => h('button', {
      type: 'button', class: b.kind || '', onclick: () => close(b.value ?? b.label), disabled: b.disabled,
    }, b.label));
    append(node, h('h2', { id: titleId }, title), h('div', { class: 'dialog-body' }, body), h('div', { class: 'actions' }, actions));
    node.addEventListener('cancel', (e) => { e.preventDefault(); close(null); });
    document.body.append(node);
    node.showModal();
    const first = actions.find((b) => !b.disabled && !b.classList.contains('danger') && !b.classList.contains('primary')) || actions[0];
    first.focus();
  });
}

/** A key/value list of details. */
export function details(rows) {
  return h('dl', { class: 'details' }, rows.filter(Boolean).map(([key, value]) => [h('dt', {}, key), h('dd', {}, value ?? '—')]));
}

/** A box that scrolls sideways when its content is wider than the window; it takes focus so keyboards can scroll it. */
export function scrollable(label, content) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'group', 'aria-label': label }, content);
}

/** A simple table: headers and rows of cells (strings or nodes). */
export function table(caption, headers, rows) {
  return scrollable(caption, h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
}
