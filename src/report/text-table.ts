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

let tableModule: typeof Table | undefined;

function tableClass(): typeof Table {
  tableModule ??= createRequire(import.meta.url)('cli-table3') as typeof Table;
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
