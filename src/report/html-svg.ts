/**
 * The two drawings of the HTML report, as inline SVG: the host map (clients left, servers
 * right, one edge per client–server pair coloured by its worst outcome) and the ladder of
 * one connection. Every label from the wire goes through `escapeHtml`; nothing is fetched.
 */
import type { CaptureReport, ConnectionReport, TimelineJson } from './model.js';
import { escapeHtml } from './sanitize.js';
import { endpointText } from './view.js';
import { clockTime, formatDelta, isFatalEntry, ladderEntries } from './view-ladder.js';

/** Hosts drawn per side of the map; the rest share one "… more" node. */
const MAP_MAX_HOSTS = 30;
/** Characters of a label drawn in a ladder row; the whole label is in its tooltip. */
const LADDER_LABEL_CHARS = 80;

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Characters of a host-map label line that fit its box. */
const NODE_CHARS = 38;

/** Cuts the middle out of a long address, so its end (the port) stays readable. */
function middleCut(s: string, n: number): string {
  const chars = [...s];
  if (chars.length <= n) return s;
  const tail = Math.floor((n - 1) / 2);
  return `${chars.slice(0, n - 1 - tail).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

function truncate(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : `${chars.slice(0, n - 1).join('')}…`;
}

/** Worst first: an edge takes the colour of its worst connection. */
const STATUS_RANK: Readonly<Record<string, number>> = { failed: 0, incomplete: 1, ok: 2, 'not-tls': 3 };

interface Edge {
  readonly client: string;
  readonly server: string;
  readonly ids: number[];
  status: ConnectionReport['status'];
  readonly counts: Record<string, number>;
}

/** Host map of one capture, or '' when it has no connections. */
export function hostMapSvg(cap: CaptureReport, capIndex: number): string {
  if (cap.connections.length === 0) return '';
  const clientOrder: string[] = [];
  const serverOrder: string[] = [];
  const serverNames = new Map<string, Set<string>>();
  const edges = new Map<string, Edge>();
  for (const c of cap.connections) {
    if (!clientOrder.includes(c.client.ip)) clientOrder.push(c.client.ip);
    const server = endpointText(c.server);
    if (!serverOrder.includes(server)) serverOrder.push(server);
    if (c.sni !== null) (serverNames.get(server) ?? serverNames.set(server, new Set()).get(server))?.add(c.sni);
  }
  const clients = clientOrder.slice(0, MAP_MAX_HOSTS);
  const servers = serverOrder.slice(0, MAP_MAX_HOSTS);
  const OTHER = '\u0000other';
  const clientKey = (ip: string): string => (clients.includes(ip) ? ip : OTHER);
  const serverKey = (s: string): string => (servers.includes(s) ? s : OTHER);
  if (clientOrder.length > clients.length) clients.push(OTHER);
  if (serverOrder.length > servers.length) servers.push(OTHER);
  for (const c of cap.connections) {
    const a = clientKey(c.client.ip);
    const b = serverKey(endpointText(c.server));
    const key = `${a}\u0001${b}`;
    const e = edges.get(key) ?? { client: a, server: b, ids: [], status: c.status, counts: {} };
    e.ids.push(c.id);
    e.counts[c.status] = (e.counts[c.status] ?? 0) + 1;
    if ((STATUS_RANK[c.status] ?? 9) < (STATUS_RANK[e.status] ?? 9)) e.status = c.status;
    edges.set(key, e);
  }
  const rowH = 46;
  const width = 860;
  const nodeW = 280;
  const height = Math.max(clients.length, servers.length) * rowH + 30;
  const yOf = (i: number, n: number): number => 30 + (height - 30 - n * rowH) / 2 + i * rowH + rowH / 2;
  const out: string[] = [];
  out.push(
    `<svg class="hostmap" xmlns="${SVG_NS}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Host map: clients on the left, servers on the right">`,
    `<text class="axis" x="10" y="16">clients</text><text class="axis" x="${width - 10}" y="16" text-anchor="end">servers</text>`,
  );
  for (const e of edges.values()) {
    const y1 = yOf(clients.indexOf(e.client), clients.length);
    const y2 = yOf(servers.indexOf(e.server), servers.length);
    const x1 = 10 + nodeW;
    const x2 = width - 10 - nodeW;
    const strokeW = Math.min(8, 1.5 + Math.log2(e.ids.length));
    const summary = Object.entries(e.counts)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    const label = `${e.ids.length} connection${e.ids.length === 1 ? '' : 's'} (${summary})`;
    out.push(
      `<g class="edge st-${escapeHtml(e.status)}" data-ids="${e.ids.join(' ')}" data-cap="${capIndex}" tabindex="0" role="button" aria-label="${escapeHtml(label)}">`,
      `<title>${escapeHtml(label)}</title>`,
      `<path class="hit" d="M${x1} ${y1} C${x1 + 80} ${y1} ${x2 - 80} ${y2} ${x2} ${y2}"/>`,
      `<path class="line" stroke-width="${strokeW.toFixed(1)}" d="M${x1} ${y1} C${x1 + 80} ${y1} ${x2 - 80} ${y2} ${x2} ${y2}"/>`,
      `<text class="count" x="${((x1 + x2) / 2).toFixed(0)}" y="${((y1 + y2) / 2 - 5).toFixed(0)}" text-anchor="middle">${e.ids.length}</text>`,
      '</g>',
    );
  }
  clients.forEach((ip, i) => {
    const y = yOf(i, clients.length);
    const text = ip === OTHER ? `… ${clientOrder.length - MAP_MAX_HOSTS} more` : ip;
    out.push(`<g class="node client"><title>${escapeHtml(text)}</title><rect x="10" y="${y - 18}" width="${nodeW}" height="36" rx="6"/><text x="20" y="${y + 5}">${escapeHtml(middleCut(text, NODE_CHARS))}</text></g>`);
  });
  servers.forEach((s, i) => {
    const y = yOf(i, servers.length);
    const names = [...(serverNames.get(s) ?? [])];
    const x = width - 20;
    // The address on a line of its own, never cut at the port: two servers differ there first.
    const lines =
      s === OTHER
        ? [`… ${serverOrder.length - MAP_MAX_HOSTS} more`]
        : names.length > 0
          ? [`${truncate(names[0] as string, NODE_CHARS - 4)}${names.length > 1 ? ` +${names.length - 1}` : ''}`, middleCut(s, NODE_CHARS)]
          : [middleCut(s, NODE_CHARS)];
    const title = s === OTHER ? (lines[0] as string) : names.length > 0 ? `${s} — ${names.join(', ')}` : s;
    const text =
      lines.length === 1
        ? `<text x="${x}" y="${y + 5}" text-anchor="end">${escapeHtml(lines[0] as string)}</text>`
        : `<text x="${x}" y="${y - 3}" text-anchor="end">${escapeHtml(lines[0] as string)}</text><text class="addr" x="${x}" y="${y + 12}" text-anchor="end">${escapeHtml(lines[1] as string)}</text>`;
    out.push(`<g class="node server"><title>${escapeHtml(title)}</title><rect x="${width - 10 - nodeW}" y="${y - 18}" width="${nodeW}" height="36" rx="6"/>${text}</g>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function rowClass(e: TimelineJson): string {
  if (isFatalEntry(e)) return 'fatal';
  if (e.kind === 'tcp') return 'tcp';
  if (e.kind === 'gap' || e.kind === 'not-tls') return 'gap';
  if (e.kind === 'encrypted' || e.kind === 'encrypted-handshake') return 'enc';
  return 'tls';
}

/** The ladder of one connection as SVG. */
export function ladderSvg(c: ConnectionReport): string {
  const { entries, omitted } = ladderEntries(c);
  const rowH = 26;
  const width = 960;
  const xc = 120;
  const xs = 720;
  const top = 44;
  const height = top + (entries.length + (omitted > 0 ? 1 : 0)) * rowH + 12;
  const out: string[] = [];
  out.push(
    `<svg class="ladder" xmlns="${SVG_NS}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Message ladder of connection ${c.id}">`,
    `<text class="who" x="${xc}" y="16" text-anchor="middle">client</text><text class="who sub" x="${xc}" y="32" text-anchor="middle">${escapeHtml(endpointText(c.client))}</text>`,
    `<text class="who" x="${xs}" y="16" text-anchor="middle">server</text><text class="who sub" x="${xs}" y="32" text-anchor="middle">${escapeHtml(c.sni !== null ? `${truncate(c.sni, 40)} ${endpointText(c.server)}` : endpointText(c.server))}</text>`,
    `<line class="life" x1="${xc}" y1="${top - 6}" x2="${xc}" y2="${height - 6}"/><line class="life" x1="${xs}" y1="${top - 6}" x2="${xs}" y2="${height - 6}"/>`,
  );
  let previous: TimelineJson | null = null;
  entries.forEach((e, i) => {
    const y = top + i * rowH + 16;
    const when = previous === null ? clockTime(e.time) : previous.frame === e.frame ? '' : `+${formatDelta(e.offsetMs - previous.offsetMs)}`;
    previous = e;
    const label = escapeHtml(truncate(e.label, LADDER_LABEL_CHARS));
    const cls = rowClass(e);
    out.push(`<g class="step ${cls}"><title>${escapeHtml(`${e.label} — frame ${e.frame}, ${e.time}`)}</title>`);
    if (e.from === null) {
      out.push(`<line class="note" x1="${xc}" y1="${y}" x2="${xs}" y2="${y}"/><text class="label" x="${(xc + xs) / 2}" y="${y - 5}" text-anchor="middle">${label}</text>`);
    } else {
      const [x1, x2] = e.from === 'client' ? [xc, xs] : [xs, xc];
      const dir = x2 > x1 ? -1 : 1;
      out.push(
        `<line class="arrow" x1="${x1}" y1="${y}" x2="${x2 + dir * 8}" y2="${y}"/>`,
        `<polygon class="head" points="${x2},${y} ${x2 + dir * 9},${y - 4} ${x2 + dir * 9},${y + 4}"/>`,
        `<text class="label" x="${(xc + xs) / 2}" y="${y - 5}" text-anchor="middle">${label}</text>`,
      );
      if (cls === 'fatal') out.push(`<text class="cross" x="${x2 - dir * 14}" y="${y + 5}" text-anchor="middle">✖</text>`);
    }
    out.push(`<text class="frame" x="${xs + 24}" y="${y + 4}">#${e.frame}</text><text class="time" x="${xs + 84}" y="${y + 4}">${escapeHtml(when)}</text></g>`);
  });
  if (omitted > 0) {
    const y = top + entries.length * rowH + 16;
    out.push(`<text class="label more" x="${(xc + xs) / 2}" y="${y}" text-anchor="middle">… ${omitted} more events (see the JSON report)</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}
