/**
 * Verdict for one connection: core facts (judge.ts), then every rule in `rules/index.ts`,
 * then a one-sentence summary built from the most important finding.
 */
import type { Connection } from './connection.js';
import { connectionFacts, judgeMtls, judgeStage, judgeStatus } from './judge.js';
import { RULES } from './rules/index.js';
import type { CaptureContext } from './rules/types.js';
import { summarize } from './summary.js';
import { connectionTrust } from './rules/trust.js';
import type { Finding, Severity, Verdict } from './verdict-types.js';

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function judgeConnection(connection: Connection, context: CaptureContext): Verdict {
  const facts = connectionFacts(connection);
  const status = judgeStatus(facts);
  const stage = judgeStage(facts, status);
  const mtls = judgeMtls(facts, status);
  const input = { facts, status, stage, mtls, context };
  const findings: Finding[] = [];
  for (const rule of RULES) findings.push(...rule.evaluate(input));
  // Stable order: severity, then rule order (the catalogue lists causes before symptoms).
  const ordered = findings.map((f, i) => ({ f, i })).sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i).map((x) => x.f);
  const trust = context.trust === undefined ? {} : { trust: connectionTrust(facts, context.trust) };
  return { status, stage, mtls, resumed: facts.resumed, findings: ordered, summary: summarize(input, ordered), ...trust };
}

/** Builds the capture context from all connections of a capture. */
export function captureContext(connections: readonly Connection[], options: Partial<Omit<CaptureContext, 'tlsServers'>> = {}): CaptureContext {
  const tlsServers = new Set<string>();
  for (const c of connections) if (c.tls === true) tlsServers.add(`${c.server.ip}|${c.server.port}`);
  return { tlsServers, expiryDays: options.expiryDays ?? 30, slowHandshakeMs: options.slowHandshakeMs ?? 1000, ...(options.trust !== undefined ? { trust: options.trust } : {}) };
}
