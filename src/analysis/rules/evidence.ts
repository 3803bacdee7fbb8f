/** Small helpers rules share to phrase evidence the same way everywhere. */
import { alertName } from '../../tls/registry/names.js';
import type { AlertRecord, Connection, Role } from '../connection.js';
import { diffMs } from '../../util/time.js';
import type { Timestamp } from '../../util/time.js';
import { endpointText } from '../../util/endpoint.js';

export function alertText(a: AlertRecord): string {
  if (a.encrypted || a.description === null) return `an encrypted alert (${a.length}-byte record)`;
  return `alert ${alertName(a.description)} (${a.description})`;
}

/** "alert unknown_ca (48)" from a code. */
export function alertCodeText(code: number): string {
  return `${alertName(code)} (${code})`;
}

export { endpointText };

export function serverText(c: Connection, sni: string | null): string {
  const addr = endpointText(c.server.ip, c.server.port);
  return sni === null ? addr : `${addr}, ${sni}`;
}

/** "The server (10.0.0.5:8443, hr.example.com)": how a detail's first sentence names the server. */
export function theServer(c: Connection, sni: string | null): string {
  return `The server (${serverText(c, sni)})`;
}

/** ", 3 ms later" style delays, rounded sensibly; '' when unknown. */
export function delayText(from: Timestamp | null, to: Timestamp | null): string {
  if (from === null || to === null) return '';
  const ms = diffMs(from, to);
  if (ms < 0) return '';
  return `, ${durationText(ms)} later`;
}

/** "3 ms", "12.5 s", "less than 1 ms". */
export function durationText(ms: number): string {
  if (ms < 1) return 'less than 1 ms';
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function listCas(cas: readonly string[], max = 3): string {
  if (cas.length === 0) return 'any CA';
  const shown = cas.slice(0, max).map((c) => `'${c}'`);
  return cas.length > max ? `${shown.join(', ')} and ${cas.length - max} more` : shown.join(cas.length === 2 ? ' or ' : ', ');
}

/** The time of the first timeline entry at `frame` (TLS messages carry no time of their own). */
export function frameTime(c: Connection, frame: number | null): Timestamp | null {
  if (frame === null) return null;
  return c.timeline.find((e) => e.frame === frame)?.time ?? null;
}

/** Frames, without nulls and duplicates, in ascending order. */
export function frames(...list: readonly (number | null | undefined)[]): number[] {
  // A handful of frames per finding: an insertion into a sorted array, no Set (this runs for every finding).
  const out: number[] = [];
  for (const f of list) {
    if (f === null || f === undefined) continue;
    let i = out.length;
    while (i > 0 && (out[i - 1] as number) > f) i--;
    if (out[i - 1] !== f) out.splice(i, 0, f);
  }
  return out;
}

/** The first FIN or RST sent by `role` at or after `frame`. */
export function firstCloseBy(c: Connection, role: Role, afterFrame: number): { kind: 'fin' | 'rst'; frame: number; time: Timestamp } | null {
  for (const e of c.tcp.events) {
    if (e.from === role && (e.kind === 'fin' || e.kind === 'rst') && e.frame >= afterFrame) return { kind: e.kind, frame: e.frame, time: e.time };
  }
  const end = c.tcp.end;
  if (end.by === role && (end.how === 'fin' || end.how === 'rst') && end.frame !== null && end.frame >= afterFrame && end.time !== null) {
    return { kind: end.how, frame: end.frame, time: end.time };
  }
  return null;
}

/** Printable form of the first bytes another protocol sent (ASCII kept, the rest as hex). */
export function firstBytesText(bytes: Uint8Array, max = 48): string {
  const view = bytes.subarray(0, max);
  let printable = 0;
  for (const b of view) if ((b >= 0x20 && b < 0x7f) || b === 0x0d || b === 0x0a || b === 0x09) printable++;
  const more = bytes.length > max ? '…' : '';
  if (view.length > 0 && printable / view.length >= 0.8) {
    let s = '';
    for (const b of view) s += b === 0x0d ? '\\r' : b === 0x0a ? '\\n' : b === 0x09 ? '\\t' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    return `"${s}${more}"`;
  }
  let hex = '';
  for (const b of view.subarray(0, 16)) hex += (hex === '' ? '' : ' ') + b.toString(16).padStart(2, '0');
  return `${hex}${bytes.length > 16 ? ' …' : ''}`;
}
