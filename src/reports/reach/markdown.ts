import type { ReachResult } from '../../analyses/reach.js';
import { connText, displayId } from './text.js';
import { mergeOutside } from '../../analyses/outside-merge.js';
import { mdTable } from '../markdown.js';
import { NO_NOTES, type Notes } from '../../analyses/notes.js';
import { notesMarkdown } from '../notes.js';
import { exposureCaveatText, exposureConnsText, exposurePeerText } from '../../analyses/exposure.js';

/** A Markdown table, for pull-request comments and docs. */
export function reachMarkdown(r: ReachResult, notes: Notes = NO_NOTES): string {
  return notesMarkdown(notes) + reachMarkdownBody(r);
}

/** The heading and the one-line summary above the folded table (shared with the streamed writer). */
export function reachMarkdownHead(level: string, count: number): string {
  return `### Bulkhead: what can reach what\n\n**${count}** allowed connection${count === 1 ? '' : 's'} (${level} level).\n\n`;
}

function reachMarkdownBody(result: ReachResult): string {
  const r = mergeOutside(result);
  const show = displayId;
  const head = reachMarkdownHead(r.level, r.connections.length);
  const main = head + (r.connections.length === 0 ? '_No connections allowed._\n' : `<details><summary>Connections</summary>\n\n${mdTable(['src', 'dst', 'conn'], r.connections.map((c) => [show(c.src), show(c.dst), connText(c)]))}\n</details>\n`);
  if (!r.exposure) return main;
  if (r.exposure.items.length === 0) return `${main}\n_No exposure beyond the input${r.exposure.wholeCluster ? ' (the settings say it is the whole cluster)' : ''}._\n`;
  const rows = r.exposure.items.map((e) => (e.direction === 'ingress' ? [exposurePeerText(e.peer), e.endpoint] : [e.endpoint, exposurePeerText(e.peer)]).concat(exposureConnsText(e) + exposureCaveatText(e)));
  return `${main}\n**Exposure beyond the input**\n\n${mdTable(['src', 'dst', 'conn'], rows)}`;
}
