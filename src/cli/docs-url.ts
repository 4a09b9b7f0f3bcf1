/** Where the documentation a check or message cites lives: the copy shipped in the package, as a URL. */

const ROOT = new URL('../../../', import.meta.url);

/** `docs/checks.md#id` as a file: URL of the installed copy (the docs ship in the package). */
export function docsUrl(relative: string): string {
  return new URL(relative, ROOT).href;
}
