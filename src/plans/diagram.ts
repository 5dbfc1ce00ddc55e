/**
 * Draws a plan as an SVG timeline: one lane per tier and one per link, interleaved in network order (end,
 * end-edge, edge, …) so the sequential cost model reads as a staircase from top left to bottom right. Pure and
 * deterministic: the same plan gives the same bytes, with no script and no external resources, so the route can
 * serve it as is and a browser can show it inline.
 */
import type { PlanDto } from './plan.response';

export type PlanDiagramInput = Pick<
  PlanDto,
  'tiers' | 'transfers' | 'returns' | 'returnMs' | 'totalMs' | 'baselines'
> & {
  network: Pick<PlanDto['network'], 'links'>;
};

/** Bar colour and the label colour that stays readable on it (white on dark fills, near-black on light ones). */
const PALETTE: readonly (readonly [fill: string, text: string])[] = [
  ['#4e79a7', '#ffffff'],
  ['#e15759', '#ffffff'],
  ['#59a14f', '#ffffff'],
  ['#b07aa1', '#ffffff'],
  ['#f28e2b', '#1f1f1f'],
  ['#76b7b2', '#1f1f1f'],
  ['#9c755f', '#ffffff'],
  ['#edc948', '#1f1f1f'],
];
const LINK_FILL = '#5f6b7a';
const INK = '#1f2933';
const MUTED = '#616e7c';
const FONT = "DejaVu Sans, Verdana, 'Segoe UI', Helvetica, Arial, sans-serif";

const PLOT_W = 720;
const RIGHT = 90; // room for a label outside the last bar
const TOP = 74;
const LANE_H = 38;
const BAR_H = 22;
const MIN_BAR = 2; // a 0 ms bar is still visible as a marker
const LABEL_FONT = 11;
/** Labels outside bars may cross grid lines or the total line: a white outline keeps them legible. */
const HALO = ` fill="${INK}" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"`;

/** Escapes the five XML specials: tier, platform and tensor names come from users. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

/** Coordinates with at most two decimals, so output is stable and small. */
const n = (x: number): string => String(Math.round(x * 100) / 100);

/** Rough advance width; the layout only needs it to decide whether a label fits, not to place glyphs. */
const textWidth = (s: string, size: number, bold = false): number => s.length * size * (bold ? 0.66 : 0.6);

export function formatMs(ms: number): string {
  if (ms === 0) return '0 ms';
  // Small models on fast tiers take microseconds: below 1 ms keep two significant digits, not two decimals.
  if (ms < 0.0001) return '<0.0001 ms';
  if (ms < 1) return `${ms.toPrecision(2)} ms`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(0)} ms`;
}

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** A 1-2-5 tick step giving about six ticks over [0, max]. */
function tickStep(max: number): number {
  const raw = max / 6;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
}

interface Lane {
  kind: 'tier' | 'link';
  title: string;
  subtitle: string;
}

interface Bar {
  lane: number;
  start: number;
  ms: number;
  kind: 'compute' | 'uplink' | 'return';
  fill: string;
  text: string;
  tooltip: string;
}

const tensorList = (tensors: string[]): string =>
  tensors
    .slice(0, 5)
    .map((t) => clip(t, 60))
    .join(', ') + (tensors.length > 5 ? `, … (+${tensors.length - 5} more)` : '');

/** Lays the plan out in time: tier 0, link 1, tier 1, …, then the returns from the highest link down. */
function timeline(plan: PlanDiagramInput): { lanes: Lane[]; bars: Bar[]; end: number } {
  const names = plan.tiers.map((t) => t.tier);
  const lanes: Lane[] = [];
  const laneOfLink = new Map<string, number>();
  plan.tiers.forEach((t, k) => {
    if (k > 0) {
      const link = plan.network.links[k - 1];
      const name = `${names[k - 1]}-${t.tier}`;
      // First match wins: only hyphenated tier names could make two link names collide.
      if (!laneOfLink.has(name)) laneOfLink.set(name, lanes.length);
      const figures = link ? `up ${link.uplinkMbps} / down ${link.downlinkMbps} Mbps, rtt ${link.rttMs} ms` : '';
      lanes.push({ kind: 'link', title: name, subtitle: figures });
    }
    const nodes = `${t.nodes.length} node${t.nodes.length === 1 ? '' : 's'}`;
    lanes.push({ kind: 'tier', title: t.tier, subtitle: `${t.platform} · ${nodes}` });
  });

  const bars: Bar[] = [];
  let now = 0;
  const transfer = (kind: 'uplink' | 'return', tr: PlanDiagramInput['transfers'][number]) => {
    const lane = laneOfLink.get(tr.link);
    if (lane === undefined) return; // a stored plan always names its own links; never draw on a guessed lane
    const what = kind === 'uplink' ? 'uplink' : 'return to end device';
    const tooltip = `${tr.link} ${what}: ${formatMs(tr.ms)}, ${tr.bytes} bytes: ${tensorList(tr.tensors)}`;
    bars.push({ lane, start: now, ms: tr.ms, kind, fill: LINK_FILL, text: formatMs(tr.ms), tooltip });
    now += tr.ms;
  };
  plan.tiers.forEach((t, k) => {
    const up = plan.transfers.find((tr) => laneOfLink.get(tr.link) === 2 * k - 1);
    if (up) transfer('uplink', up);
    if (t.nodes.length === 0 && t.computeMs === 0) return; // an unused tier has no bar, its lane says so
    const tooltip = `${t.tier} on ${t.platform}: ${formatMs(t.computeMs)}, ${t.nodes.length} nodes`;
    const [fill, text] = [PALETTE[k % PALETTE.length][0], formatMs(t.computeMs)];
    bars.push({ lane: 2 * k, start: now, ms: t.computeMs, kind: 'compute', fill, text, tooltip });
    now += t.computeMs;
  });
  // Outputs travel back down after the last compute, from the highest link to the end device.
  const returns = [...plan.returns].sort((a, b) => (laneOfLink.get(b.link) ?? 0) - (laneOfLink.get(a.link) ?? 0));
  for (const r of returns) transfer('return', r);
  return { lanes, bars, end: now };
}

function header(plan: PlanDiagramInput, width: number, height: number): string[] {
  const singles = plan.tiers
    .map((t) => ({ name: `${t.tier}-only`, ms: plan.baselines[`${t.tier}-only`] }))
    .filter((b): b is { name: string; ms: number } => typeof b.ms === 'number');
  const best = singles.reduce<{ name: string; ms: number } | undefined>(
    (a, b) => (a && a.ms <= b.ms ? a : b),
    undefined,
  );
  const compute = plan.tiers.reduce((s, t) => s + t.computeMs, 0);
  const uplink = plan.transfers.reduce((s, t) => s + t.ms, 0);
  let comparison = '';
  if (best && plan.tiers.length > 1) {
    const gain = best.ms > 0 ? ((best.ms - plan.totalMs) / best.ms) * 100 : 0;
    const verdict =
      Math.abs(gain) < 0.05 ? 'same as this plan' : `${Math.abs(gain).toFixed(1)}% ${gain > 0 ? 'faster' : 'slower'}`;
    comparison = `vs best single tier: ${formatMs(best.ms)} (${best.name}, ${verdict})`;
  }
  const parts = `compute ${formatMs(compute)} · uplink ${formatMs(uplink)} · return ${formatMs(plan.returnMs)}`;
  return [
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="26" font-size="17" font-weight="bold" fill="${INK}">Plan: ${escapeXml(formatMs(plan.totalMs))} end to end</text>`,
    `<text x="16" y="46" font-size="12.5" fill="${INK}">${escapeXml(comparison || parts)}</text>`,
    comparison ? `<text x="16" y="63" font-size="11.5" fill="${MUTED}">${escapeXml(parts)}</text>` : '',
  ].filter((s) => s !== '');
}

/** Where a label outside its bar may go: between the neighbouring bars of the same lane (px). */
interface Room {
  left: number;
  right: number;
}

function barSvg(bar: Bar, x0: number, scale: number, room: Room, textFill: string): string {
  const y = TOP + bar.lane * LANE_H + (LANE_H - BAR_H) / 2;
  const x = x0 + bar.start * scale;
  const w = Math.max(bar.ms * scale, MIN_BAR);
  const pattern = bar.kind === 'return' ? 'url(#ts-hatch)' : bar.fill;
  const label = escapeXml(bar.text);
  const need = textWidth(bar.text, LABEL_FONT) + 8;
  const ty = n(y + BAR_H / 2 + LABEL_FONT * 0.36);
  const rightRoom = room.right - (x + w);
  const leftRoom = x - room.left;
  let text: string;
  if (w >= need && bar.kind !== 'return') {
    text = `<text x="${n(x + w / 2)}" y="${ty}" text-anchor="middle" fill="${textFill}">${label}</text>`;
  } else if (rightRoom >= need || rightRoom >= leftRoom) {
    // Too narrow (or hatched, where text would be hard to read): just after the bar, unless the next bar of the
    // lane (a return after an uplink) is in the way and there is more room before it.
    text = `<text x="${n(x + w + 4)}" y="${ty}"${HALO}>${label}</text>`;
  } else {
    text = `<text x="${n(x - 4)}" y="${ty}" text-anchor="end"${HALO}>${label}</text>`;
  }
  return [
    `<g class="bar ${bar.kind}">`,
    `<title>${escapeXml(bar.tooltip)}</title>`,
    `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${BAR_H}" rx="2" fill="${pattern}" stroke="${bar.fill}" stroke-width="1"/>`,
    text,
    `</g>`,
  ].join('');
}

/** The whole diagram as a standalone SVG document. */
export function renderPlanDiagram(plan: PlanDiagramInput): string {
  const { lanes, bars, end } = timeline(plan);
  const longest = Math.max(
    120,
    ...lanes.map((l) => textWidth(l.title, 13, true)),
    ...lanes.map((l) => textWidth(l.subtitle, 10.5)),
  );
  const gutter = Math.ceil(Math.min(longest, 330) + 28);
  const maxChars = (size: number, bold = false) => Math.floor((gutter - 28) / (size * (bold ? 0.66 : 0.6)));
  const x0 = gutter;
  const plotRight = x0 + PLOT_W;
  const width = plotRight + RIGHT;
  const lanesBottom = TOP + lanes.length * LANE_H;
  const height = lanesBottom + 62;

  const span = Math.max(end, plan.totalMs, 1e-9);
  const step = tickStep(span);
  const axisMax = Math.ceil(span / step - 1e-9) * step;
  const scale = PLOT_W / axisMax;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT)}" role="img" aria-label="${escapeXml(`plan timeline, ${formatMs(plan.totalMs)} end to end`)}">`,
    `<defs><pattern id="ts-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e4e7eb"/><rect width="3" height="6" fill="${LINK_FILL}"/></pattern></defs>`,
    ...header(plan, width, height),
  ];

  lanes.forEach((lane, i) => {
    const y = TOP + i * LANE_H;
    const bg = lane.kind === 'tier' ? '#f3f5f8' : '#ffffff';
    out.push(`<rect x="0" y="${y}" width="${width}" height="${LANE_H}" fill="${bg}"/>`);
    const bold = lane.kind === 'tier' ? ' font-weight="bold"' : '';
    const title = escapeXml(clip(lane.title, maxChars(13, lane.kind === 'tier')));
    const swatch =
      lane.kind === 'tier'
        ? `<rect x="6" y="${y + 9}" width="5" height="${LANE_H - 18}" fill="${PALETTE[(i / 2) % PALETTE.length][0]}"/>`
        : '';
    out.push(
      `<g class="lane ${lane.kind}">${swatch}<text x="16" y="${y + 16}" font-size="13"${bold} fill="${INK}">${title}</text>` +
        `<text x="16" y="${y + 30}" font-size="10.5" fill="${MUTED}">${escapeXml(clip(lane.subtitle, maxChars(10.5)))}</text></g>`,
    );
    if (lane.kind === 'tier' && !bars.some((b) => b.lane === i)) {
      out.push(`<text x="${x0 + 6}" y="${y + 23}" font-size="11" font-style="italic" fill="${MUTED}">not used</text>`);
    }
  });

  for (let i = 0; i <= Math.round(axisMax / step); i++) {
    const v = i * step;
    const x = n(x0 + v * scale);
    out.push(
      `<line x1="${x}" y1="${TOP}" x2="${x}" y2="${lanesBottom + 4}" stroke="#cbd2d9" stroke-width="1"/>`,
      `<text x="${x}" y="${lanesBottom + 17}" font-size="11" text-anchor="middle" fill="${MUTED}">${v.toFixed(decimals)}</text>`,
    );
  }
  out.push(
    `<text x="${plotRight}" y="${lanesBottom + 32}" font-size="11" text-anchor="end" fill="${MUTED}">time (ms)</text>`,
    `<line x1="${x0}" y1="${lanesBottom}" x2="${plotRight}" y2="${lanesBottom}" stroke="${MUTED}" stroke-width="1"/>`,
  );

  // Drawn before the bars so that their labels (haloed) sit on top of it.
  const totalX = n(x0 + plan.totalMs * scale);
  out.push(
    `<line x1="${totalX}" y1="${TOP - 4}" x2="${totalX}" y2="${lanesBottom}" stroke="${INK}" stroke-width="1.2" stroke-dasharray="4 3"/>`,
    `<text x="${totalX}" y="${TOP - 7}" font-size="11" text-anchor="end" fill="${INK}">total ${escapeXml(formatMs(plan.totalMs))}</text>`,
  );

  out.push(`<g font-size="${LABEL_FONT}">`);
  for (const bar of bars) {
    const textFill = bar.kind === 'compute' ? PALETTE[(bar.lane / 2) % PALETTE.length][1] : '#ffffff';
    const same = bars.filter((b) => b.lane === bar.lane && b !== bar);
    const room = {
      left: Math.max(x0, ...same.filter((b) => b.start < bar.start).map((b) => x0 + (b.start + b.ms) * scale)),
      right: Math.min(plotRight + RIGHT, ...same.filter((b) => b.start > bar.start).map((b) => x0 + b.start * scale)),
    };
    out.push(barSvg(bar, x0, scale, room, textFill));
  }
  out.push('</g>');

  // The legend lists only what is drawn: a one-tier plan has no transfers to explain.
  const ly = lanesBottom + 44;
  const legend = [
    { kind: 'compute', swatch: `fill="${PALETTE[0][0]}"`, text: 'compute (tier colour)' },
    { kind: 'uplink', swatch: `fill="${LINK_FILL}"`, text: 'uplink transfer' },
    { kind: 'return', swatch: `fill="url(#ts-hatch)" stroke="${LINK_FILL}"`, text: 'return to end device' },
  ].filter((item) => item.kind === 'compute' || bars.some((b) => b.kind === item.kind));
  out.push(`<g class="legend" font-size="11" fill="${INK}">`);
  let lx = 16;
  for (const item of legend) {
    out.push(
      `<rect x="${lx}" y="${ly - 9}" width="14" height="10" ${item.swatch}/><text x="${lx + 19}" y="${ly}">${item.text}</text>`,
    );
    lx += 19 + textWidth(item.text, 11) + 24;
  }
  out.push('</g>', '</svg>');
  return out.join('\n') + '\n';
}
