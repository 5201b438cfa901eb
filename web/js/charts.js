// Hand-drawn SVG charts of the monitoring screens: hourly PM2.5 lines over the Thai AQI colour
// bands (sensor page) and 24 hourly bars (public page). Built with createElementNS and attributes
// only: no inline styles (the Content-Security-Policy forbids them); colours come from classes in
// app.css (.band-th-N, .line-*, .bar-th-N). Times are Unix seconds; labels are Bangkok time.
import { bangkokParts } from './dates.js';
import { THAI_LEVELS, THAI_PM25_BANDS, thaiLevelOfPm25 } from './air.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** svg('path', {d: 'M0 0'}, ...children): an SVG element; attribute values become strings. */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'style') throw new Error('svg(): "style" is not allowed');
    el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A "nice" upper end for the y axis: at least `floor`, rounded up to 10, 25, 50 or 100. */
export function niceMax(value, floor = 50) {
  const v = Math.max(floor, Number.isFinite(value) ? value : 0);
  for (const step of [10, 25, 50, 100]) {
    if (v <= step * 8) return Math.ceil(v / step) * step;
  }
  return Math.ceil(v / 200) * 200;
}

/** Path data through the points, broken where a value is null (a gap is never bridged). */
export function pathData(points) {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p.y === null || p.y === undefined || !Number.isFinite(p.y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${p.x.toFixed(1)} ${p.y.toFixed(1)}`;
    pen = true;
  }
  return d;
}

const hourLabel = (ts) => `${String(bangkokParts(ts * 1000).hour).padStart(2, '0')}:00`;

/**
 * Hourly PM2.5 lines over the Thai AQI bands.
 * @param {object} o
 * @param {number[]} o.slots       hour ends (Unix s), oldest first
 * @param {{key:string, className:string, values:Map<number, number|null>}[]} o.series
 * @param {string} o.label         accessible name of the chart
 * @param {(ts:number) => string} o.dayLabel  date label at Bangkok midnight
 */
export function hourlyChart({ slots, series, label, dayLabel }) {
  const W = 720;
  const H = 300;
  const pad = { left: 40, right: 12, top: 12, bottom: 44 };
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  let maxValue = 0;
  for (const s of series) for (const v of s.values.values()) if (Number.isFinite(v)) maxValue = Math.max(maxValue, v);
  const yMax = niceMax(maxValue * 1.1);
  const n = Math.max(slots.length, 2);
  const x = (i) => pad.left + (plotW * i) / (n - 1);
  const y = (v) => pad.top + plotH - (plotH * Math.min(v, yMax)) / yMax;

  const bands = [];
  let lo = 0;
  for (let level = 1; level <= THAI_LEVELS && lo < yMax; level += 1) {
    const hi = level <= THAI_PM25_BANDS.length ? Math.min(THAI_PM25_BANDS[level - 1], yMax) : yMax;
    bands.push(svg('rect', { class: `band band-th-${level}`, x: pad.left, width: plotW, y: y(hi).toFixed(1),
      height: (y(lo) - y(hi)).toFixed(1), 'data-level': level }));
    lo = hi;
  }

  const grid = [];
  const yStep = yMax / 5;
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    grid.push(svg('line', { class: 'grid', x1: pad.left, x2: pad.left + plotW, y1: y(v), y2: y(v) }));
    grid.push(svg('text', { class: 'axis-label', x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, String(Math.round(v))));
  }
  const xTicks = [];
  slots.forEach((ts, i) => {
    const hour = bangkokParts(ts * 1000).hour;
    if (hour % 6 !== 0) return;
    xTicks.push(svg('line', { class: hour === 0 ? 'grid day' : 'grid', x1: x(i), x2: x(i), y1: pad.top, y2: pad.top + plotH }));
    xTicks.push(svg('text', { class: 'axis-label', x: x(i), y: pad.top + plotH + 16, 'text-anchor': 'middle' }, hourLabel(ts)));
    if (hour === 0 && dayLabel) {
      xTicks.push(svg('text', { class: 'axis-label day', x: x(i), y: pad.top + plotH + 32, 'text-anchor': 'middle' }, dayLabel(ts)));
    }
  });

  const lines = series.map((s) => svg('path', {
    class: `line ${s.className}`, d: pathData(slots.map((ts, i) => ({ x: x(i), y: s.values.has(ts) && s.values.get(ts) !== null ? y(s.values.get(ts)) : null }))),
    'data-series': s.key, fill: 'none',
  }));
  // Lone points (an hour between two gaps) would not show as a line: mark every value with a dot.
  const dots = series.filter((s) => s.dots).flatMap((s) => slots.map((ts, i) => {
    const v = s.values.get(ts);
    return Number.isFinite(v) ? svg('circle', { class: `dot ${s.className}`, cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 2 }) : null;
  }));

  return svg('svg', { class: 'chart hourly-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label,
    preserveAspectRatio: 'xMidYMid meet' },
  svg('title', {}, label),
  svg('g', { class: 'bands' }, bands),
  svg('g', { class: 'grid-lines' }, grid, xTicks),
  svg('g', { class: 'series' }, lines, dots),
  svg('line', { class: 'axis', x1: pad.left, x2: pad.left + plotW, y1: pad.top + plotH, y2: pad.top + plotH }),
  svg('text', { class: 'axis-label unit', x: 4, y: pad.top + 2, 'dominant-baseline': 'hanging' }, 'µg/m³'));
}

/**
 * 24 hourly bars coloured by the Thai level of each hour's mean (a guide), for the public page.
 * @param {{hour_end:number, pm25:number|null}[]} hours  one per slot, oldest first
 */
export function hourlyBars(hours, label) {
  const W = 360;
  const H = 150;
  const pad = { left: 30, right: 6, top: 8, bottom: 22 };
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  const values = hours.map((h) => h.pm25).filter((v) => Number.isFinite(v));
  const yMax = niceMax(Math.max(0, ...values) * 1.1, 40);
  const slot = plotW / Math.max(hours.length, 1);
  const y = (v) => pad.top + plotH - (plotH * Math.min(v, yMax)) / yMax;
  const bars = hours.map((h, i) => {
    if (!Number.isFinite(h.pm25)) {
      return svg('rect', { class: 'bar missing', x: (pad.left + i * slot + 1).toFixed(1), y: pad.top + plotH - 2,
        width: Math.max(slot - 2, 1).toFixed(1), height: 2 });
    }
    const level = thaiLevelOfPm25(h.pm25);
    return svg('rect', { class: `bar bar-th-${level}`, x: (pad.left + i * slot + 1).toFixed(1), y: y(h.pm25).toFixed(1),
      width: Math.max(slot - 2, 1).toFixed(1), height: Math.max(pad.top + plotH - y(h.pm25), 1).toFixed(1),
      'data-level': level });
  });
  const ticks = [];
  hours.forEach((h, i) => {
    const hour = bangkokParts(h.hour_end * 1000).hour;
    if (hour % 6 === 0) {
      ticks.push(svg('text', { class: 'axis-label', x: (pad.left + i * slot + slot / 2).toFixed(1), y: H - 6,
        'text-anchor': 'middle' }, hourLabel(h.hour_end)));
    }
  });
  const grid = [0, yMax / 2, yMax].map((v) => [
    svg('line', { class: 'grid', x1: pad.left, x2: W - pad.right, y1: y(v), y2: y(v) }),
    svg('text', { class: 'axis-label', x: pad.left - 4, y: y(v) + 4, 'text-anchor': 'end' }, String(Math.round(v))),
  ]);
  return svg('svg', { class: 'chart bars-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label },
    svg('title', {}, label), svg('g', {}, grid.flat()), svg('g', {}, bars), svg('g', {}, ticks));
}
