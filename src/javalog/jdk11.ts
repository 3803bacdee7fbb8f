/**
 * The JDK 11+ debug format. Every remark starts with a header
 *   javax.net.ssl|LEVEL|THREAD-ID|THREAD-NAME|yyyy-MM-dd HH:mm:ss.SSS zzz|Source.java:LINE|message
 * (anywhere on the line: a WebLogic log may put its own prefix before it); a message that ends
 * with " (" is followed by a JSON-like body closed by a line holding ")". Handshakes are told
 * apart by thread: each connection's handshake runs on one thread, and a new ClientHello on a
 * thread starts a new handshake (unless it answers a HelloRetryRequest).
 */
import { HandshakeCollector, alertName, chainOf, parseJavaTime } from './collector.js';
import { newLoggedHandshake } from './types.js';
import type { LoggedHandshake } from './types.js';

const HEADER = /javax\.net\.ssl\|([A-Z]+)\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|(.*)$/;
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

interface Header {
  readonly thread: string;
  readonly timeText: string;
  readonly message: string;
  readonly line: number;
}

export class Jdk11LogParser {
  private readonly byThread = new Map<string, LoggedHandshake>();
  private body: string[] | null = null;
  private bodyHeader: Header | null = null;
  private bodyDropped = false;
  /** Whether any header was seen (the log is in this format). */
  seen = false;

  constructor(
    private readonly out: HandshakeCollector,
    private readonly maxBodyLines: number,
  ) {}

  line(text: string, lineNo: number): void {
    const header = text.includes('javax.net.ssl|') ? HEADER.exec(text) : null;
    if (header !== null) {
      this.closeBody();
      this.seen = true;
      const [, , threadId, threadName, timeText, , message] = header;
      const h: Header = { thread: `${threadId}|${threadName}`, timeText: (timeText ?? '').trim(), message: (message ?? '').trim(), line: lineNo };
      if (h.message.endsWith('(')) {
        this.body = [];
        this.bodyHeader = h;
        this.bodyDropped = false;
      } else this.onMessage(h, []);
      return;
    }
    if (this.body === null) return;
    if (text.trim() === ')') {
      this.closeBody();
      return;
    }
    if (this.body.length < this.maxBodyLines) this.body.push(text);
    else this.bodyDropped = true;
  }

  end(): void {
    this.closeBody();
  }

  private closeBody(): void {
    if (this.body === null || this.bodyHeader === null) return;
    const [h, body, dropped] = [this.bodyHeader, this.body, this.bodyDropped];
    this.body = null;
    this.bodyHeader = null;
    if (dropped) this.out.issue({ code: 'javalog.body_limit', message: `A message body at line ${h.line} is longer than ${this.maxBodyLines} lines; the rest was skipped (raise --limit maxJavaLogBodyLines).`, line: h.line });
    this.onMessage(h, body);
  }

  private current(h: Header): LoggedHandshake | undefined {
    return this.byThread.get(h.thread);
  }

  private start(h: Header): LoggedHandshake {
    const hs = newLoggedHandshake('jdk11', h.line, h.thread, h.timeText || null, parseJavaTime(h.timeText));
    this.byThread.set(h.thread, hs);
    this.out.add(hs);
    return hs;
  }

  /** The handshake a remark belongs to, started when the thread has none (a failure before any hello). */
  private currentOrStart(h: Header): LoggedHandshake {
    return this.current(h) ?? this.start(h);
  }

  private onMessage(h: Header, body: readonly string[]): void {
    const m = h.message;
    const hello = /^(Produced|Consuming) ClientHello handshake message/.exec(m);
    if (hello !== null) {
      const prior = this.current(h);
      // A second ClientHello answers a HelloRetryRequest: same handshake.
      const hs = prior !== undefined && prior.helloRetryRequest && prior.clientRandom !== null && prior.serverRandom === HRR_RANDOM ? prior : this.start(h);
      hs.side = hello[1] === 'Produced' ? 'client' : 'server';
      hs.clientRandom ??= randomIn(body);
      hs.sni ??= sniIn(body);
      return;
    }
    const serverHello = /^(Produced|Consuming) (ServerHello|HelloRetryRequest) handshake message/.exec(m);
    if (serverHello !== null) {
      const hs = this.currentOrStart(h);
      hs.side ??= serverHello[1] === 'Produced' ? 'server' : 'client';
      const random = randomIn(body);
      if (serverHello[2] === 'HelloRetryRequest' || random === HRR_RANDOM) {
        hs.helloRetryRequest = true;
        hs.serverRandom = HRR_RANDOM;
        return;
      }
      hs.serverRandom = random;
      hs.cipherSuite = field(body, 'cipher suite')?.replace(/\(0x[0-9A-Fa-f]+\)$/, '') ?? null;
      hs.negotiatedVersion = selectedVersion(body) ?? field(body, 'server version');
      return;
    }
    if (/^(Produced|Consuming) CertificateRequest (handshake )?message/.test(m)) {
      this.currentOrStart(h).certificateRequest = authoritiesIn(body);
      return;
    }
    const cert = /^(Produced|Consuming) (client|server) Certificate (handshake )?message/.exec(m);
    if (cert !== null) {
      const hs = this.currentOrStart(h);
      hs.side ??= (cert[1] === 'Produced') === (cert[2] === 'client') ? 'client' : 'server';
      const chain = chainIn(body);
      if (cert[2] === 'client') hs.clientCertificates = chain;
      else hs.serverCertificates = chain;
      return;
    }
    const finished = /^(Produced|Consuming) (client |server )?Finished (handshake )?message/.exec(m);
    if (finished !== null) {
      const hs = this.currentOrStart(h);
      if (finished[1] === 'Produced') hs.finishedProduced = true;
      else hs.finishedConsumed = true;
      return;
    }
    if (/^Received alert message/.test(m)) {
      const description = field(body, 'description');
      const level = field(body, 'level');
      if (description !== null) {
        this.currentOrStart(h).alerts.push({ direction: 'received', level: level === 'fatal' || level === 'warning' ? level : null, description: alertName(description), reason: null });
      }
      return;
    }
    const fatal = /^Fatal \(([A-Z_0-9]+)\): (.*?)(?: \($)?$/.exec(m);
    if (fatal !== null) {
      const hs = this.currentOrStart(h);
      const reason = (fatal[2] ?? '').trim();
      const thrown = throwableMessage(body);
      hs.failure ??= thrown ?? reason;
      const started = hs.clientRandom !== null || hs.serverRandom !== null;
      if (!started) {
        // Thrown before any hello ("Couldn't kickstart handshaking"): nothing reached the wire.
        hs.beforeClientHello = true;
        hs.side ??= sideFromStack(body);
        if (hs.notes.length < 16) hs.notes.push(reason);
      } else if (!reason.startsWith('Received fatal alert')) {
        // "Received fatal alert: X" is the exception for an alert the peer sent, already recorded.
        hs.alerts.push({ direction: 'sent', level: 'fatal', description: alertName(fatal[1] ?? ''), reason: thrown ?? reason });
      }
      return;
    }
    const note = NOTES.find((re) => re.test(m));
    if (note !== undefined) {
      const hs = this.currentOrStart(h);
      if (hs.notes.length < 16 && !hs.notes.includes(m)) hs.notes.push(m);
      if (/^No appropriate protocol/.test(m)) {
        hs.side ??= 'client';
        if (hs.clientRandom === null) hs.beforeClientHello = true;
      }
    }
  }
}

/** Remarks of the key and trust managers worth carrying to the report. */
const NOTES: readonly RegExp[] = [
  /^No available (client )?authentication scheme/,
  /^No X\.509 cert selected for/,
  /^No appropriate protocol/,
  /^Unable to produce CertificateVerify/,
  /^No supported signature algorithm/,
];

/** The side whose handshake context the stack trace runs through, when it shows. */
function sideFromStack(body: readonly string[]): 'client' | 'server' | null {
  for (const line of body) {
    if (line.includes('ClientHandshakeContext')) return 'client';
    if (line.includes('ServerHandshakeContext')) return 'server';
  }
  return null;
}

/** The message of the exception a `Fatal` remark's body prints, without its class name. */
function throwableMessage(body: readonly string[]): string | null {
  const at = body.findIndex((l) => /^"throwable"\s*:\s*\{/.test(l.trim()));
  const line = at < 0 ? undefined : body[at + 1];
  if (line === undefined) return null;
  const text = line.trim().replace(/^[\w.$]+(?:Exception|Error):\s*/, '');
  return text === '' ? null : text;
}

/** `"name" : "value"` (or `"name": value`) in a body, the first one. */
function field(body: readonly string[], name: string): string | null {
  const re = new RegExp(`^\\s*"${name}"\\s*:\\s*"?([^"]*?)"?,?\\s*$`);
  for (const line of body) {
    const m = re.exec(line);
    if (m !== null) return m[1] ?? null;
  }
  return null;
}

function randomIn(body: readonly string[]): string | null {
  const value = field(body, 'random');
  return value !== null && /^[0-9A-Fa-f]{64}$/.test(value) ? value.toLowerCase() : null;
}

function sniIn(body: readonly string[]): string | null {
  for (const line of body) {
    const m = /type=host_name \(0\), value=([^,\]\s}]+)/.exec(line);
    if (m !== null) return m[1] ?? null;
  }
  return null;
}

function selectedVersion(body: readonly string[]): string | null {
  for (const line of body) {
    const m = /"selected version"\s*:\s*\[([^\]]+)\]/.exec(line);
    if (m !== null) return (m[1] ?? '').trim();
  }
  return null;
}

/**
 * The CAs of a CertificateRequest. TLS 1.3 lists one name per line inside
 * `"certificate authorities": [ … ]`; TLS 1.2 prints the list on one line, where names cannot be
 * split reliably (they contain ", "): the text is kept whole.
 */
function authoritiesIn(body: readonly string[]): { authorities: readonly string[] | null; authoritiesText: string | null } {
  const at = body.findIndex((l) => /"certificate authorities"\s*:/.test(l));
  if (at < 0) return { authorities: [], authoritiesText: null };
  const opening = body[at] ?? '';
  const inline = /"certificate authorities"\s*:\s*\[(.*)\]\s*$/.exec(opening);
  if (inline !== null) {
    const text = (inline[1] ?? '').trim();
    return { authorities: text === '' ? [] : null, authoritiesText: text === '' ? null : text };
  }
  if (/<(empty|no) /i.test(opening)) return { authorities: [], authoritiesText: null };
  const names: string[] = [];
  // JDK 17 writes one name per line and closes the list on the last name's line: `  CN=Last CA]`.
  for (const line of body.slice(at + 1)) {
    const t = line.trim();
    if (t.startsWith(']')) break;
    const last = t.endsWith(']');
    const name = last ? t.slice(0, -1).trim() : t;
    if (name !== '') names.push(name);
    if (last) break;
  }
  return { authorities: names, authoritiesText: null };
}

function chainIn(body: readonly string[]) {
  let count = 0;
  const subjects: string[] = [];
  const issuers: string[] = [];
  for (const line of body) {
    if (/^\s*"certificate"\s*:\s*\{/.test(line)) count++;
    const subject = /^\s*"subject"\s*:\s*"(.*)",?\s*$/.exec(line);
    if (subject !== null) subjects.push(subject[1] ?? '');
    const issuer = /^\s*"issuer"\s*:\s*"(.*)",?\s*$/.exec(line);
    if (issuer !== null) issuers.push(issuer[1] ?? '');
  }
  return chainOf(count, subjects, issuers);
}
