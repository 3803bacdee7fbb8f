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
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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

// esbuild escapes what is not ASCII in strings and names, not in comments and regular
// expressions. Escaped there too (the same characters to JavaScript), the command's source is
// ASCII, which Node decodes about three times as fast as UTF-8 text at every start (2.1 -> 0.7 ms).
// A character after a backslash would change meaning (an escape of its own in a regular
// expression), so the build stops on one.
const command = join(cli, 'main.cjs');
const source = readFileSync(command, 'utf8');
const escaped = /\\[^\x00-\x7f]/u.exec(source);
if (escaped !== null) throw new Error(`dist/cli/main.cjs has a backslash before a non-ASCII character at ${escaped.index}; write it as \\uXXXX in the source.`);
const unitEscapes = (c: string): string => Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
writeFileSync(command, source.replace(/[^\x00-\x7f]/gu, unitEscapes));
