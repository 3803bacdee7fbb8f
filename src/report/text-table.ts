/**
 * A terminal table of any number of rows, drawn as cli-table3 draws one table. cli-table3 lays a
 * table out in time quadratic in its rows (every cell is checked against the spans of all rows
 * above it) and builds an object per cell with every option merged into it: a text report of
 * 10,000 connections spent over a quarter of its run there. With fixed column widths and no
 * spans each row is drawn on its own, so this file draws the rows itself in linear time, with
 * cli-table3's own options, wrapping, truncation, padding and colours (its `utils` module and the
 * colour module it loads): the text is the same as one cli-table3 table's, which a property test
 * checks on random rows, widths and colours.
 *
 * cli-table3 is loaded when the first table is drawn: NDJSON and the other formats never draw
 * one, and loading it is a tenth of a second of every run's start-up.
 */
import { createRequire } from 'node:module';
import type { TableConstructorOptions } from 'cli-table3';
import { ClearingCache } from '../util/clearing-cache.js';

/** Distinct strings whose width is remembered (a listing's cells and their words recur row after row). */
const WIDTH_MEMO_ENTRIES = 65_536;

/**
 * cli-table3 measures every cell, word and padding with `string-width`, which strips ANSI codes
 * with a regular expression built anew on each call: that measuring was 40 % of a text report of
 * 7,000 connections. The width of a string never changes, so cli-table3 is given a remembering
 * `string-width` (the same function's answers): it is placed in the module cache under the
 * name cli-table3 requires, before its `utils` loads; this file measures with it too. Should
 * cli-table3 stop requiring it so, tables are drawn the same, only slower.
 */
function rememberWidths(requireFromTable: NodeJS.Require): (text: string) => number {
  const widthModule = requireFromTable.resolve('string-width');
  const stringWidth = requireFromTable('string-width') as (text: string) => number;
  const cached = requireFromTable.cache[widthModule];
  if (cached === undefined) return stringWidth;
  const memo = new ClearingCache<string, number>(WIDTH_MEMO_ENTRIES);
  const remembering = (text: string): number => memo.getOrCompute(text, stringWidth);
  cached.exports = Object.assign(remembering, { default: remembering });
  return remembering;
}

/** What this file uses of cli-table3's `utils` module (cli-table3 0.6). */
interface TableUtils {
  mergeOptions(options: object): { readonly chars: Readonly<Record<string, string>>; readonly truncate: string; readonly style: Readonly<Record<string, unknown>> };
  wordWrap(maxLength: number, input: string, wrapOnWordBoundary: boolean): string[];
  colorizeLines(lines: string[]): string[];
  truncate(text: string, length: number, mark: string): string;
  pad(text: string, length: number, filler: string, direction: undefined): string;
  repeat(text: string, times: number): string;
}

/** A colour module as cli-table3 uses it: each style name reached from the previous one, the last called. */
type Colors = ((text: string) => string) & Readonly<Record<string, unknown>>;

interface TableKit {
  readonly utils: TableUtils;
  /** The colour module, loaded at the first style applied (10–15 ms: an uncoloured report never needs it). */
  readonly colors: () => Colors | null;
  /** The `string-width` cli-table3 measures with (the remembering one). */
  readonly width: (text: string) => number;
}

let kit: TableKit | undefined;

function tableKit(): TableKit {
  if (kit === undefined) {
    const requireFromTable = createRequire(createRequire(import.meta.url).resolve('cli-table3'));
    const width = rememberWidths(requireFromTable);
    const utils = requireFromTable('./src/utils') as TableUtils;
    let colors: Colors | null | undefined;
    const loadColors = (): Colors | null => {
      if (colors === undefined) {
        try {
          // cli-table3 draws without colour when this optional module is missing; so does this file.
          colors = requireFromTable('@colors/colors/safe') as Colors;
        } catch {
          colors = null;
        }
      }
      return colors;
    };
    kit = { utils, colors: loadColors, width };
  }
  return kit;
}

/** `text` in the styles, as cli-table3's `wrapWithStyleColors` applies them (none: unchanged). */
function styled(colorModule: () => Colors | null, styles: readonly string[], text: string): string {
  if (styles.length === 0) return text;
  const colors = colorModule();
  if (colors === null) return text;
  try {
    let paint: unknown = colors;
    for (let i = styles.length - 1; i >= 0; i--) paint = (paint as Readonly<Record<string, unknown>>)[styles[i] as string];
    return (paint as (t: string) => string)(text);
  } catch {
    return text;
  }
}

export interface FixedTableOptions {
  readonly head: readonly string[];
  readonly colWidths: readonly number[];
  readonly style: NonNullable<TableConstructorOptions['style']>;
}

const ESC = '\u001b';
/** Printable ASCII: one column per character, no escape codes. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** Printable ASCII words separated by single spaces: one column per character, no escape codes. */
const PLAIN_WORDS = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

function stylesOf(value: unknown): readonly string[] {
  return Array.isArray(value) ? (value as string[]) : [];
}

/**
 * The table as cli-table3 draws it with these options, `wordWrap` and `wrapOnWordBoundary` on:
 * a top border, each row's lines with a separator above every row but the first, a bottom border.
 */
export function renderFixedTable(options: FixedTableOptions, rows: readonly (readonly string[])[]): string {
  const { utils, colors, width } = tableKit();
  // A line without escape codes that fits: what cli-table3's truncate and pad make of it, without
  // their measuring it twice with a regular expression each time (most lines of a listing).
  const fitted = (text: string, room: number): string => {
    if (!text.includes(ESC)) {
      const w = PRINTABLE_ASCII.test(text) ? text.length : width(text);
      if (w <= room) return text + ' '.repeat(room - w);
    }
    return utils.pad(utils.truncate(text, room, merged.truncate), room, ' ', undefined);
  };
  const merged = utils.mergeOptions({ style: options.style });
  const chars = merged.chars;
  const style = merged.style;
  const padLeft = Number(style['padding-left']);
  const padRight = Number(style['padding-right']);
  const border = stylesOf(style.border);
  const withHead = options.head.length > 0;
  // cli-table3 clears the head style of a table without a head row.
  const head = withHead ? stylesOf(style.head) : [];
  const compact = style.compact === true;
  const widths = options.colWidths.map((w) => Math.max(1, w || 0));
  const columns = widths.length;
  const leftPad = utils.repeat(' ', padLeft);
  const rightPad = utils.repeat(' ', padRight);
  const char = (name: string): string => chars[name] ?? '';
  const edge = (first: string, middle: string, fill: string, last: string): string =>
    widths.map((w, x) => styled(colors, border, (x === 0 ? first : middle) + utils.repeat(fill, w) + (x === columns - 1 ? last : ''))).join('');
  const topBorder = edge(char('top-left'), char('top-mid'), char('top'), char('top-right'));
  const separator = edge(char('left-mid'), char('mid-mid'), char('mid'), char('right-mid'));
  const bottomBorder = edge(char('bottom-left'), char('bottom-mid'), char('bottom'), char('bottom-right'));
  const lefts = widths.map((_, x) => styled(colors, border, x === 0 ? char('left') : char('middle')));
  const right = styled(colors, border, char('right'));
  const noRight = styled(colors, border, '');
  const blanks = widths.map((w) => utils.repeat(' ', w));
  const all = withHead ? [options.head, ...rows] : rows;
  const out: string[] = [];
  all.forEach((row, y) => {
    if (y === 0) out.push(topBorder);
    else if (!compact || (y === 1 && withHead)) out.push(separator);
    const lines = widths.map((w, x) => {
      const content = String(row[x] ?? '');
      const room = w - padLeft - padRight;
      // Printable ASCII words with single spaces that fit are one line, as cli-table3's wrap would
      // make them: most cells of a listing, each spared its split and its words' measuring.
      const wrapped = content.length <= room && PLAIN_WORDS.test(content) ? [content] : utils.wordWrap(room, content, true);
      // Carrying colours from line to line changes nothing where there are none.
      return content.includes(ESC) ? utils.colorizeLines(wrapped) : wrapped;
    });
    const height = Math.max(1, ...lines.map((l) => l.length));
    const paintContent = y === 0 ? head : [];
    const rowLines: string[] = [];
    for (let n = 0; n < height; n++) {
      let line = '';
      for (let x = 0; x < columns; x++) {
        const cellLines = lines[x] as string[];
        const w = widths[x] as number;
        const text = cellLines[n];
        const content = text === undefined ? (blanks[x] as string) : leftPad + fitted(text, w - padLeft - padRight) + rightPad;
        line += (lefts[x] as string) + styled(colors, paintContent, content) + (x === columns - 1 ? right : noRight);
      }
      rowLines.push(line);
    }
    // One flat string a row, so that the table's many lines are not each kept alive to the end.
    out.push(rowLines.join('\n'));
  });
  if (all.length > 0) out.push(bottomBorder);
  return out.join('\n');
}
