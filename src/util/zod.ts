/**
 * zod, loaded on first use. Its load costs about as much as a whole small run, and only runs with an intent
 * or a settings file need it. The CommonJS build, since an ES module cannot be loaded synchronously; every
 * module takes zod from here, so one copy is loaded.
 */
import { createRequire } from 'node:module';
import type * as Zod from 'zod';

const requireCjs = createRequire(import.meta.url);

/** zod's `z`. */
export function zod(): typeof Zod.z {
  return (requireCjs('zod') as typeof Zod).z;
}

/** A value built once, on first call (schemas need zod, so they are made when first needed). */
export function onFirstUse<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= make());
}
