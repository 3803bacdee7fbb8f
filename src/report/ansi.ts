/**
 * ANSI colours for the terminal report.
 */
const ESC = String.fromCharCode(27);

/** `s` in the SGR colour `code` (e.g. "31" red, "1;31" bold red) when `on`, else `s` unchanged. */
export function paint(on: boolean, code: string, s: string): string {
  return on ? `${ESC}[${code}m${s}${ESC}[0m` : s;
}
