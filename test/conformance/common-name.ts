/** The most specific CN of an RFC 4514-style DN string (as the x509 summaries render them). */
export function commonName(dn: string): string | null {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i] as string;
    if (ch === '\\' && i + 1 < dn.length) {
      cur += dn[i + 1];
      i++;
    } else if (ch === ',' || ch === '+') {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  parts.push(cur.trim());
  const cns = parts.filter((p) => /^CN=/i.test(p)).map((p) => p.slice(3));
  return cns.length === 0 ? null : (cns[0] as string);
}
