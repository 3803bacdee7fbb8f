/**
 * What a Java SSL debug log (`-Djavax.net.debug=ssl:handshake` or `all`, alone or inside a
 * WebLogic server log) says about each handshake its JVM took part in.
 */

/** The two formats: JDK 11 and later (`javax.net.ssl|DEBUG|…|Produced ClientHello …`), JDK 8 (`*** ClientHello, TLSv1.2`). */
export type JavaLogFormat = 'jdk11' | 'jdk8';

export type LoggedSide = 'client' | 'server';

/** A certificate chain as the log printed it. */
export interface LoggedChain {
  /** Certificates in the message (0: an empty Certificate). */
  readonly count: number;
  readonly subjects: readonly string[];
  readonly issuers: readonly string[];
}

/** A TLS alert the logging JVM sent or received. */
interface LoggedAlert {
  /** Which peer sent it: the logging side (`sent`) or the other (`received`). */
  readonly direction: 'sent' | 'received';
  readonly level: 'fatal' | 'warning' | null;
  /** RFC name, lower case: `bad_certificate`. */
  readonly description: string;
  /** JSSE's own reason, e.g. "Empty client certificate chain", "PKIX path building failed: …". */
  readonly reason: string | null;
}

/** One handshake as one JVM logged it. */
export interface LoggedHandshake {
  readonly format: JavaLogFormat;
  /** Which side the logging JVM was, when the log shows it. */
  side: LoggedSide | null;
  /** Thread the JDK 11+ lines name (`10|main`); null in JDK 8 logs. */
  readonly thread: string | null;
  /** 1-based line of the log where the handshake starts. */
  readonly line: number;
  /** Time of that line as written (JDK 11+), null when the log has none. */
  readonly timeText: string | null;
  /** The same as milliseconds since the epoch, when it parses. */
  readonly timeMs: number | null;
  /** ClientHello random, 64 lower-case hex digits. */
  clientRandom: string | null;
  serverRandom: string | null;
  sni: string | null;
  /** Version the ServerHello selected ("TLSv1.3"), when logged. */
  negotiatedVersion: string | null;
  /** Cipher suite the ServerHello selected, IANA name. */
  cipherSuite: string | null;
  helloRetryRequest: boolean;
  /** The server asked for a client certificate; `authorities` lists the CAs one per entry when the log separates them. */
  certificateRequest: { authorities: readonly string[] | null; authoritiesText: string | null } | null;
  clientCertificates: LoggedChain | null;
  serverCertificates: LoggedChain | null;
  readonly alerts: LoggedAlert[];
  /** The exception the handshake ended with, as JSSE worded it. */
  failure: string | null;
  /** Key-manager and protocol remarks that explain a failure ("No available authentication scheme", "No X.509 cert selected for [EC, RSA]"). */
  readonly notes: string[];
  /** The JVM gave up before it sent or read a ClientHello (e.g. "No appropriate protocol"). */
  beforeClientHello: boolean;
  /** True once the handshake completed (a Finished was produced and consumed, or JDK 8 `%% Cached`/`Finished` pairs). */
  finishedProduced: boolean;
  finishedConsumed: boolean;
}

/** A problem with the log itself (not with a handshake). */
export interface JavaLogIssue {
  readonly code: string;
  readonly message: string;
  readonly line?: number;
}

/** A whole log, read. */
export interface JavaLog {
  readonly file: string;
  /** Formats seen (a log may mix JDK 8 and 11+ output when two JVMs wrote to it). */
  readonly formats: readonly JavaLogFormat[];
  readonly handshakes: readonly LoggedHandshake[];
  readonly lines: number;
  readonly issues: readonly JavaLogIssue[];
}

/** Limits of the Java log reader; each has a default in JAVA_LOG_DEFAULTS. */
export interface JavaLogLimits {
  /** Characters kept of one line; the rest of a longer line is skipped. */
  readonly maxJavaLogLineChars?: number;
  /** Handshakes kept per log; further ones are counted and named in an issue. */
  readonly maxJavaLogHandshakes?: number;
  /** Lines of one message body kept (a certificate dump, a CA list). */
  readonly maxJavaLogBodyLines?: number;
  /** Bytes read of one log; the rest is not read and an issue says so. */
  readonly maxJavaLogFileBytes?: number;
}

export const JAVA_LOG_DEFAULTS: Readonly<Required<JavaLogLimits>> = Object.freeze({
  maxJavaLogLineChars: 16_384,
  maxJavaLogHandshakes: 10_000,
  maxJavaLogBodyLines: 4_096,
  maxJavaLogFileBytes: 4 * 1024 * 1024 * 1024,
});

/** A handshake record with nothing known yet. */
export function newLoggedHandshake(format: JavaLogFormat, line: number, thread: string | null, timeText: string | null, timeMs: number | null): LoggedHandshake {
  return {
    format,
    side: null,
    thread,
    line,
    timeText,
    timeMs,
    clientRandom: null,
    serverRandom: null,
    sni: null,
    negotiatedVersion: null,
    cipherSuite: null,
    helloRetryRequest: false,
    certificateRequest: null,
    clientCertificates: null,
    serverCertificates: null,
    alerts: [],
    failure: null,
    notes: [],
    beforeClientHello: false,
    finishedProduced: false,
    finishedConsumed: false,
  };
}
