/**
 * Prints the per-folder coverage table of `npm run coverage` from coverage/coverage-summary.json
 * (vitest's json-summary reporter) and fails when a packet-path folder is under its target.
 *
 * Usage: tsx scripts/coverage-summary.ts [summary.json]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The folders that read untrusted bytes or derive keys, each held to {@link COVERAGE_TARGET_PERCENT}. */
export const TARGET_FOLDERS: readonly string[] = ['src/capture', 'src/decode', 'src/flow', 'src/tls', 'src/decrypt', 'src/x509'];
/** Minimum lines % and branches % in each of {@link TARGET_FOLDERS}. */
export const COVERAGE_TARGET_PERCENT = 90;

/** One metric of istanbul's summary format. */
interface Metric {
  readonly total: number;
  readonly covered: number;
}

/** One file's entry in coverage-summary.json (only the fields read here). */
interface FileSummary {
  readonly lines: Metric;
  readonly branches: Metric;
}

/** One row of the table. */
export interface FolderRow {
  readonly folder: string;
  readonly files: number;
  readonly lines: Metric;
  readonly branches: Metric;
  /** Held to the target; `false` for the folders listed for information. */
  readonly targeted: boolean;
}

/**
 * Groups a summary's files by folder: each target folder, then every other first-level folder of
 * src/, then the files directly in src/ (as `src/*.ts`), then anything outside src/ as `other`.
 */
export function foldersOf(summary: Readonly<Record<string, FileSummary>>, root: string): FolderRow[] {
  const rows = new Map<string, { files: number; lines: Metric; branches: Metric }>();
  for (const [file, entry] of Object.entries(summary)) {
    if (file === 'total') continue;
    const rel = path.relative(root, file).split(path.sep).join('/');
    const folder = folderOf(rel);
    const row = rows.get(folder) ?? { files: 0, lines: { total: 0, covered: 0 }, branches: { total: 0, covered: 0 } };
    rows.set(folder, { files: row.files + 1, lines: add(row.lines, entry.lines), branches: add(row.branches, entry.branches) });
  }
  const order = (f: string): [number, string] => {
    const t = TARGET_FOLDERS.indexOf(f);
    if (t >= 0) return [t, ''];
    if (f === 'src/*.ts') return [TARGET_FOLDERS.length + 1, f];
    if (f === 'other') return [TARGET_FOLDERS.length + 2, f];
    return [TARGET_FOLDERS.length, f];
  };
  const names = [...new Set([...TARGET_FOLDERS, ...rows.keys()])].sort((a, b) => {
    const [x, s] = order(a);
    const [y, t] = order(b);
    return x - y || s.localeCompare(t);
  });
  return names.map((folder) => {
    const row = rows.get(folder) ?? { files: 0, lines: { total: 0, covered: 0 }, branches: { total: 0, covered: 0 } };
    return { folder, ...row, targeted: TARGET_FOLDERS.includes(folder) };
  });
}

function folderOf(rel: string): string {
  const parts = rel.split('/');
  if (parts[0] !== 'src') return 'other';
  return parts.length > 2 ? `src/${parts[1] as string}` : 'src/*.ts';
}

function add(a: Metric, b: Metric): Metric {
  return { total: a.total + b.total, covered: a.covered + b.covered };
}

/** A metric as a percentage; a folder with nothing to cover counts as fully covered (istanbul's convention). */
export function percent(m: Metric): number {
  return m.total === 0 ? 100 : (100 * m.covered) / m.total;
}

/**
 * Why a target folder misses its target, one line each; a target folder with no measured file
 * misses too (a renamed folder must not pass by vanishing from the table).
 */
export function shortfalls(rows: readonly FolderRow[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    if (!r.targeted) continue;
    if (r.files === 0) out.push(`${r.folder}: no file measured`);
    for (const [name, m] of [['lines', r.lines], ['branches', r.branches]] as const) {
      if (r.files > 0 && percent(m) < COVERAGE_TARGET_PERCENT) out.push(`${r.folder}: ${name} ${percent(m).toFixed(1)} % < ${COVERAGE_TARGET_PERCENT} %`);
    }
  }
  return out;
}

/** The table as text lines (a target folder under target is marked `✗`). */
export function formatTable(rows: readonly FolderRow[]): string[] {
  const total = rows.reduce((acc, r) => ({ lines: add(acc.lines, r.lines), branches: add(acc.branches, r.branches) }), {
    lines: { total: 0, covered: 0 },
    branches: { total: 0, covered: 0 },
  });
  const cell = (m: Metric): string => `${percent(m).toFixed(1).padStart(5)} % ${`${m.covered}/${m.total}`.padStart(11)}`;
  const mark = (r: FolderRow): string => {
    if (!r.targeted) return '';
    return r.files > 0 && percent(r.lines) >= COVERAGE_TARGET_PERCENT && percent(r.branches) >= COVERAGE_TARGET_PERCENT ? '✓' : '✗';
  };
  const width = Math.max(6, ...rows.map((r) => r.folder.length));
  const header = `${'folder'.padEnd(width)}  ${'files'.padStart(5)}  ${'lines'.padEnd(19)}  ${'branches'.padEnd(19)}  target ${COVERAGE_TARGET_PERCENT} %`;
  const lines = [header, '-'.repeat(header.length)];
  for (const r of rows) lines.push(`${r.folder.padEnd(width)}  ${String(r.files).padStart(5)}  ${cell(r.lines)}  ${cell(r.branches)}  ${mark(r)}`);
  lines.push('-'.repeat(header.length));
  lines.push(`${'all'.padEnd(width)}  ${String(rows.reduce((n, r) => n + r.files, 0)).padStart(5)}  ${cell(total.lines)}  ${cell(total.branches)}`);
  return lines;
}

function main(argv: readonly string[]): number {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const file = argv[0] ?? path.join(root, 'coverage', 'coverage-summary.json');
  let summary: Record<string, FileSummary>;
  try {
    summary = JSON.parse(readFileSync(file, 'utf8')) as Record<string, FileSummary>;
  } catch {
    console.error(`Cannot read ${file}; run the suite with coverage first (npm run coverage).`);
    return 2;
  }
  const rows = foldersOf(summary, root);
  for (const line of formatTable(rows)) console.log(line);
  const missed = shortfalls(rows);
  for (const line of missed) console.log(`under target: ${line}`);
  return missed.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
