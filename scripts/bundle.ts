/**
 * The build's second step (package.json "build"), after tsc: bundles the command and its worker
 * threads into one file each, so that a run loads three files instead of some two hundred
 * modules. Packages stay external (they load from node_modules as usual).
 *
 * - dist/cli/main.cjs, the command, is CommonJS: bin/tlsautopsy compiles it with V8's code cache
 *   (src/cli/code-cache.ts), which Node offers for scripts only. `import.meta.url` becomes the
 *   file's own URL, so that worker and package paths resolve as they do from an ES module.
 *   tsc's unbundled dist/cli/main.js is removed: nothing runs it, and it would run the command if
 *   imported.
 * - The worker threads' files stay ES modules, bundled in place (Worker loads them by URL).
 */
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'dist', 'cli');

const common: BuildOptions = { bundle: true, platform: 'node', packages: 'external', sourcemap: true, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: [join(cli, 'worker.js'), join(cli, 'split', 'split-worker.js')],
  format: 'esm',
  outdir: cli,
  allowOverwrite: true,
});

await build({
  ...common,
  entryPoints: [join(cli, 'main.js')],
  format: 'cjs',
  outfile: join(cli, 'main.cjs'),
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});
for (const leftover of ['main.js', 'main.js.map', 'main.d.ts']) rmSync(join(cli, leftover), { force: true });
