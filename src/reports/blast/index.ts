import type { BlastResult } from '../../analyses/blast.js';
import { blastDot } from './dot.js';
import { blastJson } from './json.js';
import { blastMarkdown } from './markdown.js';
import { blastText } from './text.js';
import { blastHtml } from './html.js';
import type { Notes } from '../../analyses/notes.js';

export const BLAST_FORMATS = { text: blastText, json: blastJson, md: blastMarkdown, dot: blastDot, html: blastHtml } as const satisfies Record<string, (r: BlastResult, notes?: Notes) => string>;
export type BlastFormat = keyof typeof BLAST_FORMATS;
