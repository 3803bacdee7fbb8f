/**
 * A progress line on stderr for large inputs, only when stderr is a terminal: bytes done of
 * the total, packets, and the time left. Nothing is ever printed to pipes or CI logs.
 */
import { statSync } from 'node:fs';
import { groupedInteger } from '../util/grouped-integer.js';

/** Inputs smaller than this finish before a progress line would help. */
export const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;
/** Redraws at most this often. */
const REDRAW_MS = 250;

export interface Progress {
  update(bytesRead: number, packets: number, gzip: boolean): void;
  /** Clears the line. */
  done(): void;
}

const MIB = 1024 * 1024;

function mib(n: number): string {
  return `${(n / MIB).toFixed(n >= 100 * MIB ? 0 : 1)} MiB`;
}

function seconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.ceil(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s`;
}

/** The progress line's text (pure, for tests). */
export function progressLine(label: string, bytesRead: number, total: number | null, packets: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? bytesRead / (elapsedMs / 1000) : 0;
  const packetText = `${groupedInteger(packets)} packets`;
  if (total === null || total <= 0) return `${label}: ${mib(bytesRead)} · ${packetText}`;
  const pct = Math.min(100, Math.floor((bytesRead / total) * 100));
  const eta = rate > 0 ? (total - bytesRead) / rate : Number.NaN;
  return `${label}: ${pct}% · ${mib(bytesRead)} of ${mib(total)} · ${packetText} · ${seconds(eta)} left`;
}

/**
 * A progress display for one input, or null when there should be none (not a terminal, stdin,
 * a small file).
 */
export function createProgress(path: string, stderrIsTty: boolean, write: (s: string) => void, now: () => number = Date.now): Progress | null {
  if (!stderrIsTty || path === '-') return null;
  let total: number;
  try {
    total = statSync(path).size;
  } catch {
    return null;
  }
  if (total < PROGRESS_MIN_BYTES) return null;
  const started = now();
  let last = 0;
  let shown = false;
  return {
    update(bytesRead, packets, gzip) {
      const t = now();
      if (t - last < REDRAW_MS) return;
      last = t;
      shown = true;
      // Decompressed bytes cannot be compared with the file size.
      write(`\r\u001b[2K${progressLine(path, bytesRead, gzip ? null : total, packets, t - started)}`);
    },
    done() {
      if (shown) write('\r\u001b[2K');
    },
  };
}
