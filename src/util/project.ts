/** Where the project and its documentation live, for links in reports (SARIF helpUri, informationUri). */
export const PROJECT_URL = 'https://github.com/bulkhead-audit/bulkhead';

/** A documentation path of the repository (`docs/checks.md#x`) as a URL people can open. */
export function docsUrl(path: string): string {
  return `${PROJECT_URL}/blob/main/${path}`;
}
