/**
 * The layers of src/ and the direction imports may run: a module may import its own layer or
 * any layer below it, never one above. The order is the pipeline's (capture → decode → flow →
 * tls → decrypt → analysis → report → cli), with the primitives (util) and the evidence read
 * from outside the capture (x509, javalog) below every stage.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Layers from the bottom up; a layer may import those at or below its rank. */
const LAYERS: readonly string[] = [
  'util',
  'x509',
  'javalog',
  'capture',
  'decode',
  'flow',
  'tls',
  'decrypt',
  'analysis',
  // The assembly of the stages into one pass over a capture (src/pipeline.ts, src/analyze.ts).
  'pipeline',
  'report',
  // The listed report: the analysis judged and put into the report model (src/listed-report.ts).
  'listed-report',
  'cli',
  // The library's public surface (src/index.ts).
  'index',
];

const ROOT_FILES: Readonly<Record<string, string>> = {
  'pipeline.ts': 'pipeline',
  'analyze.ts': 'pipeline',
  'listed-report.ts': 'listed-report',
  'index.ts': 'index',
};

/** The layer of a file given by its path relative to src/, or null when it belongs to none. */
export function layerOf(relativePath: string): string | null {
  const parts = relativePath.split(/[\\/]/);
  if (parts.length === 1) return ROOT_FILES[parts[0] ?? ''] ?? null;
  const folder = parts[0] ?? '';
  return LAYERS.includes(folder) ? folder : null;
}

export interface ImportEdge {
  /** Importing file, relative to src/. */
  readonly from: string;
  /** Imported file, relative to src/. */
  readonly to: string;
}

export interface LayerViolation extends ImportEdge {
  readonly reason: string;
}

const IMPORT_SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

/** Relative import edges of one source text (type-only imports count: they tie the layers too). */
export function importsOf(fromPath: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const match of text.matchAll(IMPORT_SPECIFIER)) {
    const specifier = match[1] ?? match[2];
    if (specifier === undefined || !specifier.startsWith('.')) continue;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(fromPath), specifier)).replace(/\.js$/, '.ts');
    edges.push({ from: fromPath, to: target });
  }
  return edges;
}

/** Every edge that runs upstream, out of src/, or from or into a file of no layer. */
export function layerViolations(edges: readonly ImportEdge[]): LayerViolation[] {
  const violations: LayerViolation[] = [];
  for (const edge of edges) {
    const fromLayer = layerOf(edge.from);
    const toLayer = layerOf(edge.to);
    if (fromLayer === null) violations.push({ ...edge, reason: `${edge.from} is in no layer` });
    else if (edge.to.startsWith('..')) violations.push({ ...edge, reason: 'imports from outside src/' });
    else if (toLayer === null) violations.push({ ...edge, reason: `${edge.to} is in no layer` });
    else if (LAYERS.indexOf(toLayer) > LAYERS.indexOf(fromLayer)) {
      violations.push({ ...edge, reason: `${fromLayer} imports ${toLayer}, which is above it` });
    }
  }
  return violations;
}

/** Import edges of every .ts file under a source root. */
export function sourceImports(srcRoot: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) {
        const relative = path.relative(srcRoot, full).split(path.sep).join('/');
        edges.push(...importsOf(relative, readFileSync(full, 'utf8')));
      }
    }
  };
  walk(srcRoot);
  return edges;
}
