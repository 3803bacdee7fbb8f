/**
 * NSS key log files (SSLKEYLOGFILE), as written by OpenSSL, BoringSSL, NSS, Go, Node.js and
 * read by Wireshark:
 *
 *   # comment
 *   <label> <client_random: 64 hex digits> <secret: hex>
 *
 *   CLIENT_RANDOM                      48-byte TLS ≤ 1.2 master secret
 *   CLIENT_EARLY_TRAFFIC_SECRET        TLS 1.3 secrets (Hash.length bytes: 32 or 48)
 *   CLIENT_HANDSHAKE_TRAFFIC_SECRET
 *   SERVER_HANDSHAKE_TRAFFIC_SECRET
 *   CLIENT_TRAFFIC_SECRET_0
 *   SERVER_TRAFFIC_SECRET_0
 *   EXPORTER_SECRET
 *
 * (https://firefox-source-docs.mozilla.org/security/nss/legacy/key_log_format/, and
 * draft-ietf-tls-keylogfile.) Lines are matched to connections by the ClientHello random.
 * Bad lines never throw: each is reported with its line number and skipped.
 */

import { toHex } from '../util/bytes.js';
import type { Anomaly } from '../util/anomaly.js';
import { groupedInteger } from '../util/grouped-integer.js';

/**
 * Text from a key log file, made safe to print: control characters (ESC, BEL, CR, …) become
 * `\xNN`, as strings from the wire do in reports, so a wrong file cannot drive the terminal.
 */
export function escapeFileText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The secrets a key log holds for one client random. Absent fields were not logged. */
export interface SessionSecrets {
  /** TLS ≤ 1.2 master secret (CLIENT_RANDOM), 48 bytes. */
  readonly masterSecret?: Uint8Array;
  readonly clientEarlyTrafficSecret?: Uint8Array;
  readonly clientHandshakeTrafficSecret?: Uint8Array;
  readonly serverHandshakeTrafficSecret?: Uint8Array;
  readonly clientTrafficSecret0?: Uint8Array;
  readonly serverTrafficSecret0?: Uint8Array;
  readonly exporterSecret?: Uint8Array;
}

type MutableSecrets = { -readonly [K in keyof SessionSecrets]: SessionSecrets[K] };

/** Label → field. `EARLY_TRAFFIC_SECRET` is accepted as an alias some tools write. */
const LABELS: ReadonlyMap<string, keyof SessionSecrets> = new Map([
  ['CLIENT_RANDOM', 'masterSecret'],
  ['CLIENT_EARLY_TRAFFIC_SECRET', 'clientEarlyTrafficSecret'],
  ['EARLY_TRAFFIC_SECRET', 'clientEarlyTrafficSecret'],
  ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'clientHandshakeTrafficSecret'],
  ['SERVER_HANDSHAKE_TRAFFIC_SECRET', 'serverHandshakeTrafficSecret'],
  ['CLIENT_TRAFFIC_SECRET_0', 'clientTrafficSecret0'],
  ['SERVER_TRAFFIC_SECRET_0', 'serverTrafficSecret0'],
  ['EXPORTER_SECRET', 'exporterSecret'],
]);

/** Labels that are valid NSS key log lines but cannot be matched by client random. */
const KNOWN_UNUSED = new Set(['RSA', 'EARLY_EXPORTER_SECRET', 'ECH_SECRET', 'ECH_CONFIG', 'CLIENT_RANDOM_SSL3']);

/** A line that was skipped, with why. */
export interface KeyLogIssue {
  /** 1-based line number within its source. */
  readonly line: number;
  /** Where the line came from, e.g. a file name or `pcapng DSB`. */
  readonly source: string;
  readonly message: string;
}

/** What `addLine` returns for a line skipped without an issue of its own (counted in `dropped.entries`). */
const QUIETLY_SKIPPED = '';

/** Default of `maxEntries`: connections whose secrets a key log keeps. */
export const DEFAULT_MAX_KEY_LOG_ENTRIES = 100_000;

/** Limits of a key log store; each has a default. */
export interface KeyLogOptions {
  /** Client randoms kept; lines for further connections are counted and skipped. Default 100 000. */
  readonly maxEntries?: number;
  /** Issues kept for the report; the rest are only counted. Default 100. */
  readonly maxIssues?: number;
  /** Longest line accepted (a TLS 1.3 line with a SHA-512 secret is under 300). Default 1024. */
  readonly maxLineLength?: number;
}

/** What one `add` call did. */
export interface KeyLogAddResult {
  /** Lines that set a secret. */
  readonly secrets: number;
  /** Lines skipped as malformed or unusable (also listed in `issues`, up to the bound). */
  readonly skipped: number;
}

const HEX = /^[0-9a-fA-F]+$/;

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Lower-case hex of bytes (the key used to look a connection up): the shared helper. */
export { toHex };

/** A secret length that fits its label: 48 for a master secret, a hash length for TLS 1.3 secrets. */
function validSecretLength(field: keyof SessionSecrets, length: number): boolean {
  if (field === 'masterSecret') return length === 48;
  return length === 32 || length === 48 || length === 64;
}

/**
 * Secrets from any number of key logs (files given on the command line, pcapng Decryption
 * Secrets Blocks), merged and keyed by client random. Bounded by `maxEntries`.
 */
export class KeyLog {
  private readonly entries = new Map<string, MutableSecrets>();
  private readonly issueList: KeyLogIssue[] = [];
  private issuesDropped = 0;
  private entriesDropped = 0;
  private readonly maxEntries: number;
  private readonly maxIssues: number;
  private readonly maxLineLength: number;
  private readonly sourceList: string[] = [];

  constructor(options: KeyLogOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_KEY_LOG_ENTRIES;
    this.maxIssues = options.maxIssues ?? 100;
    this.maxLineLength = options.maxLineLength ?? 1024;
  }

  /** Client randoms with at least one secret. */
  get size(): number {
    return this.entries.size;
  }

  /** Where the lines came from (file names, `pcapng DSB …`), in the order they were added. */
  get sources(): readonly string[] {
    return this.sourceList;
  }

  /** Skipped lines, in order (bounded by `maxIssues`). */
  get issues(): readonly KeyLogIssue[] {
    return this.issueList;
  }

  /** Skipped lines not listed in `issues`, and connections not kept past `maxEntries`. */
  get dropped(): { readonly issues: number; readonly entries: number } {
    return { issues: this.issuesDropped, entries: this.entriesDropped };
  }

  /** Secrets for a client random (32 bytes, or its hex); undefined when the key log has none. */
  get(clientRandom: Uint8Array | string): SessionSecrets | undefined {
    const key = typeof clientRandom === 'string' ? clientRandom.toLowerCase() : toHex(clientRandom);
    return this.entries.get(key);
  }

  /** Adds the lines of a key log given as bytes (UTF-8 or ASCII). */
  addBytes(bytes: Uint8Array, source: string): KeyLogAddResult {
    return this.addText(new TextDecoder('utf-8', { fatal: false }).decode(bytes), source);
  }

  /** Adds the lines of a key log; later lines for the same client random and label win. */
  addText(text: string, source: string): KeyLogAddResult {
    if (!this.sourceList.includes(source)) this.sourceList.push(source);
    let secrets = 0;
    let skipped = 0;
    let lineNo = 0;
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      lineNo++;
      const raw = text.slice(start, Math.min(end, start + this.maxLineLength + 1));
      const tooLong = end - start > this.maxLineLength;
      start = end + 1;
      const line = raw.replace(/\r$/, '').trim();
      if (!tooLong && (line === '' || line.startsWith('#'))) continue;
      const problem = tooLong ? `longer than ${this.maxLineLength} characters` : this.addLine(line);
      if (problem === null) secrets++;
      else {
        skipped++;
        if (problem !== QUIETLY_SKIPPED) this.issue({ line: lineNo, source, message: problem });
      }
    }
    return { secrets, skipped };
  }

  /** One non-comment line; returns why it was skipped, or null when a secret was stored. */
  private addLine(line: string): string | null {
    const parts = line.split(/\s+/);
    const label = parts[0] ?? '';
    const field = LABELS.get(label);
    if (field === undefined) {
      if (KNOWN_UNUSED.has(label)) return `${label} lines cannot be matched to a connection by client random; skipped`;
      return `unknown label '${escapeFileText(label.slice(0, 40))}'; expected CLIENT_RANDOM or a TLS 1.3 *_SECRET label`;
    }
    if (parts.length !== 3) return `${label} needs a client random and a secret, found ${parts.length - 1} field${parts.length === 2 ? '' : 's'}`;
    const random = parts[1] as string;
    const secret = parts[2] as string;
    if (random.length !== 64 || !HEX.test(random)) return `the client random must be 64 hex digits (32 bytes)`;
    if (secret.length % 2 !== 0 || !HEX.test(secret)) return `the secret is not an even number of hex digits`;
    if (!validSecretLength(field, secret.length / 2)) {
      return field === 'masterSecret' ? `a master secret is 48 bytes, this one ${secret.length / 2}` : `a TLS 1.3 secret is 32, 48 or 64 bytes, this one ${secret.length / 2}`;
    }
    const key = random.toLowerCase();
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= this.maxEntries) {
        // Told once: past the limit every further connection's lines are skipped (and counted), none is malformed.
        this.entriesDropped++;
        return this.entriesDropped === 1 ? `the key logs hold more connections than the ${this.maxEntries} kept (maxKeyLogEntries); this line and those of further connections are skipped` : QUIETLY_SKIPPED;
      }
      entry = {};
      this.entries.set(key, entry);
    }
    entry[field] = hexToBytes(secret);
    return null;
  }

  private issue(i: KeyLogIssue): void {
    if (this.issueList.length < this.maxIssues) this.issueList.push(i);
    else this.issuesDropped++;
  }
}

/** Parses one key log text into a fresh store (convenience for tests and single files). */
export function parseKeyLog(text: string, source = 'key log', options: KeyLogOptions = {}): KeyLog {
  const log = new KeyLog(options);
  log.addText(text, source);
  return log;
}

/** What the TLS layer needs of a key log: lookup by client random. */
export interface KeyLogLookup {
  /** Client randoms with at least one secret. */
  readonly size: number;
  /** Where its secrets came from (file names), to name them in the report; absent when unknown. */
  readonly sources?: readonly string[];
  get(clientRandom: Uint8Array | string): SessionSecrets | undefined;
}

/**
 * Several key logs as one (e.g. `--keylog` files and a capture's Decryption Secrets Blocks):
 * secrets for the same client random are merged, later logs winning per label. The logs are
 * read at lookup time, so secrets added to them later (a DSB met mid-capture) are seen.
 */
export function combineKeyLogs(logs: readonly KeyLogLookup[]): KeyLogLookup {
  return {
    get size(): number {
      let n = 0;
      for (const l of logs) n += l.size;
      return n;
    },
    get(clientRandom: Uint8Array | string): SessionSecrets | undefined {
      let merged: MutableSecrets | undefined;
      for (const l of logs) {
        const s = l.get(clientRandom);
        if (s === undefined) continue;
        merged = { ...(merged ?? {}), ...s };
      }
      return merged;
    },
  };
}

/**
 * A key log given by the user, counting how many connections looked it up and found secrets,
 * so that a capture none of whose connections it serves says so (`keylog.unmatched`) instead
 * of leaving each connection to say "no secrets" as if no key log had been given.
 */
export class KeyLogMatchCounter implements KeyLogLookup {
  private lookups = 0;
  private hits = 0;

  constructor(private readonly log: KeyLogLookup) {}

  get size(): number {
    return this.log.size;
  }

  get sources(): readonly string[] | undefined {
    return this.log.sources;
  }

  get(clientRandom: Uint8Array | string): SessionSecrets | undefined {
    const secrets = this.log.get(clientRandom);
    this.lookups++;
    if (secrets !== undefined) this.hits++;
    return secrets;
  }

  /** The capture note when connections looked for secrets and none found any; else null. */
  unmatchedAnomaly(): Anomaly | null {
    if (this.lookups === 0 || this.hits > 0 || this.log.size === 0) return null;
    const sources = this.log.sources ?? [];
    const named = sources.length === 0 ? 'the key log' : `the key log${sources.length === 1 ? '' : 's'} ${sources.map((s) => escapeFileText(s)).join(', ')}`;
    const n = this.log.size;
    const connections = `${groupedInteger(n)} connection${n === 1 ? '' : 's'}`;
    return {
      code: 'keylog.unmatched',
      severity: 'weird',
      message: `${named.charAt(0).toUpperCase()}${named.slice(1)} ${sources.length > 1 ? 'hold' : 'holds'} secrets for ${connections}, none of them in this capture (no ClientHello random matches): it was written by another client or at another time; use the key log the client wrote while this capture was taken.`,
    };
  }
}
