/**
 * Verdict for one connection: core facts (judge.ts), then every rule in `rules/index.ts`,
 * then a one-sentence summary built from the most important finding.
 */
import type { Connection } from './connection.js';
import { connectionFacts, judgeMtls, judgeStage, judgeStatus } from './judge.js';
import { RULES } from './rules/index.js';
import { serverKey } from './rules/types.js';
import type { CaptureContext, Rule } from './rules/types.js';
import { summarize } from './summary.js';
import { connectionTrust } from './rules/trust.js';
import type { Finding, Severity, Verdict } from './verdict-types.js';
import { ANALYSIS_DEFAULTS } from './defaults.js';
import type { JavaLogEvidence } from './java-log-match.js';
import { javaLogFacts } from './java-log-facts.js';
import { verdictWithJavaLog } from './java-log-verdict.js';
import { identifyStacks } from './stack-identification.js';
import { connectionIdentity } from './identity-verdict.js';

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * @param javaLogs the Java SSL debug log handshakes matched to this connection (`JavaLogMatcher`);
 *   undefined when no log was given, so the verdict carries no `javaLog`.
 */
export function judgeConnection(connection: Connection, context: CaptureContext, javaLogs?: readonly JavaLogEvidence[]): Verdict {
  const facts = connectionFacts(connection);
  const status = judgeStatus(facts);
  const stage = judgeStage(facts, status);
  const mtls = judgeMtls(facts, status);
  const stacks = identifyStacks(facts.clientStack, facts.hs?.serverHello ?? null, facts.tls13Inference?.serverPadding ?? null);
  const input = { facts, status, stage, mtls, context, stacks };
  const findings: Finding[] = [];
  // Indexed: a for-of made an iterator object per rule and connection (V8 did not remove them).
  for (let r = 0; r < RULES.length; r++) {
    const found = (RULES[r] as Rule).evaluate(input, findings);
    for (let i = 0; i < found.length; i++) findings.push(found[i] as Finding);
  }
  // Stable order: severity, then rule order (the catalogue lists causes before symptoms).
  // Array.prototype.sort is stable (ES2019), so no index pairs are needed to keep rule order.
  if (findings.length > 1) findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const wire: Verdict = { status, stage, mtls, resumed: facts.resumed, findings, summary: summarize(input, findings), stacks };
  // The logs' facts join after the rules, which read the wire alone; see java-log-verdict.ts.
  const logFacts = javaLogs === undefined ? null : javaLogFacts(javaLogs);
  const verdict = javaLogs === undefined ? wire : { javaLog: { logs: [], alerts: [] }, ...verdictWithJavaLog(wire, input, logFacts) };
  // Listed last and only with --trust, as before; set on the fresh object instead of spreading a temporary.
  const trusted = context.trust === undefined ? verdict : { ...verdict, trust: connectionTrust(facts, context.trust) };
  // Only with --identity, so reports made without it keep their shape.
  return context.identity === undefined ? trusted : { ...trusted, identity: connectionIdentity(facts, context.identity, logFacts) };
}

/** Builds the capture context from all connections of a capture. */
export function captureContext(connections: readonly Connection[], options: Partial<Omit<CaptureContext, 'tlsServers'>> = {}): CaptureContext {
  const tlsServers = new Set<string>();
  for (const c of connections) if (c.tls === true) tlsServers.add(serverKey(c));
  return contextWith(tlsServers, options);
}

/** Distinct TLS servers a capture context filled as connections end remembers; past it, new ones are not added. */
export const MAX_CONTEXT_TLS_SERVERS: number = ANALYSIS_DEFAULTS.maxTlsServers;

/** Adds a server (`serverKey`) that spoke TLS to a context's set, within `max` (default MAX_CONTEXT_TLS_SERVERS). */
export function rememberTlsServer(tlsServers: Set<string>, key: string, max = MAX_CONTEXT_TLS_SERVERS): void {
  if (tlsServers.size < max) tlsServers.add(key);
}

/** A capture context around a set of TLS servers the caller fills as connections end. */
export function contextWith(tlsServers: ReadonlySet<string>, options: Partial<Omit<CaptureContext, 'tlsServers'>> = {}): CaptureContext {
  return {
    tlsServers,
    expiryDays: options.expiryDays ?? 30,
    slowHandshakeMs: options.slowHandshakeMs ?? 1000,
    ...(options.trust !== undefined ? { trust: options.trust } : {}),
    ...(options.identity !== undefined ? { identity: options.identity } : {}),
  };
}
