/**
 * Strings from the wire (SNI, certificate subjects, ALPN, plaintext replies) must never
 * reach a terminal or a document raw: control characters become visible escapes.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The same characters, each replaced (a global expression: `replace` starts it afresh every call). */
const EVERY_CONTROL = new RegExp(CONTROL.source, 'g');

/** Replaces C0/C1 control characters (ESC, BEL, CR, …) with `\xNN` so no escape sequence survives. */
export function sanitizeText(s: string): string {
  // Tested first: almost no text has one, and a replace with a function costs more than a test.
  if (!CONTROL.test(s)) return s;
  return s.replace(EVERY_CONTROL, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function escapeHtml(s: string): string {
  return sanitizeText(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
}

/** Markdown: escape characters that would change the rendering of table cells and text. */
export function escapeMarkdown(s: string): string {
  return sanitizeText(s).replace(/([\\`*_{}[\]<>()#+!|])/g, '\\$1');
}
