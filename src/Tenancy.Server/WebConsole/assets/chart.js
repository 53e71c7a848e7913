// A line chart as inline SVG: one line per series, a marker per point with its value as a tooltip,
// and the same numbers as a table for screen readers and copying.
import { h, formatNumber, scrollable } from './ui.js';

const NS = 'http://www.w3.org/2000/svg';
const COLOURS = ['#0b5cad', '#b3261e', '#1b7f3b', '#8a4b00', '#6a2c91', '#00676b'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '4 4', '1 2'];

function s(tag, attrs, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    node.setAttribute(k, String(v));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined).map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  return node;
}

/**
 * labels: the x axis (e.g. months); series: [{name, values: [number|null per label]}].
 * Returns a <figure> with the chart, its legend and a data table.
 */
export function lineChart(id, title, labels, series, unit) {
  const width = 640;
  const height = 280;
  const pad = { left: 64, right: 36, top: 16, bottom: 40 };
  const all = series.flatMap((x) => x.values).filter((v) => v !== null && v !== undefined);
  const max = Math.max(1, ...all);
  const x = (i) => pad.left + (labels.length === 1 ? 0.5 : i / (labels.length - 1)) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => s('g', { class: 'grid' },
    s('line', { x1: pad.left, x2: width - pad.right, y1: y(max * f), y2: y(max * f) }),
    s('text', { x: pad.left - 6, y: y(max * f) + 4, 'text-anchor': 'end' }, formatNumber(Math.round(max * f * 100) / 100, unit))));
  const ticks = labels.map((label, i) => s('text', { x: x(i), y: height - pad.bottom + 18, 'text-anchor': 'middle', class: 'tick' }, label));
  const lines = series.map((serie, n) => {
    const colour = COLOURS[n % COLOURS.length];
    const points = serie.values.map((v, i) => (v === null || v === undefined ? null : [x(i), y(v), v, labels[i]])).filter(Boolean);
    return s('g', { class: 'series' },
      s('polyline', {
        points: points.map((p) => `${p[0]},${p[1]}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': 2.5,
        'stroke-dasharray': DASHES[n % DASHES.length] || 'none',
      }),
      points.map((p) => s('circle', { cx: p[0], cy: p[1], r: 4, fill: colour },
        s('title', {}, `${serie.name}, ${p[3]}: ${formatNumber(p[2], unit)}`))));
  });
  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${id}-title`, class: 'chart', id,
  }, s('title', { id: `${id}-title` }, title), grid,
  s('line', { x1: pad.left, x2: width - pad.right, y1: height - pad.bottom, y2: height - pad.bottom, class: 'axis' }), ticks, lines);
  const legend = h('ul', { class: 'legend', 'aria-label': 'Legend' }, series.map((serie, n) => h('li', {},
    h('span', { class: `swatch swatch-${n % COLOURS.length}`, 'aria-hidden': 'true' }), serie.name)));
  const data = h('details', {}, h('summary', {}, 'Show the numbers'), scrollable(title, h('table', {},
    h('caption', {}, title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Period'), series.map((serie) => h('th', { scope: 'col' }, serie.name)))),
    h('tbody', {}, labels.map((label, i) => h('tr', {}, h('th', { scope: 'row' }, label),
      series.map((serie) => h('td', {}, formatNumber(serie.values[i], unit)))))))));
  return h('figure', { class: 'chart-figure' }, svg, h('figcaption', {}, title), legend, data);
}
