/**
 * The JDK 8 debug format (also JDK 6 and 7): handshake messages open with `*** Name`, fields
 * follow one per line (`RandomCookie:  GMT: 1553723890 bytes = { 146, 94, … }`), and record
 * and alert lines carry the thread name (`main, RECV TLSv1.2 ALERT:  fatal, bad_certificate`).
 * The format has no thread on the `***` lines, so handshakes are read in the order they appear.
 */
import { HandshakeCollector, alertName, chainOf } from './collector.js';
import { newLoggedHandshake } from './types.js';
import type { LoggedHandshake } from './types.js';

type Section = 'client-hello' | 'server-hello' | 'certificate-chain' | 'certificate-request' | 'other' | null;

export class Jdk8LogParser {
  private hs: LoggedHandshake | null = null;
  private section: Section = null;
  private serverHelloDone = false;
  private chain: { count: number; subjects: string[]; issuers: string[] } | null = null;
  private authorities: string[] | null = null;
  /** A record line was written or read right before the ClientHello: tells the side. */
  private lastRecordIo: 'write' | 'read' | null = null;
  /** Whether any JDK 8 handshake line was seen (the log is in this format). */
  seen = false;

  constructor(private readonly out: HandshakeCollector) {}

  line(text: string, lineNo: number): void {
    const t = text.trim();
    if (t.startsWith('***')) {
      this.closeSection();
      this.onSectionStart(t, lineNo);
      return;
    }
    const io = /, (WRITE|READ): \S+ (Handshake|Alert|Application Data|Change Cipher Spec)/.exec(t);
    if (io !== null) {
      this.lastRecordIo = io[1] === 'WRITE' ? 'write' : 'read';
      return;
    }
    const hs = this.hs;
    if (hs === null) {
      // A failure before any hello: "No appropriate protocol" is thrown before the ClientHello is written.
      const early = /, handling exception: (.*)$/.exec(t);
      if (early !== null && /No appropriate protocol/.test(early[1] ?? '')) {
        const h = this.startHandshake(lineNo);
        h.side = 'client';
        h.failure = (early[1] ?? '').trim();
        h.beforeClientHello = true;
        h.notes.push('No appropriate protocol');
      }
      return;
    }
    this.onLine(hs, t);
  }

  end(): void {
    this.closeSection();
  }

  private startHandshake(lineNo: number): LoggedHandshake {
    const hs = newLoggedHandshake('jdk8', lineNo, null, null, null);
    this.out.add(hs);
    this.hs = hs;
    this.serverHelloDone = false;
    this.seen = true;
    return hs;
  }

  private onSectionStart(t: string, lineNo: number): void {
    if (/^\*\*\* ClientHello\b/.test(t)) {
      const hs = this.startHandshake(lineNo);
      if (this.lastRecordIo === 'read') hs.side = 'server';
      this.section = 'client-hello';
      return;
    }
    const hs = this.hs;
    if (hs === null) return;
    const serverHello = /^\*\*\* ServerHello(?:, (\S+)|$)/.exec(t);
    if (serverHello !== null) {
      this.section = 'server-hello';
      hs.negotiatedVersion = serverHello[1] ?? null;
    } else if (/^\*\*\* Certificate chain/.test(t)) {
      this.section = 'certificate-chain';
      this.chain = { count: 0, subjects: [], issuers: [] };
    } else if (/^\*\*\* CertificateRequest/.test(t)) {
      this.section = 'certificate-request';
      this.authorities = [];
      hs.certificateRequest = { authorities: [], authoritiesText: null };
    } else if (/^\*\*\* ServerHelloDone/.test(t)) {
      this.serverHelloDone = true;
      this.section = 'other';
    } else if (/^\*\*\* Finished/.test(t)) {
      // Each side logs its own Finished and the peer's; the first one is the client's.
      if (!hs.finishedProduced) hs.finishedProduced = true;
      else hs.finishedConsumed = true;
      this.section = 'other';
    } else this.section = t === '***' ? null : 'other';
  }

  private closeSection(): void {
    const hs = this.hs;
    if (hs === null) return;
    if (this.section === 'certificate-chain' && this.chain !== null) {
      const chain = chainOf(this.chain.count, this.chain.subjects, this.chain.issuers);
      if (this.serverHelloDone) hs.clientCertificates = chain;
      else hs.serverCertificates = chain;
      this.chain = null;
    }
    if (this.section === 'certificate-request' && this.authorities !== null) {
      hs.certificateRequest = { authorities: this.authorities, authoritiesText: null };
      this.authorities = null;
    }
    this.section = null;
  }

  private onLine(hs: LoggedHandshake, t: string): void {
    if (this.section === 'client-hello' || this.section === 'server-hello') {
      const cookie = /^RandomCookie:\s+GMT: (-?\d+) bytes = \{ ([\d, ]+) \}/.exec(t);
      if (cookie !== null) {
        const random = randomFromCookie(Number(cookie[1]), cookie[2] ?? '');
        if (this.section === 'client-hello') hs.clientRandom = random;
        else hs.serverRandom = random;
        return;
      }
      const sni = /^Extension server_name, server_name: \[type=host_name \(0\), value=([^\]\s,]+)/.exec(t);
      if (sni !== null && this.section === 'client-hello') hs.sni = sni[1] ?? null;
      const suite = /^Cipher Suite: (\S+)/.exec(t);
      if (suite !== null && this.section === 'server-hello') hs.cipherSuite = suite[1] ?? null;
    } else if (this.section === 'certificate-chain' && this.chain !== null) {
      if (/^chain \[\d+\] = \[/.test(t)) this.chain.count++;
      const subject = /^Subject: (.*)$/.exec(t);
      if (subject !== null) this.chain.subjects.push(subject[1] ?? '');
      const issuer = /^Issuer: (.*)$/.exec(t);
      if (issuer !== null) this.chain.issuers.push(issuer[1] ?? '');
    } else if (this.section === 'certificate-request' && this.authorities !== null) {
      const name = /^<(.*)>$/.exec(t);
      if (name !== null && name[1] !== 'Empty' && name[1] !== 'EMPTY') this.authorities.push(name[1] ?? '');
    }
    this.onAnywhere(hs, t);
  }

  /** Lines that mean the same whatever section they sit in. */
  private onAnywhere(hs: LoggedHandshake, t: string): void {
    const recv = /, RECV \S+ ALERT:\s+(fatal|warning), (\w+)/.exec(t);
    if (recv !== null) {
      hs.alerts.push({ direction: 'received', level: recv[1] === 'fatal' ? 'fatal' : 'warning', description: alertName(recv[2] ?? ''), reason: null });
      return;
    }
    const send = /, SEND \S+ ALERT:\s+(fatal|warning), description = (\w+)/.exec(t);
    if (send !== null) {
      // The reason comes from the "fatal error" line before it, when there is one.
      const reason = hs.notes.find((n) => n.startsWith('fatal error: ')) ?? null;
      hs.alerts.push({ direction: 'sent', level: send[1] === 'fatal' ? 'fatal' : 'warning', description: alertName(send[2] ?? ''), reason: reason?.replace(/^fatal error: \d+: /, '') ?? null });
      return;
    }
    const fatal = /, (fatal error: \d+: .*)$/.exec(t);
    if (fatal !== null) {
      if (hs.notes.length < 16) hs.notes.push(fatal[1] ?? '');
      return;
    }
    const exception = /, handling exception: (.*)$/.exec(t);
    if (exception !== null) {
      hs.failure ??= (exception[1] ?? '').trim();
      return;
    }
    if (/^Warning: no suitable certificate found/.test(t)) {
      hs.side ??= 'client';
      if (hs.notes.length < 16) hs.notes.push(t);
    } else if (/^matching alias: /.test(t)) hs.side ??= 'server';
    else if (/^\[write\] MD5 and SHA1 hashes/.test(t) && hs.side === null && this.section === 'client-hello') hs.side = 'client';
    else if (/^\[read\] MD5 and SHA1 hashes/.test(t) && hs.side === null && this.section === 'client-hello') hs.side = 'server';
  }
}

/**
 * The 32-byte random from JDK 8's `RandomCookie` line. JDK 8 prints the first four bytes as
 * `gmt_unix_time`, summed from sign-extended bytes (so it may be negative or off by carries),
 * and the other 28 as unsigned decimals. The sum is undone byte by byte from the low end: the
 * low byte is exact, and each sign extension it implies is added back before the next byte.
 */
export function randomFromCookie(gmt: number, bytesText: string): string | null {
  const rest = bytesText.split(',').map((s) => Number(s.trim()));
  if (rest.length !== 28 || rest.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) return null;
  if (!Number.isInteger(gmt) || gmt < -(2 ** 31) || gmt >= 2 ** 32) return null;
  let x = ((gmt % 2 ** 32) + 2 ** 32) % 2 ** 32;
  const head: number[] = [];
  for (let shift = 0; shift < 32; shift += 8) {
    const byte = Math.floor(x / 2 ** shift) % 256;
    head.unshift(byte);
    // A byte ≥ 128 was sign-extended: the sum lost 2^(shift+8); add it back for the bytes above.
    if (byte >= 128) x = (x + 2 ** (shift + 8)) % 2 ** 32;
  }
  return [...head, ...rest].map((b) => b.toString(16).padStart(2, '0')).join('');
}
