/**
 * Ladder entries as every format draws them: which timeline entries are shown, which end the
 * handshake badly, and the times beside them.
 */
import type { ConnectionReport, TimelineJson } from './model.js';

/**
 * Timeline entries drawn per ladder in every format. The connection builder bounds the
 * timeline already; this keeps a ticket or a diagram readable (the rest is counted).
 */
const LADDER_MAX_ENTRIES = 80;

/** The timeline entries a ladder shows, and how many were left out. */
export function ladderEntries(c: ConnectionReport, max = LADDER_MAX_ENTRIES): { entries: readonly TimelineJson[]; omitted: number } {
  return { entries: c.timeline.slice(0, max), omitted: Math.max(0, c.timeline.length - max) };
}

/** Does this entry end the handshake badly (drawn with a cross)? */
export function isFatalEntry(e: TimelineJson): boolean {
  return (e.kind === 'alert' && !e.label.includes('warning')) || (e.kind === 'tcp' && e.label === 'RST');
}

/** "+3 ms", "+1.2 s". */
export function formatDelta(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "14:02:11.201" from an ISO time. */
export function clockTime(iso: string): string {
  return iso.slice(11, 23);
}
