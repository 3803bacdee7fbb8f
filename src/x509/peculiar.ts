/**
 * The one entry point to `@peculiar/x509` in this project, loaded at its first use: with its
 * dependencies it takes ~85–110 ms to load, more than the analysis of a small capture. Plain DER
 * certificates are read without it (`certificate-reader.ts`), so a run loads it only for a
 * certificate that reader leaves to it. Its dependency
 * injection (tsyringe) needs the Reflect metadata API before it loads, so `reflect-metadata`
 * is loaded first. The package's entry is its CommonJS build either way (it has no `exports`
 * map), so loading it with `require` gives the same module an `import` did.
 */
import { createRequire } from 'node:module';
import type * as X509 from '@peculiar/x509';

let loaded: typeof X509 | undefined;

/** The `@peculiar/x509` module (loaded synchronously on the first call). */
export function x509Library(): typeof X509 {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    require('reflect-metadata');
    loaded = require('@peculiar/x509') as typeof X509;
  }
  return loaded;
}
