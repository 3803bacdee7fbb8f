/**
 * Text layout for the terminal report and the text ladder: word wrapping with a hanging
 * indent, counted in code points.
 */

/** Width used when the terminal's is unknown (output to a file or a pipe). */
export const TEXT_DEFAULT_WIDTH = 120;

/** Code points, so a multi-unit character counts once when padding. */
export function len(s: string): number {
  // Code points and UTF-16 units differ only where a surrogate pair is (rare in a report).
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** `s` cut to `room` code points, the last one an ellipsis when something was cut. */
export function truncate(s: string, room: number): string {
  if (len(s) <= room) return s;
  return `${[...s].slice(0, Math.max(0, room - 1)).join('')}…`;
}

/**
 * Word-wraps `text` to `width` columns: the first line after `first`, the others after
 * `indent` spaces. Words longer than a line are cut.
 */
export function wrapText(text: string, width: number, first: string, indent: number): string[] {
  const room = Math.max(16, width - indent);
  // Text that fits after `first` as it is (single spaces, no word to cut): the one line the loop makes.
  const textLen = len(text);
  if (textLen <= room && len(first) + textLen <= width && !text.startsWith(' ') && !text.endsWith(' ') && !text.includes('  ')) return [first + text];
  return wrapWords(text, width, first, indent);
}

/** `wrapText` word by word, for any text. */
export function wrapWords(text: string, width: number, first: string, indent: number): string[] {
  const room = Math.max(16, width - indent);
  const lines: string[] = [];
  let line = first;
  let lineLen = len(first);
  let empty = true;
  const pad = ' '.repeat(indent);
  for (const raw of text.split(' ')) {
    if (raw === '') continue;
    let word = raw;
    while (len(word) > room) {
      // A word longer than a line: fill the rest of this line with its head.
      const free = Math.max(1, (empty ? room - Math.max(0, lineLen - indent) : room - Math.max(0, lineLen - indent) - 1));
      const head = [...word].slice(0, free).join('');
      line += (empty ? '' : ' ') + head;
      lines.push(line);
      word = [...word].slice(free).join('');
      line = pad;
      lineLen = indent;
      empty = true;
    }
    const need = len(word) + (empty ? 0 : 1);
    if (!empty && lineLen + need > width) {
      lines.push(line);
      line = pad + word;
      lineLen = indent + len(word);
    } else {
      line += (empty ? '' : ' ') + word;
      lineLen += need;
    }
    empty = false;
  }
  if (!empty || lines.length === 0) lines.push(line);
  return lines;
}

/** Joins parts with " · ", breaking only between parts, with a hanging indent. */
export function wrapParts(parts: readonly string[], width: number, first: string, indent: number): string[] {
  const lines: string[] = [];
  let line = first;
  let lineLen = len(first);
  let fresh = true;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const sep = fresh ? '' : ' · ';
    // Room for the " ·" that ends a line when the next part moves down.
    const room = i < parts.length - 1 ? width - 2 : width;
    if (lineLen + len(sep) + len(part) > room && (fresh || indent + len(part) > room)) {
      // The part does not fit even on a line of its own: wrap it by words.
      const head = fresh ? line : `${line} ·`;
      const wrapped = fresh ? wrapText(part, room, head, indent) : [head, ...wrapText(part, room, ' '.repeat(indent), indent)];
      lines.push(...wrapped.slice(0, -1));
      line = wrapped[wrapped.length - 1] as string;
      lineLen = len(line);
    } else if (!fresh && lineLen + len(sep) + len(part) > room) {
      lines.push(`${line} ·`);
      line = ' '.repeat(indent) + part;
      lineLen = indent + len(part);
    } else {
      line += sep + part;
      lineLen += len(sep) + len(part);
    }
    fresh = false;
  }
  lines.push(line);
  return lines;
}
