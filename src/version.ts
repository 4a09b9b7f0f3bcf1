/** The package's version, read from its package.json so that it is written in one place only. */
import { readFileSync } from 'node:fs';

/** The version of this Bulkhead (package.json `version`). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
