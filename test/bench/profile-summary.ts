/**
 * Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes) and sums its samples: the share of
 * the garbage collector, and the functions and source files with the most self time. Sample
 * counts rather than wall time, so the shares hold on a machine shared with other work.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
}

/** One line of the summary: a function or file and its share of all samples. */
interface ProfileShare {
  readonly name: string;
  readonly share: number;
}

export interface ProfileSummary {
  readonly samples: number;
  /** Samples in "(garbage collector)" over all samples. */
  readonly gcShare: number;
  readonly functions: readonly ProfileShare[];
  readonly files: readonly ProfileShare[];
}

/** The file part of a profile URL, from `src/`, `dist/` or `node_modules/` on. */
function shortFile(url: string): string {
  if (url === '') return '(native)';
  const m = /\/(src|dist|node_modules)\/(.*)$/.exec(url);
  return m === null ? url.replace(/^.*\//, '') : `${m[1] ?? ''}/${m[2] ?? ''}`;
}

function top(counts: Map<string, number>, total: number, n: number): ProfileShare[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, c]) => ({ name, share: c / total }));
}

export function summarizeProfile(path: string, n = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) byId.set(node.id, node);
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  let gc = 0;
  let total = 0;
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (node === undefined) continue;
    total++;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(garbage collector)') gc++;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    const file = shortFile(url);
    const fn = `${functionName === '' ? '(anonymous)' : functionName} ${file}:${lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + 1);
    files.set(file, (files.get(file) ?? 0) + 1);
  }
  const all = Math.max(1, total);
  return { samples: total, gcShare: gc / all, functions: top(fns, all, n), files: top(files, all, n) };
}

/** The summary as lines of text. */
export function formatProfileSummary(s: ProfileSummary): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1).padStart(5)} %`;
  const lines = [`${s.samples} samples; garbage collector ${(100 * s.gcShare).toFixed(1)} % (target < 5 %)`, 'self time by function:'];
  for (const f of s.functions) lines.push(`  ${pct(f.share)}  ${f.name}`);
  lines.push('self time by file:');
  for (const f of s.files) lines.push(`  ${pct(f.share)}  ${f.name}`);
  return `${lines.join('\n')}\n`;
}

// `tsx test/bench/profile-summary.ts FILE.cpuprofile [N]` prints the summary of one profile.
if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const file = process.argv[2];
  if (file === undefined) {
    process.stderr.write('usage: tsx test/bench/profile-summary.ts FILE.cpuprofile [N]\n');
    process.exitCode = 2;
  } else {
    process.stdout.write(formatProfileSummary(summarizeProfile(file, Number(process.argv[3] ?? 25))));
  }
}
