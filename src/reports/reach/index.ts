import type { ReachResult } from '../../analyses/reach.js';
import { reachCsv } from './csv.js';
import { reachDot } from './dot.js';
import { reachJson } from './json.js';
import { reachMarkdown } from './markdown.js';
import { reachText } from './text.js';
import { reachHtml } from './html.js';
import type { Notes } from '../../analyses/notes.js';

export const REACH_FORMATS = { text: reachText, json: reachJson, csv: reachCsv, md: reachMarkdown, dot: reachDot, html: reachHtml } as const satisfies Record<string, (r: ReachResult, notes?: Notes) => string>;
export type ReachFormat = keyof typeof REACH_FORMATS;
