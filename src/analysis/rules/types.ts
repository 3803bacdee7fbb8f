import type { ConnectionFacts } from '../judge.js';
import type { Finding, MtlsVerdict, Stage, Status } from '../verdict-types.js';
import type { TrustSetup } from '../../x509/trust/index.js';
import type { IdentitySetup } from '../../x509/identity/index.js';
import type { ConnectionStacks } from '../stack-identification.js';

/** Capture-wide context some rules need (e.g. "other connections to this port were TLS"). */
export interface CaptureContext {
  /** Servers ("ip|port") that spoke TLS on some connection of the capture. */
  readonly tlsServers: ReadonlySet<string>;
  /** Warn about certificates expiring within this many days. Default 30. */
  readonly expiryDays: number;
  /** Handshake steps slower than this are reported (milliseconds). Default 1000. */
  readonly slowHandshakeMs: number;
  /** Trust stores given with --trust: chains are verified against them (rules/trust.ts). */
  readonly trust?: TrustSetup;
  /** Identity key stores given with --identity: weighed against each connection (identity-verdict.ts, rules/identity.ts). */
  readonly identity?: IdentitySetup;
}

/** A server's key in `CaptureContext.tlsServers`: "ip|port". */
export function serverKey(c: { readonly server: { readonly ip: string; readonly port: number } }): string {
  return `${c.server.ip}|${c.server.port}`;
}

/** What a rule sees: the facts plus the core verdict. Rules never look at bytes. */
export interface RuleInput {
  readonly facts: ConnectionFacts;
  readonly status: Status;
  readonly stage: Stage;
  readonly mtls: MtlsVerdict;
  readonly context: CaptureContext;
  /** Each side's TLS implementation: advice specific to one stack is given only for it (rules/stack-advice.ts). */
  readonly stacks: ConnectionStacks;
}

/** A diagnosis rule: a small pure function with a stable id. */
export interface Rule {
  readonly id: string;
  /** Every finding code it can emit: the registry of codes (`FINDING_CODES`) that `--fail-on` checks its terms against. */
  readonly codes: readonly string[];
  /**
   * @param earlier the findings of the rules listed before it in `RULES`, in that order: a rule
   *   that speaks only when no earlier one explained the failure reads them instead of running
   *   those rules again.
   */
  evaluate(input: RuleInput, earlier: readonly Finding[]): readonly Finding[];
}
