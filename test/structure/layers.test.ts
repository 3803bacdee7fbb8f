import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { importsOf, layerOf, layerViolations, sourceImports } from './layers.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

describe('import direction', () => {
  it('every import in src/ runs down the layers', () => {
    const edges = sourceImports(SRC);
    expect(edges.length).toBeGreaterThan(500);
    const lines = layerViolations(edges).map((v) => `${v.from} → ${v.to}: ${v.reason}`);
    expect(lines).toEqual([]);
  });

  it('every file of src/ belongs to a layer', () => {
    const unplaced = [...new Set(sourceImports(SRC).map((e) => e.from))].filter((f) => layerOf(f) === null);
    expect(unplaced).toEqual([]);
  });

  it('finds a planted upstream import, a type-only one and a dynamic one', () => {
    const planted = [
      ...importsOf('decode/tcp.ts', "import { x } from '../tls/session/tracker.js';\n"),
      ...importsOf('util/bytes.ts', "import type { Y } from '../x509/der.js';\n"),
      ...importsOf('tls/alert.ts', "const m = await import('../report/text.js');\n"),
      ...importsOf('report/text.ts', "export { z } from '../tls/alert.js';\n"),
    ];
    expect(planted.map((e) => e.to)).toEqual(['tls/session/tracker.ts', 'x509/der.ts', 'report/text.ts', 'tls/alert.ts']);
    expect(layerViolations(planted).map((v) => v.reason)).toEqual([
      'decode imports tls, which is above it',
      'util imports x509, which is above it',
      'tls imports report, which is above it',
    ]);
  });

  it('finds an import that leaves src/ or reaches a file of no layer', () => {
    const planted = [...importsOf('flow/seq.ts', "import { a } from '../../test/fixtures/certs.js';\n"), ...importsOf('cli/main.ts', "import { b } from '../scratch.js';\n")];
    expect(layerViolations(planted).map((v) => v.reason)).toEqual(['imports from outside src/', 'scratch.ts is in no layer']);
  });
});
