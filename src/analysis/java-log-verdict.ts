/**
 * The verdict with the Java logs' facts: where the wire could not tell (TLS 1.3 without keys,
 * where the client certificate and the alerts are read from record sizes), what JSSE logged
 * becomes the fact — the client's certificate count, the alert's code — marked
 * `source: 'java-log'`, and the headline finding states it as fact with JSSE's own reason and
 * the side that logged it. What the wire shows in clear is never overridden.
 */
import type { LoggedSide } from '../javalog/types.js';
import type { Timestamp } from '../util/time.js';
import type { JavaLogAlert, JavaLogFacts, JavaLogReason } from './java-log-facts.js';
import type { JavaLogMatchKind } from './java-log-match.js';
import { CLIENT_CERT_ALERTS, SERVER_CERT_ALERTS } from './rules/alert-meanings.js';
import { badCaListFinding } from './rules/certificate-request.js';
import { alertCodeText, frames, listCas, theServer } from './rules/evidence.js';
import type { RuleInput } from './rules/types.js';
import { summarize } from './summary.js';
import type { Finding, MtlsVerdict, Status, Verdict } from './verdict-types.js';

/** A logged alert placed on the wire: the encrypted record it travelled in, when that is known. */
interface PlacedJavaLogAlert {
  readonly alert: JavaLogAlert;
  /** Index in the connection's `alerts` of the encrypted alert it decodes; null when the wire has none. */
  readonly wireIndex: number | null;
  /** Frame, length and time of the encrypted record that carried it (from the TLS 1.3 inference), when not a wire alert. */
  readonly record: { readonly frame: number; readonly length: number; readonly time: Timestamp } | null;
}

/** What a verdict carries about the Java logs of its connection. */
export interface JavaLogVerdict {
  readonly logs: readonly { readonly file: string; readonly side: LoggedSide | null; readonly matchedBy: JavaLogMatchKind }[];
  readonly alerts: readonly PlacedJavaLogAlert[];
}

const INFERRED_HEADLINES = new Set(['client-cert-missing', 'client-cert-rejected', 'client-cert-rejected-silently', 'server-cert-rejected', 'server-cert-rejected-silently', 'tls13-server-alert-inferred']);

/** At most this many remarks quoted per side: the first ones name the cause, the rest repeat it. */
const MAX_QUOTED_PER_SIDE = 2;

/** ' JSSE's reason: "…" (logged by the server in server.log). The client's log (client.log) adds: "…"; "…".' */
function reasonsText(facts: JavaLogFacts, sender: 'client' | 'server' | null): string {
  const sides: { side: JavaLogReason['loggedBy']; file: string; texts: string[] }[] = [];
  for (const r of facts.reasons) {
    const group = sides.find((g) => g.side === r.loggedBy && g.file === r.file);
    if (group === undefined) sides.push({ side: r.loggedBy, file: r.file, texts: [r.text] });
    else if (group.texts.length < MAX_QUOTED_PER_SIDE) group.texts.push(r.text);
  }
  return sides
    .map((g, i) => {
      const quoted = g.texts.map((t) => `"${t}"`).join('; ');
      if (i > 0) return ` The ${g.side ?? 'other'} side's log (${g.file}) adds: ${quoted}.`;
      return ` ${sender !== null && g.side === sender ? "JSSE's reason" : 'JSSE logged'}: ${quoted} (logged by the ${g.side ?? 'JVM'} in ${g.file}).`;
    })
    .join('');
}

/** The mTLS verdict with the logged certificate facts, when the wire only inferred them. */
function mtlsWithLog(mtls: MtlsVerdict, facts: JavaLogFacts, status: Status): MtlsVerdict {
  const wireKnows = !mtls.inferred && mtls.state !== 'unknown' && mtls.state !== 'unknown-encrypted';
  if (wireKnows || (facts.clientCertificates === null && facts.certificateRequested === null)) return mtls;
  const requested = facts.certificateRequested ?? mtls.certificateRequested;
  const count = facts.clientCertificates?.count ?? (requested === true ? null : mtls.clientCertificates);
  const cas = mtls.acceptableCAs.length > 0 ? mtls.acceptableCAs : facts.acceptableCAs;
  // The client's own fatal alert before it logged any Certificate: it never came to send one.
  const clientGaveUp = facts.clientCertificates === null && facts.alerts.some((a) => a.level === 'fatal' && a.from === 'client');
  let state: MtlsVerdict['state'];
  if (requested === false) state = 'not-requested';
  else if (requested === null) state = mtls.state;
  else if (clientGaveUp && status === 'failed') state = 'not-reached';
  else if (count === null || count === 0) state = status === 'ok' ? 'optional-not-sent' : status === 'failed' || count === 0 ? 'requested-not-sent' : 'unknown';
  else state = status === 'ok' ? 'sent-accepted' : status === 'failed' ? 'sent-rejected' : 'unknown';
  const cc = facts.clientCertificates;
  const evidence = cc === null ? mtls.evidence : `the ${cc.loggedBy ?? 'JVM'}'s Java log (${cc.file}) shows a client Certificate message with ${cc.count} entr${cc.count === 1 ? 'y' : 'ies'}`;
  return { state, certificateRequested: requested, clientCertificates: count, acceptableCAs: cas, inferred: false, evidence, source: 'java-log' };
}

/** The headline finding as the logs state it; null when the logs do not tell this kind of failure. */
function loggedHeadline(input: RuleInput, facts: JavaLogFacts, wire: Finding, alertFrame: number | null): Finding | null {
  const fatal = facts.alerts.find((a) => a.level === 'fatal') ?? null;
  if (fatal === null || fatal.code === null) return null;
  const c = input.facts.connection;
  const server = theServer(c, input.facts.hs?.clientHello?.sni ?? null);
  // JSSE's reason goes into the first sentence (the connection's summary) when the sender logged it.
  const said = fatal.reason !== null ? `: "${fatal.reason}" (the ${fatal.loggedBy ?? 'JVM'}'s Java log, ${fatal.file})` : '';
  const alert = `${alertCodeText(fatal.code)}${alertFrame !== null ? ` in the encrypted record at frame ${alertFrame}` : ''}${said}`;
  const why = reasonsText({ ...facts, reasons: facts.reasons.filter((r) => r.text !== fatal.reason) }, fatal.from);
  const cc = facts.clientCertificates;
  const fr = frames(...wire.frames, alertFrame);
  const javaClient = facts.evidence.some((e) => e.side === 'client');
  if (fatal.from === 'server' && cc !== null) {
    const cas = facts.acceptableCAs.length > 0 ? ` signed by ${listCas(facts.acceptableCAs)}` : '';
    if (cc.count === 0) {
      return {
        code: 'client-cert-missing',
        severity: 'error',
        title: 'Client certificate missing',
        detail: `${server} asked for a client certificate${cas} and the client sent an empty Certificate message (0 entries, in the ${cc.loggedBy ?? 'JVM'}'s Java log); the server answered with ${alert}.${why}${javaClient ? ' The client is Java: JSSE sends an empty certificate when no keystore entry was issued by one of the CAs the server lists.' : ''}`,
        fix: facts.acceptableCAs.length > 0 ? `Give the client a certificate (and key) issued by ${listCas(facts.acceptableCAs)}, or add the client certificate's issuer to the server's trust store so the server advertises it.` : 'Configure the client with a certificate and private key (for Java: a keystore with a key entry, set via javax.net.ssl.keyStore).',
        frames: fr,
        inferred: false,
      };
    }
    const meaning = CLIENT_CERT_ALERTS.get(fatal.code);
    const who = cc.subjects[0] !== undefined ? ` '${cc.subjects[0]}'` : '';
    return {
      code: 'client-cert-rejected',
      severity: 'error',
      title: meaning?.title ?? 'Client certificate rejected',
      detail: `${server} rejected the client certificate${who} (${cc.count} entr${cc.count === 1 ? 'y' : 'ies'} in the client's Certificate message, in the ${cc.loggedBy ?? 'JVM'}'s Java log): it answered with ${alert}.${why}`,
      fix: meaning?.fix ?? "Check the client certificate against the server's trust store and requirements.",
      frames: fr,
      inferred: false,
    };
  }
  if (fatal.from === 'client' && (cc === null || wire.code.startsWith('server-cert'))) {
    const meaning = SERVER_CERT_ALERTS.get(fatal.code);
    if (meaning === undefined && fatal.reason !== null && /certificate_authorities/i.test(fatal.reason)) {
      // JSSE could not read the CertificateRequest's CA list: the finding the wire gives with a key log.
      return badCaListFinding({
        server,
        requestFrame: null,
        problem: `the client's Java log (${fatal.file}) says "${fatal.reason}"`,
        refusal: `${alertCodeText(fatal.code)}${alertFrame !== null ? ` in the encrypted record at frame ${alertFrame}` : ''}`,
        stacks: input.stacks,
        frames: fr,
        inferred: false,
      });
    }
    if (meaning === undefined) {
      // Not a certificate alert (decode_error for a CertificateRequest JSSE cannot read): the
      // logged reason is the explanation, not a refused certificate.
      return {
        code: 'handshake-alert',
        severity: 'error',
        title: `Client ended the handshake with ${alertCodeText(fatal.code)}`,
        detail: `The client ended the handshake with ${server.replace(/^The/, 'the')}: it sent ${alert} instead of its Finished.${why}`,
        fix: 'The reason JSSE logged names what the client could not accept in the server\'s messages; change that setting on the side it names.',
        frames: fr,
        inferred: false,
      };
    }
    return {
      code: 'server-cert-rejected',
      severity: 'error',
      title: meaning.title,
      detail: `The client refused the certificate of ${server.replace(/^The/, 'the')}: it sent ${alert} instead of its Finished.${why}`,
      fix: meaning.fix,
      frames: fr,
      inferred: false,
    };
  }
  return null;
}

/** Where the logged alert travelled: a wire alert of the same sender still encrypted, else the record the inference read as an alert. */
function placeAlerts(input: RuleInput, facts: JavaLogFacts): PlacedJavaLogAlert[] {
  const c = input.facts.connection;
  const inf = input.facts.tls13Inference;
  const used = new Set<number>();
  const placed: PlacedJavaLogAlert[] = [];
  for (const alert of facts.alerts) {
    if (alert.level !== 'fatal') continue;
    const wireIndex = c.alerts.findIndex((a, i) => !used.has(i) && a.from === alert.from && a.description === null);
    if (wireIndex >= 0) {
      used.add(wireIndex);
      placed.push({ alert, wireIndex, record: null });
      continue;
    }
    if (c.alerts.some((a) => a.from === alert.from && a.description === alert.code)) continue;
    const frame = alert.from === 'server' && inf?.serverAnswer === 'alert' ? inf.serverAnswerFrame : alert.from === 'client' && inf?.clientFlight === 'client-alert' ? inf.clientFlightFrame : null;
    const rec = frame === null ? undefined : input.facts.hs?.encryptedRecords.find((r) => r.frame === frame && r.from === alert.from);
    placed.push({ alert, wireIndex: null, record: rec === undefined ? null : { frame: rec.frame, length: rec.length, time: rec.time } });
  }
  return placed;
}

/**
 * A fatal alert the log tells and the capture does not hold (it ends before the record) is no
 * wire fact: it joins no alert list, and is said in the finding that explains why the handshake
 * looks unfinished (or the first finding), so that what the log knows is not lost.
 */
function withUnplacedAlerts(findings: readonly Finding[], alerts: readonly PlacedJavaLogAlert[]): readonly Finding[] {
  const unplaced = alerts.filter((p) => p.wireIndex === null && p.record === null && p.alert.level === 'fatal');
  if (unplaced.length === 0 || findings.length === 0) return findings;
  const told = unplaced
    .map(({ alert: a }) => ` The ${a.loggedBy ?? 'JVM'}'s Java log (${a.file}) says the ${a.from} then sent ${a.code === null ? a.name : alertCodeText(a.code)}${a.reason !== null ? `: "${a.reason}"` : ''}; the capture does not hold that record.`)
    .join('');
  const at = Math.max(0, findings.findIndex((f) => CAPTURE_END_CODES.has(f.code)));
  return findings.map((f, i) => (i === at ? { ...f, detail: `${f.detail}${told}` } : f));
}

/** Findings that say the capture ends before the handshake does. */
const CAPTURE_END_CODES = new Set(['capture-file-cut', 'capture-gap', 'snap-length-truncated', 'capture-ended-mid-handshake']);

/** The verdict with the logs' facts; `verdict` as is when no log matched. */
/** The note of what record sizes suggest about the client certificate, which an exact count from a log replaces. */
const SUPERSEDED_BY_LOG = 'tls13-client-cert-inferred';

export function verdictWithJavaLog(verdict: Verdict, input: RuleInput, facts: JavaLogFacts | null): Verdict {
  if (facts === null) return verdict;
  const mtls = mtlsWithLog(verdict.mtls, facts, verdict.status);
  const alerts = placeAlerts(input, facts);
  const alertFrame = alerts.find((a) => a.alert.level === 'fatal')?.record?.frame ?? null;
  const headIndex = verdict.findings.findIndex((f) => f.severity === 'error');
  const head = verdict.findings[headIndex];
  let findings = verdict.findings;
  if (head !== undefined) {
    const fatalSender = facts.alerts.find((a) => a.level === 'fatal')?.from ?? null;
    const replacement = head.inferred === true && INFERRED_HEADLINES.has(head.code) ? loggedHeadline(input, facts, head, alertFrame) : null;
    const stated = replacement ?? { ...head, detail: `${head.detail}${reasonsText(facts, fatalSender)}` };
    findings = verdict.findings.map((f, i) => (i === headIndex ? stated : f));
  }
  if (head === undefined) findings = withUnplacedAlerts(findings, alerts);
  // The size inference the log made exact is said once: by the exact facts, not beside them.
  if (verdict.mtls.inferred && !mtls.inferred) findings = findings.filter((f) => f.code !== SUPERSEDED_BY_LOG);
  const javaLog: JavaLogVerdict = { logs: facts.evidence.map((e) => ({ file: e.file, side: e.side, matchedBy: e.matchedBy })), alerts };
  return { ...verdict, mtls, findings, summary: summarize({ ...input, mtls }, findings), javaLog };
}
