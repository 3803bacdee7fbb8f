import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The registry tables written by scripts/generate-registries.ts: pure data (one exported array
 * or object literal each, no function), so every line runs on import and counting them would
 * only raise src/tls's percentage. Found by their "generated … do not edit" first line, so a
 * hand-written file beside them (names.ts) stays measured.
 */
function generatedRegistryTables(): string[] {
  const dir = `${root}src/tls/registry/`;
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ts') && readFileSync(dir + name, 'utf8').startsWith('// generated'))
    .map((name) => `src/tls/registry/${name}`);
}

// Property campaigns run through scripts/fuzz/setup.ts only when the fuzz runner or a saved
// regression's replay asks for it; a plain `npm test` loads fast-check untouched.
const fuzzing = Boolean(process.env['TLSAUTOPSY_FUZZ_SEED'] ?? process.env['TLSAUTOPSY_FUZZ_REPLAY']);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fixture generation runs real TLS handshakes; give it room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: fuzzing ? [`${root}scripts/fuzz/setup.ts`] : [],
    // Used only with --coverage (`npm run coverage`); the summary JSON feeds scripts/coverage-summary.ts.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: generatedRegistryTables(),
      reporter: ['text-summary', 'json-summary', 'html'],
      reportsDirectory: 'coverage',
      // A slow test timing out on a loaded machine should not hide the table.
      reportOnFailure: true,
    },
  },
});
