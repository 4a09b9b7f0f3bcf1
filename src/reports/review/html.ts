/** The review as one self-contained HTML page: inline CSS and SVG charts, nothing fetched when viewed. */
import type { ReviewResult } from '../../analyses/review/index.js';
import type { Notes } from '../../analyses/notes.js';
import { notesText } from '../notes.js';
import { xmlText } from '../safe-text.js';
import { reviewDocument } from './document.js';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const W = 640;
const H = 220;
const PAD = { l: 44, r: 12, t: 12, b: 36 };

function xs(n: number): (i: number) => number {
  const inner = W - PAD.l - PAD.r;
  return (i) => PAD.l + (n <= 1 ? inner / 2 : (inner * i) / (n - 1));
}

function axes(r: ReviewResult, yLabel: (v: number) => string, ticks: readonly number[], y: (v: number) => number): string {
  const x = xs(r.series.length);
  const parts = [`<line x1="${PAD.l}" y1="${H - PAD.b}" x2="${W - PAD.r}" y2="${H - PAD.b}" stroke="#999"/>`];
  for (const t of ticks) parts.push(`<line x1="${PAD.l}" y1="${y(t)}" x2="${W - PAD.r}" y2="${y(t)}" stroke="#eee"/><text x="${PAD.l - 6}" y="${y(t) + 4}" text-anchor="end">${xmlText(yLabel(t))}</text>`);
  r.series.forEach((s, i) => parts.push(`<text x="${x(i)}" y="${H - PAD.b + 16}" text-anchor="middle">@${s.id} ${xmlText(s.takenAt.slice(0, 10))}</text>`));
  return parts.join('');
}

/** Share of the other workloads each segment reaches, per snapshot: a line per segment. */
export function healthChart(r: ReviewResult): string {
  const segs = [...new Set(r.series.flatMap((s) => Object.keys(s.share)))];
  if (segs.length === 0) return '<p>No segment health was recorded (no intent).</p>';
  const x = xs(r.series.length);
  const y = (v: number): number => H - PAD.b - (H - PAD.t - PAD.b) * v;
  const lines = segs.map((g, k) => {
    const pts = r.series.flatMap((s, i) => (s.share[g] === undefined ? [] : [[x(i), y(s.share[g]!)] as const]));
    const color = PALETTE[k % PALETTE.length]!;
    const dots = pts.map(([px, py], i) => `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3" fill="${color}"><title>${xmlText(`${g}: ${Math.round(r.series.filter((s) => s.share[g] !== undefined)[i]!.share[g]! * 100)}%`)}</title></circle>`).join('');
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>${dots}`;
  });
  const legend = segs.map((g, k) => `<span class="key"><i style="background:${PALETTE[k % PALETTE.length]}"></i>${xmlText(g)}</span>`).join(' ');
  return `<figure><svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="segment health over time">${axes(r, (v) => `${Math.round(v * 100)}%`, [0, 0.25, 0.5, 0.75, 1], y)}${lines.join('')}</svg><figcaption>Share of the other workloads each segment reaches ${legend}</figcaption></figure>`;
}

/** Findings per snapshot, stacked by severity. */
export function findingsChart(r: ReviewResult): string {
  const max = Math.max(1, ...r.series.map((s) => s.findings.error + s.findings.warning + s.findings.info));
  const y = (v: number): number => H - PAD.b - ((H - PAD.t - PAD.b) * v) / max;
  const x = xs(r.series.length);
  const bw = Math.min(40, (W - PAD.l - PAD.r) / Math.max(1, r.series.length) / 2);
  const colors = { error: '#d62728', warning: '#ff7f0e', info: '#1f77b4' } as const;
  const bars = r.series.map((s, i) => {
    let base = 0;
    return (['error', 'warning', 'info'] as const)
      .map((sev) => {
        const v = s.findings[sev];
        const rect = `<rect x="${(x(i) - bw / 2).toFixed(1)}" y="${y(base + v).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(base) - y(base + v)).toFixed(1)}" fill="${colors[sev]}"><title>@${s.id}: ${v} ${sev}</title></rect>`;
        base += v;
        return rect;
      })
      .join('');
  });
  const step = Math.max(1, Math.ceil(max / 4));
  const ticks = [0, step, 2 * step, 3 * step, 4 * step].filter((t) => t <= max);
  const legend = (['error', 'warning', 'info'] as const).map((s) => `<span class="key"><i style="background:${colors[s]}"></i>${s}</span>`).join(' ');
  return `<figure><svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="findings over time">${axes(r, (v) => String(v), ticks, y)}${bars.join('')}</svg><figcaption>Findings per snapshot ${legend}</figcaption></figure>`;
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;vertical-align:top;text-align:left}
th{background:#f5f5f5}.caveats{background:#fff4e5;border-left:4px solid #ff9800;padding:.5rem 1rem;white-space:pre-wrap;font-family:monospace}
svg.chart{width:100%;max-width:${W}px;font:11px system-ui,sans-serif}figcaption{color:#555}.key{margin-left:.8rem;white-space:nowrap}
.key i{display:inline-block;width:.8rem;height:.8rem;margin-right:.25rem;vertical-align:-1px}`;

/** Renders the review as a self-contained HTML page. */
export function reviewHtml(r: ReviewResult, notes: Notes): string {
  const body: string[] = ['<h1>Segmentation review</h1>'];
  const caveats = notesText(notes);
  if (caveats) body.push(`<div class="caveats">${xmlText(caveats.trim())}</div>`);
  for (const b of reviewDocument(r)) {
    if ('h' in b) body.push(`<h${b.level}>${xmlText(b.h)}</h${b.level}>`);
    else if ('p' in b) body.push(`<p>${xmlText(b.p)}</p>`);
    else if ('ul' in b) body.push(`<ul>${b.ul.map((x) => `<li>${xmlText(x)}</li>`).join('')}</ul>`);
    else if ('table' in b) body.push(`<table><thead><tr>${b.table.head.map((h) => `<th>${xmlText(h)}</th>`).join('')}</tr></thead><tbody>${b.table.rows.map((row) => `<tr>${row.map((c) => `<td>${xmlText(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`);
    else body.push(b.chart === 'health' ? healthChart(r) : findingsChart(r));
  }
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Segmentation review ${xmlText(r.since.slice(0, 10))} to ${xmlText(r.until.slice(0, 10))}</title><style>${CSS}</style></head><body>\n${body.join('\n')}\n</body></html>\n`;
}
