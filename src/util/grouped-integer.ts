/**
 * An integer with commas between groups of three digits, as `toLocaleString('en-US')` writes
 * it, without that call's first-use cost: it sets up ICU's number formatting, tens of
 * milliseconds paid by every run that draws one label with a byte count. Anything but a safe
 * integer (and -0, which it writes "-0") is left to `toLocaleString`.
 */
export function groupedInteger(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? `-${out}` : out;
}
