/**
 * A property's failure saved by the fuzz runner, and the encoding of its counterexample.
 *
 * The counterexample is kept as values, not only as fast-check's seed and path: a seed and path
 * replay the same input only while the property's arbitraries stay exactly as they were, while
 * the values (bytes as hex) still replay after the test's generators are edited.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Version of the fixture layout; a fixture of another version is refused rather than misread. */
export const FIXTURE_FORMAT = 1;

/** One saved failure of one `fc.assert` call. */
export interface RegressionFixture {
  readonly format: typeof FIXTURE_FORMAT;
  /** The test file, relative to the project root, with `/` separators. */
  readonly testFile: string;
  /** The test's full name as vitest gives it (`describe > test`). */
  readonly testName: string;
  /** Which `fc.assert` call of that test failed, counting from 0 (a test may assert several properties). */
  readonly call: number;
  /** fast-check's seed and path of the shrunk counterexample (`fc.assert(p, { seed, path })` replays it while the arbitraries are unchanged). */
  readonly seed: number;
  readonly path: string;
  readonly numRuns: number;
  /** The shrunk arguments, encoded by {@link encodeValue}; `null` when one of them has no JSON form (a function, a class instance), so only seed and path can replay it. */
  readonly counterexample: readonly EncodedValue[] | null;
  /** The first line of the failure, for the person reading the fixture. */
  readonly failure: string;
}

/** JSON form of a counterexample value: plain JSON, or a tagged object for what JSON cannot hold. */
export type EncodedValue =
  | null
  | boolean
  | number
  | string
  | readonly EncodedValue[]
  | { readonly [key: string]: EncodedValue };

const TAG = '$type';

/** Thrown by {@link encodeValue} for a value with no faithful JSON form. */
export class UnencodableValueError extends Error {
  readonly code = 'fuzz.unencodable_value';
}

/**
 * Encodes one argument of a counterexample. Bytes become hex (`{"$type":"bytes","hex":"…"}`), so
 * a saved packet reads like a hex dump; bigint, undefined, NaN, ±Infinity, -0, dates, maps and sets
 * are tagged; a plain object whose own keys include `$type` is wrapped so it is never taken for a tag.
 */
export function encodeValue(value: unknown): EncodedValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { [TAG]: 'number', value: String(Object.is(value, -0) ? '-0' : value) };
  }
  if (value === undefined) return { [TAG]: 'undefined' };
  if (typeof value === 'bigint') return { [TAG]: 'bigint', value: value.toString() };
  if (Buffer.isBuffer(value)) return { [TAG]: 'buffer', hex: value.toString('hex') };
  if (value instanceof Uint8Array && value.constructor === Uint8Array) return { [TAG]: 'bytes', hex: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex') };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const name = value.constructor.name;
    if (!(name in TYPED_ARRAYS)) throw new UnencodableValueError(`no JSON form for a ${name}`);
    return { [TAG]: 'typed', name, values: Array.from(value as unknown as ArrayLike<number | bigint>, (v) => encodeValue(v)) };
  }
  if (Array.isArray(value)) return Array.from(value, (v: unknown) => encodeValue(v));
  if (value instanceof Date) return { [TAG]: 'date', value: Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString() };
  if (value instanceof Map) return { [TAG]: 'map', entries: Array.from(value, ([k, v]) => [encodeValue(k), encodeValue(v)]) };
  if (value instanceof Set) return { [TAG]: 'set', values: Array.from(value, (v) => encodeValue(v)) };
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new UnencodableValueError(`no JSON form for an instance of ${describeProto(proto)}`);
    const out: Record<string, EncodedValue> = {};
    for (const [k, v] of Object.entries(value)) defineOwn(out, k, encodeValue(v));
    // fast-check's dictionaries have no prototype; a predicate may tell (`'toString' in d`).
    if (proto === null) return { [TAG]: 'object', prototype: null, value: out };
    return Object.hasOwn(out, TAG) ? { [TAG]: 'object', value: out } : out;
  }
  throw new UnencodableValueError(`no JSON form for a ${typeof value}`);
}

const TYPED_ARRAYS = {
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;

function describeProto(proto: unknown): string {
  const ctor: unknown = typeof proto === 'object' && proto !== null ? (proto as { constructor?: unknown }).constructor : undefined;
  return typeof ctor === 'function' && ctor.name !== '' ? ctor.name : 'an anonymous class';
}

/** Inverse of {@link encodeValue}. */
export function decodeValue(encoded: EncodedValue): unknown {
  if (encoded === null || typeof encoded !== 'object') return encoded;
  if (Array.isArray(encoded)) return encoded.map((v: EncodedValue) => decodeValue(v));
  const record = encoded as { readonly [key: string]: EncodedValue };
  const tag = record[TAG];
  if (!Object.hasOwn(record, TAG)) return decodeEntries(record, {});
  switch (tag) {
    case 'undefined':
      return undefined;
    case 'number':
      return record['value'] === '-0' ? -0 : Number(record['value']);
    case 'bigint':
      return BigInt(String(record['value']));
    case 'bytes':
      return new Uint8Array(Buffer.from(String(record['hex']), 'hex'));
    case 'buffer':
      return Buffer.from(String(record['hex']), 'hex');
    case 'typed': {
      const ctor = TYPED_ARRAYS[String(record['name']) as keyof typeof TYPED_ARRAYS];
      const values = (record['values'] as readonly EncodedValue[]).map((v) => decodeValue(v));
      return (ctor.from as (items: readonly unknown[]) => unknown)(values);
    }
    case 'date':
      return new Date(record['value'] === 'invalid' ? Number.NaN : String(record['value']));
    case 'map':
      return new Map((record['entries'] as readonly (readonly [EncodedValue, EncodedValue])[]).map(([k, v]) => [decodeValue(k), decodeValue(v)]));
    case 'set':
      return new Set((record['values'] as readonly EncodedValue[]).map((v) => decodeValue(v)));
    case 'object':
      return decodeEntries(record['value'] as { readonly [key: string]: EncodedValue }, record['prototype'] === null ? Object.create(null) : {});
    default:
      throw new Error(`Unknown value tag "${String(tag)}" in a fuzz regression fixture; re-save it with this version of scripts/fuzz.`);
  }
}

// Own keys are defined, not assigned, so a key `__proto__` stays a key instead of setting the prototype.
function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function decodeEntries(encoded: { readonly [key: string]: EncodedValue }, target: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(encoded)) defineOwn(target, k, decodeValue(v));
  return target;
}

/** Encodes a counterexample's arguments, or returns `null` when one has no JSON form. */
export function encodeCounterexample(args: readonly unknown[]): EncodedValue[] | null {
  try {
    return args.map((a) => encodeValue(a));
  } catch (e) {
    if (e instanceof UnencodableValueError) return null;
    throw e;
  }
}

/**
 * Reads a fixture, checking its shape; a malformed file is an error that names the file, since a
 * fixture that silently replays nothing would let a saved failure pass.
 */
export function readFixture(file: string): RegressionFixture {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const problem = fixtureProblem(parsed);
  if (problem !== null) throw new Error(`${file} is not a fuzz regression fixture (${problem}); fix or delete it.`);
  return parsed as RegressionFixture;
}

/** Why a parsed JSON value is not a {@link RegressionFixture}, or `null` when it is one. */
export function fixtureProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const v = value as Record<string, unknown>;
  if (v['format'] !== FIXTURE_FORMAT) return `format is not ${FIXTURE_FORMAT}`;
  for (const key of ['testFile', 'testName', 'path', 'failure'] as const) if (typeof v[key] !== 'string') return `${key} is not a string`;
  for (const key of ['call', 'seed', 'numRuns'] as const) if (!Number.isInteger(v[key])) return `${key} is not an integer`;
  if (v['counterexample'] !== null && !Array.isArray(v['counterexample'])) return 'counterexample is neither an array nor null';
  return null;
}

/** The fixtures (`*.json`) of a folder, by file name; a missing folder has none. */
export function listFixtureFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.json')).sort().map((n) => path.join(dir, n));
}

/** A file name that says which test failed, unique per seed. */
export function fixtureFileName(f: Pick<RegressionFixture, 'testFile' | 'testName' | 'call' | 'seed'>): string {
  const slug = (s: string): string =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60);
  const file = slug(f.testFile.replace(/^test\//, '').replace(/\.test\.ts$/, ''));
  return `${file}--${slug(f.testName)}--${f.call}--${(f.seed >>> 0).toString(16)}.json`;
}

/**
 * Saves a fixture in `dir` unless one for the same test and call is already there (a failure found
 * again in a later round is the same failure); returns the file written, or the one that was there.
 */
export function saveFixture(dir: string, fixture: RegressionFixture): { readonly file: string; readonly isNew: boolean } {
  for (const file of listFixtureFiles(dir)) {
    let other: RegressionFixture;
    try {
      other = readFixture(file);
    } catch {
      continue;
    }
    if (other.testFile === fixture.testFile && other.testName === fixture.testName && other.call === fixture.call) return { file, isNew: false };
  }
  const file = path.join(dir, fixtureFileName(fixture));
  writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
  return { file, isNew: true };
}
