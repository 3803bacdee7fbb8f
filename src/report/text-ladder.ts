/**
 * The connection ladder drawn in text: in the terminal report, and as the plain-text ladder
 * of the Markdown report (for trackers without Mermaid).
 */
import type { ConnectionReport, TimelineJson } from './model.js';
import { paint } from './ansi.js';
import { sanitizeText } from './sanitize.js';
import { plural } from './view.js';
import { clockTime, formatDelta, isFatalEntry, ladderEntries } from './view-ladder.js';
import { len, truncate, TEXT_DEFAULT_WIDTH } from './wrap.js';

/**
 * The connection as a ladder between client and server, one row per timeline entry:
 *
 *     │ ── ClientHello · SNI hr.example.com ───▶ │  #4     14:02:11.201
 *     │ ◀─ ServerHello ───────────────────────── │  #6     +2 ms
 */
export function textLadder(c: ConnectionReport, width = TEXT_DEFAULT_WIDTH, color = false): string[] {
  // Columns: 4 indent + "│ " + inner + " │" + "  #frame  time  ✖" (about 24).
  const inner = Math.max(30, Math.min(60, width - 4 - 4 - 24));
  const lines = [`  client${' '.repeat(inner + 1)}server`];
  const { entries, omitted } = ladderEntries(c);
  let previous: TimelineJson | null = null;
  for (const e of entries) {
    const label = truncate(sanitizeText(e.label), inner - 6);
    let arrow: string;
    if (e.from === 'client') arrow = `── ${label} ${'─'.repeat(Math.max(1, inner - len(label) - 5))}▶`;
    else if (e.from === 'server') arrow = `◀─ ${label} ${'─'.repeat(Math.max(1, inner - len(label) - 4))}`;
    else {
      const text = `· ${label} ·`;
      const left = Math.max(0, Math.floor((inner - len(text)) / 2));
      arrow = `${' '.repeat(left)}${text}`;
    }
    arrow += ' '.repeat(Math.max(0, inner - len(arrow)));
    const when = previous === null ? clockTime(e.time) : previous.frame === e.frame ? '' : `+${formatDelta(e.offsetMs - previous.offsetMs)}`;
    previous = e;
    const fatal = isFatalEntry(e);
    const mark = fatal ? `  ${paint(color, '31', '✖')}` : '';
    const row = `    │ ${fatal ? paint(color, '31', arrow) : arrow} │  ${`#${e.frame}`.padEnd(7)} ${when}`;
    lines.push(`${when === '' && mark === '' ? row.trimEnd() : row}${mark}`);
  }
  if (omitted > 0) lines.push(`    │ ${`… ${plural(omitted, 'more event')}`.padEnd(inner)} │`);
  return lines;
}
