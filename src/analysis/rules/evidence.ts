/** Small helpers rules share to phrase evidence the same way everywhere. */
import { alertName } from '../../tls/registry/names.js';
import type { AlertRecord, Connection } from '../connection.js';
import { diffMs } from '../../util/time.js';
import type { Timestamp } from '../../util/time.js';

export function alertText(a: AlertRecord): string {
  if (a.encrypted || a.description === null) return `an encrypted alert (${a.length}-byte record)`;
  return `alert ${alertName(a.description)} (${a.description})`;
}

export function endpointText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function serverText(c: Connection, sni: string | null): string {
  const addr = endpointText(c.server.ip, c.server.port);
  return sni === null ? addr : `${addr}, ${sni}`;
}

/** "3 ms later" style delays, rounded sensibly. */
export function delayText(from: Timestamp | null, to: Timestamp | null): string {
  if (from === null || to === null) return '';
  const ms = diffMs(from, to);
  if (ms < 0) return '';
  if (ms < 1) return ' less than 1 ms later';
  if (ms < 10_000) return ` ${Math.round(ms)} ms later`;
  return ` ${(ms / 1000).toFixed(1)} s later`;
}

export function listCas(cas: readonly string[], max = 3): string {
  if (cas.length === 0) return 'any CA';
  const shown = cas.slice(0, max).map((c) => `'${c}'`);
  return cas.length > max ? `${shown.join(', ')} and ${cas.length - max} more` : shown.join(cas.length === 2 ? ' or ' : ', ');
}
