/**
 * A terminal table of any number of rows. cli-table3 lays a table out in time quadratic in its
 * rows (every cell is checked against the spans of all rows above it), which takes minutes for
 * tens of thousands of connections. With fixed column widths and no spans each row is drawn on
 * its own, so the rows are drawn in blocks and the blocks joined where their borders meet: the
 * text is the same as one table's.
 *
 * cli-table3 is loaded when the first table is drawn: NDJSON and the other formats never draw
 * one, and loading it is a tenth of a second of every run's start-up.
 */
import { createRequire } from 'node:module';
import type Table from 'cli-table3';
import type { TableConstructorOptions } from 'cli-table3';
import { ClearingCache } from '../util/clearing-cache.js';

let tableModule: typeof Table | undefined;

/** Distinct strings whose width is remembered (a listing's cells and their words recur row after row). */
const WIDTH_MEMO_ENTRIES = 65_536;

/**
 * cli-table3 measures every cell, word and padding with `string-width`, which strips ANSI codes
 * with a regular expression built anew on each call: that measuring was 40 % of a text report of
 * 7,000 connections. The width of a string never changes, so cli-table3 is given a remembering
 * `string-width` (the same function's answers): it is placed in the module cache under the
 * name cli-table3 requires, before cli-table3 loads. Should cli-table3 stop requiring it so,
 * tables are drawn the same, only slower.
 */
function rememberWidths(requireFromHere: NodeJS.Require): void {
  const requireFromTable = createRequire(requireFromHere.resolve('cli-table3'));
  const widthModule = requireFromTable.resolve('string-width');
  const stringWidth = requireFromTable('string-width') as (text: string) => number;
  const cached = requireFromTable.cache[widthModule];
  if (cached === undefined) return;
  const memo = new ClearingCache<string, number>(WIDTH_MEMO_ENTRIES);
  const remembering = (text: string): number => memo.getOrCompute(text, stringWidth);
  cached.exports = Object.assign(remembering, { default: remembering });
}

function tableClass(): typeof Table {
  if (tableModule === undefined) {
    const requireFromHere = createRequire(import.meta.url);
    rememberWidths(requireFromHere);
    tableModule = requireFromHere('cli-table3') as typeof Table;
  }
  return tableModule;
}

/** Rows per block: small enough that the quadratic layout stays cheap. */
const TABLE_BLOCK_ROWS = 256;

export interface FixedTableOptions {
  readonly head: readonly string[];
  readonly colWidths: readonly number[];
  readonly style: NonNullable<TableConstructorOptions['style']>;
}

export function renderFixedTable(options: FixedTableOptions, rows: readonly (readonly string[])[], blockRows = TABLE_BLOCK_ROWS): string {
  const TableClass = tableClass();
  const make = (withHead: boolean): Table.Table =>
    new TableClass({
      ...(withHead ? { head: [...options.head] } : {}),
      style: options.style,
      wordWrap: true,
      wrapOnWordBoundary: true,
      colWidths: [...options.colWidths],
    });
  const size = Math.max(1, Math.floor(blockRows));
  const first = make(true);
  for (const row of rows.slice(0, size)) first.push([...row]);
  if (rows.length <= size) return first.toString();
  const parts: string[] = [withoutLastLine(first.toString())];
  for (let at = size; at < rows.length; at += size) {
    const block = make(false);
    for (const row of rows.slice(at, at + size)) block.push([...row]);
    const text = block.toString();
    const cut = text.indexOf('\n');
    // The block's top border becomes the separator drawn between rows (same line, middle joints).
    const top = text.slice(0, cut).replace('┌', '├').replaceAll('┬', '┼').replace('┐', '┤');
    const body = text.slice(cut);
    parts.push(top + (at + size < rows.length ? withoutLastLine(body) : body));
  }
  return parts.join('\n');
}

function withoutLastLine(text: string): string {
  return text.slice(0, text.lastIndexOf('\n'));
}
