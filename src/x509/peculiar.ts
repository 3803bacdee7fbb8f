/**
 * The one entry point to `@peculiar/x509` in this project: the library's dependency
 * injection (tsyringe) needs the Reflect metadata API before it loads, and ES modules
 * evaluate imports in order, so `reflect-metadata` is imported first.
 */
import 'reflect-metadata';

export * as x509 from '@peculiar/x509';
