/**
 * GFM splits a table row on every pipe not escaped by a backslash, before any inline
 * parsing (code spans included), so that count is the number of cells plus one.
 */
export function cellSeparators(row: string): number {
  let n = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\') i++;
    else if (row[i] === '|') n++;
  }
  return n;
}
