/**
 * Advice that holds for one TLS implementation is given only where it applies: stated plainly
 * when the side was identified as that stack (stack-identification.ts), conditionally ("If the
 * client is Java, …") when the side is unidentified, and not at all when the side was
 * identified as another stack — a Node.js client has no keystore to fix.
 */
import type { Role } from '../connection.js';
import type { StackIdentity, StackName } from '../stack-identification.js';
import type { RuleInput } from './types.js';
import { unusedKeyLogReason } from '../../tls/session/decryption.js';

/** The families advice is written for: Node.js and curl are OpenSSL underneath. */
type AdviceFamily = 'java' | 'openssl' | 'nodejs';

/** Advice per family; a family left out has nothing specific to say. */
export type StackHints = Partial<Readonly<Record<AdviceFamily, string>>>;

const FAMILY_ORDER: readonly AdviceFamily[] = ['java', 'openssl', 'nodejs'];
const FAMILY_NAME: Readonly<Record<AdviceFamily, string>> = { java: 'Java', openssl: 'OpenSSL-based', nodejs: 'Node.js' };
const FAMILY_LABEL: Readonly<Record<AdviceFamily, string>> = { java: 'Java', openssl: 'OpenSSL', nodejs: 'Node.js' };

/** Families whose advice fits a stack, most specific first. */
function familiesOf(name: StackName): readonly AdviceFamily[] {
  switch (name) {
    case 'java':
      return ['java'];
    case 'nodejs':
      return ['nodejs', 'openssl'];
    case 'openssl':
    case 'curl':
      return ['openssl'];
    default:
      return [];
  }
}

/** The one family whose hint fits an identified stack, or null. */
function matchingFamily(stack: StackIdentity, hints: StackHints): AdviceFamily | null {
  return familiesOf(stack.name).find((f) => hints[f] !== undefined) ?? null;
}

/**
 * Sentences of stack-specific explanation for one side, each hint a clause that completes
 * "If the client is Java, …": "The client is Java 13–23 (JSSE): <clause>." for an identified
 * stack, one conditional sentence per hint when unidentified, '' when the side is another stack.
 */
export function stackAdvice(stack: StackIdentity | null, side: Role, hints: StackHints): string {
  if (stack !== null) {
    const family = matchingFamily(stack, hints);
    return family === null ? '' : `The ${side} is ${stack.label}: ${hints[family]}.`;
  }
  return FAMILY_ORDER.filter((f) => hints[f] !== undefined)
    .map((f) => `If the ${side} is ${FAMILY_NAME[f]}, ${hints[f]}.`)
    .join(' ');
}

/**
 * Where to change a setting on one side, for a parenthesis in a fix: "Java: <setting>" for an
 * identified stack, "if it is Java: …; if OpenSSL: …" when unidentified, '' when no hint fits.
 */
export function stackSettings(stack: StackIdentity | null, hints: StackHints): string {
  if (stack !== null) {
    const family = matchingFamily(stack, hints);
    return family === null ? '' : `${FAMILY_LABEL[family]}: ${hints[family]}`;
  }
  return FAMILY_ORDER.filter((f) => hints[f] !== undefined)
    .map((f, i) => `${i === 0 ? 'if it is' : 'if'} ${FAMILY_LABEL[f]}: ${hints[f]}`)
    .join('; ');
}

/** Where each stack writes a key log (NSS format), for the --keylog advice. */
const KEY_LOG_TOOLS: Readonly<Record<AdviceFamily, string>> = { java: 'jSSLKeyLog for Java', openssl: 'SSLKEYLOGFILE for OpenSSL, curl and browsers', nodejs: 'Node.js --tls-keylog' };

/**
 * The key log tools that fit the two sides: those of the identified stacks, every one when a
 * side is unidentified (either side's key log decrypts the connection).
 */
export function keyLogTools(client: StackIdentity | null, server: StackIdentity | null): string {
  const clientName = client?.name ?? null;
  const serverName = server?.name ?? null;
  let byServer = keyLogToolsByStacks.get(clientName);
  if (byServer === undefined) keyLogToolsByStacks.set(clientName, (byServer = new Map()));
  let tools = byServer.get(serverName);
  if (tools === undefined) byServer.set(serverName, (tools = keyLogToolsFor(client, server)));
  return tools;
}

/**
 * How to see a connection's encrypted messages, `goal` saying what for ("to see the
 * certificates"): a key log from the sides' tools; or, when one was given, why it did not serve
 * this connection (no secrets for it, or a reason it could not be used).
 */
export function keyLogAdvice(input: RuleInput, goal: string): string {
  const decryption = input.facts.connection.decryption;
  if (decryption?.status === 'no-secrets') return `The key log given has no secrets for this connection: use the one the client wrote while this capture was taken, ${goal}.`;
  const unused = unusedKeyLogReason(decryption);
  if (unused !== null) return `The key log given was not used for this connection: ${unused}.`;
  return `Run again with --keylog FILE (${keyLogTools(input.stacks.client, input.stacks.server)}) ${goal}.`;
}

/**
 * The advice by the two stacks' names, which alone decide it: every TLS 1.3 connection without
 * keys asks, and a capture has a handful of stacks.
 */
const keyLogToolsByStacks = new Map<StackIdentity['name'] | null, Map<StackIdentity['name'] | null, string>>();

function keyLogToolsFor(client: StackIdentity | null, server: StackIdentity | null): string {
  const wanted = new Set<AdviceFamily>();
  for (const stack of [client, server]) {
    const families = stack === null ? FAMILY_ORDER : familiesOf(stack.name);
    for (const f of families.length === 0 ? FAMILY_ORDER : families) wanted.add(f);
  }
  return FAMILY_ORDER.filter((f) => wanted.has(f)).map((f) => KEY_LOG_TOOLS[f]).join(', ');
}

/** ` text` after a space, or '' when empty: for sentences appended to a detail. */
export function withSpace(text: string): string {
  return text === '' ? '' : ` ${text}`;
}

/** A fix sentence with stack settings put in parentheses before its final period. */
export function withSettings(fix: string, settings: string): string {
  return settings === '' ? fix : `${fix.replace(/\.$/, '')} (${settings}).`;
}

/** `text` in parentheses after a space, or '' when empty. */
export function inParens(text: string): string {
  return text === '' ? '' : ` (${text})`;
}
