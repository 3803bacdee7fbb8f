/**
 * The one entry point to `@peculiar/x509` in this project: it installs the
 * Reflect metadata API that the library needs before the library loads
 * (ES modules evaluate imports in order, so the polyfill runs first).
 */
import './reflect-polyfill.js';

export * as x509 from '@peculiar/x509';
