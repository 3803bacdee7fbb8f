/**
 * `--limit NAME=VALUE`: every named limit of the analysis, settable from the command line.
 * The names are the library options' (README, "Limits"), plus the two the command line keeps
 * itself (TLS servers remembered, connections without TLS held to the end).
 */
import type { AnalyzeOptions } from '../analyze.js';

/** How a limit's value is written: bytes take binary suffixes (64MiB), seconds take decimals. */
type LimitUnit = 'bytes' | 'count' | 'seconds';

interface LimitSpec {
  readonly unit: LimitUnit;
  /** Smallest value the stage takes as given (0 where "none" makes sense; a stage reads 0 as its default where it does not). */
  readonly min: number;
}

/** The limits of the analysis itself (passed to `analyzeCapture`). */
const ANALYSIS_LIMITS = {
  maxPacketBytes: { unit: 'bytes', min: 64 },
  maxBlockBytes: { unit: 'bytes', min: 64 },
  maxInterfaces: { unit: 'count', min: 1 },
  chunkBytes: { unit: 'bytes', min: 1 },
  maxFragmentBytes: { unit: 'bytes', min: 0 },
  maxFragmentedDatagrams: { unit: 'count', min: 1 },
  fragmentTimeoutSeconds: { unit: 'seconds', min: 0 },
  maxOutOfOrderBytes: { unit: 'bytes', min: 1 },
  maxTotalOutOfOrderBytes: { unit: 'bytes', min: 1 },
  maxConnections: { unit: 'count', min: 1 },
  idleTimeoutSeconds: { unit: 'seconds', min: 1 },
  closedLingerSeconds: { unit: 'seconds', min: 0 },
  maxClosedConnections: { unit: 'count', min: 0 },
  maxEventsPerConnection: { unit: 'count', min: 0 },
  maxStarttlsScanBytes: { unit: 'bytes', min: 0 },
  maxRecordLength: { unit: 'bytes', min: 1 },
  maxHandshakeMessageBytes: { unit: 'bytes', min: 0 },
  maxTotalTlsHeldBytes: { unit: 'bytes', min: 0 },
  maxCertificatesPerChain: { unit: 'count', min: 0 },
  maxSubjectAltNames: { unit: 'count', min: 0 },
  certificateCacheEntries: { unit: 'count', min: 1 },
  maxRecordedEncryptedRecords: { unit: 'count', min: 0 },
  maxEncryptedRecordsPerHandshake: { unit: 'count', min: 0 },
  maxTimelineEntries: { unit: 'count', min: 0 },
  maxConnectionAnomalies: { unit: 'count', min: 0 },
  maxCaptureAnomalies: { unit: 'count', min: 0 },
  maxUdpFlows: { unit: 'count', min: 0 },
} as const satisfies Record<string, LimitSpec>;

/** The limits the command line applies around the analysis, and on the files given with --keylog and --trust. */
const RUN_LIMITS = {
  maxTlsServers: { unit: 'count', min: 0 },
  maxPendingNotTls: { unit: 'count', min: 0 },
  maxKeyLogFileBytes: { unit: 'bytes', min: 1 },
  maxKeyLogEntries: { unit: 'count', min: 1 },
  maxKeyLogWarnings: { unit: 'count', min: 0 },
  maxTrustFileBytes: { unit: 'bytes', min: 1 },
  maxTrustDirectoryFiles: { unit: 'count', min: 1 },
  maxTrustStoreEntries: { unit: 'count', min: 1 },
  maxHeldOutputChars: { unit: 'count', min: 0 },
} as const satisfies Record<string, LimitSpec>;

export type AnalysisLimitName = keyof typeof ANALYSIS_LIMITS;
export type RunLimitName = keyof typeof RUN_LIMITS;
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

/** The limits of loading --trust stores, as `loadTrustSetup` options. */
export function trustLimits(limits: Limits | undefined): { maxFileBytes?: number; maxDirectoryFiles?: number; maxEntries?: number } {
  return {
    ...(limits?.maxTrustFileBytes !== undefined ? { maxFileBytes: limits.maxTrustFileBytes } : {}),
    ...(limits?.maxTrustDirectoryFiles !== undefined ? { maxDirectoryFiles: limits.maxTrustDirectoryFiles } : {}),
    ...(limits?.maxTrustStoreEntries !== undefined ? { maxEntries: limits.maxTrustStoreEntries } : {}),
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
