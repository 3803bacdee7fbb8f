/**
 * `--limit NAME=VALUE`: every named limit of the analysis, settable from the command line.
 * The names are the library options' (README, "Limits"), plus the two the command line keeps
 * itself (TLS servers remembered, connections without TLS held to the end).
 */
import type { AnalyzeOptions } from '../analyze.js';
import { CAPTURE_DEFAULTS } from '../capture/context.js';
import { FRAGMENT_DEFAULTS } from '../decode/ip-fragments.js';
import { FLOW_DEFAULTS } from '../flow/flow-table.js';
import { TLS_DEFAULTS } from '../tls/defaults.js';
import { ANALYSIS_DEFAULTS } from '../analysis/defaults.js';
import { DEFAULT_MAX_SUBJECT_ALT_NAMES } from '../x509/certificate-summary.js';
import { DEFAULT_CERTIFICATE_CACHE_ENTRIES } from '../x509/certificate-cache.js';
import { DEFAULT_MAX_DIRECTORY_FILES, DEFAULT_MAX_TRUST_FILE_BYTES } from '../x509/trust/load.js';
import { DEFAULT_MAX_KDF_ITERATIONS, DEFAULT_MAX_KEY_CHECKS, DEFAULT_MAX_STORE_ENTRIES } from '../x509/trust/raw-store.js';
import { DEFAULT_MAX_KEY_LOG_FILE_BYTES, DEFAULT_MAX_KEY_LOG_WARNINGS } from '../decrypt/keylog-files.js';
import { DEFAULT_MAX_KEY_LOG_ENTRIES } from '../decrypt/keylog.js';
import { DEFAULT_MAX_PENDING_NOT_TLS } from '../listed-report.js';
import { JAVA_LOG_DEFAULTS } from '../javalog/types.js';
import type { JavaLogLimits } from '../javalog/types.js';
import { JAVA_LOG_MATCH_DEFAULTS } from '../analysis/java-log-match.js';

/** How a limit's value is written: bytes take binary suffixes (64MiB), seconds take decimals. */
type LimitUnit = 'bytes' | 'count' | 'seconds';

interface LimitSpec {
  readonly unit: LimitUnit;
  /** Smallest value the stage takes as given (0 where "none" makes sense; a stage reads 0 as its default where it does not). */
  readonly min: number;
  /** The value used when the limit is not set: read from the defaults object of the stage that applies it. */
  readonly default: number;
}

/** Defaults of the limits the command line applies itself. */
export const CLI_DEFAULTS = Object.freeze({
  /**
   * NDJSON characters a worker may have sent and not yet seen written (`--jobs N` over several
   * files): about 2 bytes per character at most, per worker.
   */
  maxHeldOutputChars: 128 * 1024 * 1024,
} as const);

/** The limits of the analysis itself (passed to `analyzeCapture`). */
const ANALYSIS_LIMITS = {
  maxPacketBytes: { unit: 'bytes', min: 64, default: CAPTURE_DEFAULTS.maxPacketBytes },
  maxBlockBytes: { unit: 'bytes', min: 64, default: CAPTURE_DEFAULTS.maxBlockBytes },
  maxInterfaces: { unit: 'count', min: 1, default: CAPTURE_DEFAULTS.maxInterfaces },
  chunkBytes: { unit: 'bytes', min: 1, default: CAPTURE_DEFAULTS.chunkBytes },
  maxFragmentBytes: { unit: 'bytes', min: 0, default: FRAGMENT_DEFAULTS.maxFragmentBytes },
  maxFragmentedDatagrams: { unit: 'count', min: 1, default: FRAGMENT_DEFAULTS.maxFragmentedDatagrams },
  fragmentTimeoutSeconds: { unit: 'seconds', min: 0, default: FRAGMENT_DEFAULTS.fragmentTimeoutSeconds },
  maxOutOfOrderBytes: { unit: 'bytes', min: 1, default: FLOW_DEFAULTS.maxOutOfOrderBytes },
  maxTotalOutOfOrderBytes: { unit: 'bytes', min: 1, default: FLOW_DEFAULTS.maxTotalOutOfOrderBytes },
  maxConnections: { unit: 'count', min: 1, default: FLOW_DEFAULTS.maxConnections },
  idleTimeoutSeconds: { unit: 'seconds', min: 1, default: FLOW_DEFAULTS.idleTimeoutSeconds },
  closedLingerSeconds: { unit: 'seconds', min: 0, default: FLOW_DEFAULTS.closedLingerSeconds },
  maxClosedConnections: { unit: 'count', min: 0, default: FLOW_DEFAULTS.maxClosedConnections },
  maxEventsPerConnection: { unit: 'count', min: 0, default: FLOW_DEFAULTS.maxEventsPerConnection },
  maxStarttlsScanBytes: { unit: 'bytes', min: 0, default: TLS_DEFAULTS.maxStarttlsScanBytes },
  maxRecordLength: { unit: 'bytes', min: 1, default: TLS_DEFAULTS.maxRecordLength },
  maxHandshakeMessageBytes: { unit: 'bytes', min: 0, default: TLS_DEFAULTS.maxHandshakeMessageBytes },
  maxTotalTlsHeldBytes: { unit: 'bytes', min: 0, default: TLS_DEFAULTS.maxTotalTlsHeldBytes },
  maxCertificatesPerChain: { unit: 'count', min: 0, default: TLS_DEFAULTS.maxCertificatesPerChain },
  maxSubjectAltNames: { unit: 'count', min: 0, default: DEFAULT_MAX_SUBJECT_ALT_NAMES },
  certificateCacheEntries: { unit: 'count', min: 1, default: DEFAULT_CERTIFICATE_CACHE_ENTRIES },
  maxRecordedEncryptedRecords: { unit: 'count', min: 0, default: TLS_DEFAULTS.maxRecordedEncryptedRecords },
  maxEncryptedRecordsPerHandshake: { unit: 'count', min: 0, default: ANALYSIS_DEFAULTS.maxEncryptedRecordsPerHandshake },
  maxTimelineEntries: { unit: 'count', min: 0, default: ANALYSIS_DEFAULTS.maxTimelineEntries },
  maxConnectionAnomalies: { unit: 'count', min: 0, default: ANALYSIS_DEFAULTS.maxConnectionAnomalies },
  maxCaptureAnomalies: { unit: 'count', min: 0, default: ANALYSIS_DEFAULTS.maxCaptureAnomalies },
  maxUdpFlows: { unit: 'count', min: 0, default: ANALYSIS_DEFAULTS.maxUdpFlows },
} as const satisfies Record<string, LimitSpec>;

/** The limits the command line applies around the analysis, and on the files given with --keylog and --trust. */
const RUN_LIMITS = {
  maxTlsServers: { unit: 'count', min: 0, default: ANALYSIS_DEFAULTS.maxTlsServers },
  maxPendingNotTls: { unit: 'count', min: 0, default: DEFAULT_MAX_PENDING_NOT_TLS },
  maxKeyLogFileBytes: { unit: 'bytes', min: 1, default: DEFAULT_MAX_KEY_LOG_FILE_BYTES },
  maxKeyLogEntries: { unit: 'count', min: 1, default: DEFAULT_MAX_KEY_LOG_ENTRIES },
  maxKeyLogWarnings: { unit: 'count', min: 0, default: DEFAULT_MAX_KEY_LOG_WARNINGS },
  maxJavaLogFileBytes: { unit: 'bytes', min: 1, default: JAVA_LOG_DEFAULTS.maxJavaLogFileBytes },
  maxJavaLogLineChars: { unit: 'count', min: 1, default: JAVA_LOG_DEFAULTS.maxJavaLogLineChars },
  maxJavaLogHandshakes: { unit: 'count', min: 1, default: JAVA_LOG_DEFAULTS.maxJavaLogHandshakes },
  maxJavaLogBodyLines: { unit: 'count', min: 1, default: JAVA_LOG_DEFAULTS.maxJavaLogBodyLines },
  javaLogTimeWindowMs: { unit: 'count', min: 0, default: JAVA_LOG_MATCH_DEFAULTS.javaLogTimeWindowMs },
  maxTrustFileBytes: { unit: 'bytes', min: 1, default: DEFAULT_MAX_TRUST_FILE_BYTES },
  maxTrustDirectoryFiles: { unit: 'count', min: 1, default: DEFAULT_MAX_DIRECTORY_FILES },
  maxTrustStoreEntries: { unit: 'count', min: 1, default: DEFAULT_MAX_STORE_ENTRIES },
  maxTrustKdfIterations: { unit: 'count', min: 1, default: DEFAULT_MAX_KDF_ITERATIONS },
  maxKeyChecks: { unit: 'count', min: 0, default: DEFAULT_MAX_KEY_CHECKS },
  maxHeldOutputChars: { unit: 'count', min: 0, default: CLI_DEFAULTS.maxHeldOutputChars },
} as const satisfies Record<string, LimitSpec>;

export type AnalysisLimitName = keyof typeof ANALYSIS_LIMITS;
type RunLimitName = keyof typeof RUN_LIMITS;
export type LimitName = AnalysisLimitName | RunLimitName;

// Every analysis limit is an option of analyzeCapture (a renamed option fails to compile here).
type Missing = Exclude<AnalysisLimitName, keyof AnalyzeOptions>;
const everyLimitIsAnOption: Missing extends never ? true : Missing = true;
void everyLimitIsAnOption;

const SPECS: Readonly<Record<LimitName, LimitSpec>> = { ...ANALYSIS_LIMITS, ...RUN_LIMITS };

/** The names of the limits of the analysis itself (the others are the command line's own). */
export const ANALYSIS_LIMIT_NAMES = Object.keys(ANALYSIS_LIMITS) as readonly AnalysisLimitName[];

/** Every limit name, in the order of the README's table. */
export const LIMIT_NAMES = Object.keys(SPECS) as readonly LimitName[];

/** The value a limit has when it is not set (the README's Limits table states the same). */
export function limitDefault(name: LimitName): number {
  return SPECS[name].default;
}

/** The smallest value `--limit` accepts for a limit. */
export function limitMinimum(name: LimitName): number {
  return SPECS[name].min;
}

/** Limits set with --limit (absent: the default). Plain data, handed to worker threads as is. */
export type Limits = Readonly<Partial<Record<LimitName, number>>>;

const BINARY_SUFFIX: Readonly<Record<string, number>> = { '': 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3 };

function isLimitName(name: string): name is LimitName {
  return Object.hasOwn(SPECS, name);
}

/**
 * Reads one `NAME=VALUE`; the error is the sentence for the user. Bytes may carry K/KiB, M/MiB
 * or G/GiB (powers of 1024), seconds may have decimals, counts and bytes are whole numbers.
 */
export function parseLimit(text: string): { readonly name: LimitName; readonly value: number } | { readonly error: string } {
  const eq = text.indexOf('=');
  const name = (eq < 0 ? text : text.slice(0, eq)).trim();
  if (!isLimitName(name)) {
    return { error: `--limit names one of ${LIMIT_NAMES.join(', ')}, not '${name}'.` };
  }
  const spec = SPECS[name];
  const raw = eq < 0 ? '' : text.slice(eq + 1).trim();
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(raw);
  const scale = match === null ? undefined : spec.unit === 'bytes' ? BINARY_SUFFIX[(match[2] ?? '').toLowerCase()] : match[2] === '' ? 1 : undefined;
  const value = match === null || scale === undefined ? Number.NaN : Number(match[1]) * scale;
  const whole = spec.unit !== 'seconds';
  if (!Number.isFinite(value) || (whole && !Number.isSafeInteger(value)) || value < spec.min) {
    const what = spec.unit === 'bytes' ? 'a whole number of bytes (K, M or G suffixes allowed)' : spec.unit === 'seconds' ? 'a number of seconds' : 'a whole number';
    return { error: `--limit ${name} takes ${what} of at least ${spec.min}, as in --limit ${name}=${example(spec)}; not '${raw}'.` };
  }
  return { name, value };
}

function example(spec: LimitSpec): string {
  return spec.unit === 'bytes' ? '64MiB' : spec.unit === 'seconds' ? '120' : '200000';
}

/** The limits of reading --keylog files, as `readKeyLogFiles` options. */
export function keyLogLimits(limits: Limits | undefined): { maxFileBytes?: number; maxEntries?: number; maxWarnings?: number } {
  return {
    ...(limits?.maxKeyLogFileBytes !== undefined ? { maxFileBytes: limits.maxKeyLogFileBytes } : {}),
    ...(limits?.maxKeyLogEntries !== undefined ? { maxEntries: limits.maxKeyLogEntries } : {}),
    ...(limits?.maxKeyLogWarnings !== undefined ? { maxWarnings: limits.maxKeyLogWarnings } : {}),
  };
}

/** The limits of reading --java-log files, as `readJavaLog` limits. */
export function javaLogLimits(limits: Limits | undefined): JavaLogLimits {
  return {
    ...(limits?.maxJavaLogFileBytes !== undefined ? { maxJavaLogFileBytes: limits.maxJavaLogFileBytes } : {}),
    ...(limits?.maxJavaLogLineChars !== undefined ? { maxJavaLogLineChars: limits.maxJavaLogLineChars } : {}),
    ...(limits?.maxJavaLogHandshakes !== undefined ? { maxJavaLogHandshakes: limits.maxJavaLogHandshakes } : {}),
    ...(limits?.maxJavaLogBodyLines !== undefined ? { maxJavaLogBodyLines: limits.maxJavaLogBodyLines } : {}),
  };
}

/** The limits of loading --trust stores, as `loadTrustSetup` options. */
export function trustLimits(limits: Limits | undefined): { maxFileBytes?: number; maxDirectoryFiles?: number; maxEntries?: number; maxIterations?: number } {
  return {
    ...(limits?.maxTrustFileBytes !== undefined ? { maxFileBytes: limits.maxTrustFileBytes } : {}),
    ...(limits?.maxTrustDirectoryFiles !== undefined ? { maxDirectoryFiles: limits.maxTrustDirectoryFiles } : {}),
    ...(limits?.maxTrustStoreEntries !== undefined ? { maxEntries: limits.maxTrustStoreEntries } : {}),
    ...(limits?.maxTrustKdfIterations !== undefined ? { maxIterations: limits.maxTrustKdfIterations } : {}),
  };
}

/** The analysis options the limits set. */
export function analysisLimits(limits: Limits | undefined): Pick<AnalyzeOptions, AnalysisLimitName> {
  const options: Partial<Record<AnalysisLimitName, number>> = {};
  if (limits === undefined) return options;
  for (const name of ANALYSIS_LIMIT_NAMES) {
    const value = limits[name];
    if (value !== undefined) options[name] = value;
  }
  return options;
}
