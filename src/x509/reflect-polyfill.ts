/**
 * `@peculiar/x509` 2.x resolves its services through tsyringe, which refuses to
 * load unless the Reflect metadata API (the `reflect-metadata` proposal) exists.
 * This installs the few functions tsyringe and TypeScript's decorator helpers call
 * (`defineMetadata`, `getMetadata`, `getOwnMetadata`, `hasMetadata`,
 * `hasOwnMetadata`, `metadata`), backed by a WeakMap, and only when no such API is
 * present already — a real polyfill loaded first always wins.
 *
 * Import it before `@peculiar/x509` (./peculiar.ts does so; import that instead).
 */

type MetadataKey = unknown;
type PropertyKeyOrNone = string | symbol | undefined;

const store = new WeakMap<object, Map<PropertyKeyOrNone, Map<MetadataKey, unknown>>>();

function ownMap(target: object, property: PropertyKeyOrNone, create: boolean): Map<MetadataKey, unknown> | undefined {
  let byProperty = store.get(target);
  if (byProperty === undefined) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let map = byProperty.get(property);
  if (map === undefined) {
    if (!create) return undefined;
    map = new Map();
    byProperty.set(property, map);
  }
  return map;
}

function defineMetadata(key: MetadataKey, value: unknown, target: object, property?: string | symbol): void {
  ownMap(target, property, true)?.set(key, value);
}

function hasOwnMetadata(key: MetadataKey, target: object, property?: string | symbol): boolean {
  return ownMap(target, property, false)?.has(key) ?? false;
}

function getOwnMetadata(key: MetadataKey, target: object, property?: string | symbol): unknown {
  return ownMap(target, property, false)?.get(key);
}

function hasMetadata(key: MetadataKey, target: object, property?: string | symbol): boolean {
  // Prototype chains are finite and acyclic, so this walk ends.
  for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
    if (hasOwnMetadata(key, t, property)) return true;
  }
  return false;
}

function getMetadata(key: MetadataKey, target: object, property?: string | symbol): unknown {
  for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
    const map = ownMap(t, property, false);
    if (map?.has(key) === true) return map.get(key);
  }
  return undefined;
}

function metadata(key: MetadataKey, value: unknown): (target: object, property?: string | symbol) => void {
  return (target, property) => defineMetadata(key, value, target, property);
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect['getMetadata'] !== 'function') {
  Object.assign(reflect, { defineMetadata, getMetadata, getOwnMetadata, hasMetadata, hasOwnMetadata, metadata });
}

/** True once the Reflect metadata API is available (always, after this module has run). */
export const reflectMetadataReady = typeof reflect['getMetadata'] === 'function';
