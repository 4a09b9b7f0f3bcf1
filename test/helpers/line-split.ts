/**
 * The slow reference for splitDocuments (src/sources/k8s/yaml-documents.ts): the stream split into lines,
 * then documents joined back, as first written. The property test checks the offset-walking version against it.
 */
import type { Diagnostic } from '../../src/inventory/types.js';
import type { Chunk } from '../../src/sources/k8s/yaml-documents.js';

const SEPARATOR = /^---/;
const DOCUMENT_END = /^\.\.\.(?:[ \t\r]|$)/;

/**
 * Splits a stream as apimachinery's YAMLReader does: at lines starting `---` followed by nothing or a
 * comment. Another `---` line (`--- !tag`, `--- {}`, `----`) makes kubectl stop reading the file with
 * "invalid Yaml document separator"; so does this, with an error. Within a document go-yaml reads up to
 * `...` and kubectl ignores the rest; so does this, with a warning.
 */
export function lineSplitDocuments(file: string, text: string, diagnostics: Diagnostic[]): Chunk[] {
  const out: Chunk[] = [];
  const all = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
  let start = 0;
  let buf: string[] = [];
  const flush = (): void => {
    const end = buf.findIndex((l) => DOCUMENT_END.test(l));
    if (end >= 0) {
      const rest = buf.slice(end + 1);
      const at = rest.findIndex((l) => !blankOrComment(l));
      if (at >= 0) {
        diagnostics.push({
          severity: 'warning',
          code: 'yaml-ignored',
          message: `content after the document end marker "..." (line ${start + end + 1}) up to the next "---" is ignored, as kubectl ignores it`,
          source: { file, line: start + end + 2 + at },
        });
      }
      buf = buf.slice(0, end);
    }
    if (buf.some((l) => !blankOrComment(l))) out.push({ text: buf.join('\n'), firstLine: start + 1 });
    buf = [];
  };
  for (let i = 0; i < all.length; i++) {
    const l = all[i]!;
    if (SEPARATOR.test(l)) {
      const rest = l.slice(3).trim();
      if (rest !== '' && !rest.startsWith('#')) {
        flush();
        diagnostics.push({
          severity: 'error',
          code: 'yaml-separator',
          message: `invalid document separator "${l.trim().slice(0, 40)}": kubectl stops reading the file here ("invalid Yaml document separator"), so the rest of the file is skipped; put the content on the next line`,
          source: { file, line: i + 1 },
        });
        return out;
      }
      flush();
      start = i + 1;
      continue;
    }
    buf.push(l);
  }
  flush();
  return out;
}

function blankOrComment(l: string): boolean {
  const t = l.trim();
  return t === '' || t.startsWith('#');
}
