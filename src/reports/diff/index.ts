import type { DiffResult } from '../../analyses/diff.js';
import { diffJson } from './json.js';
import { diffMarkdown } from './markdown.js';
import { diffText } from './text.js';
import type { Notes } from '../../analyses/notes.js';

export const DIFF_FORMATS = { text: diffText, json: diffJson, md: diffMarkdown } as const satisfies Record<string, (r: DiffResult, notes?: Notes) => string>;
export type DiffFormat = keyof typeof DIFF_FORMATS;
