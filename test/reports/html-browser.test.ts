/**
 * The HTML report in a real browser (Debian's chromium driven by playwright-core): the page loads with
 * no network request, the map draws, clicking an edge shows its explanation with the rule and its
 * file:line, the port filter hides what does not match, and a screenshot is taken. Skips, saying why,
 * when chromium is absent (scripts/install-test-deps.sh installs it). BULKHEAD_SCREENSHOT=path keeps
 * the audit page's screenshot (the README's docs/img/map.png is made so).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../helpers/run-cli.js';

const CHROMIUM = process.env['BULKHEAD_CHROMIUM'] ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no chromium at ${CHROMIUM} (scripts/install-test-deps.sh installs Debian's)`;
if (skip) console.log(`# skipping the browser test: ${skip}`);
const DIR = mkdtempSync(join(tmpdir(), 'bulkhead-html-'));

interface Shown {
  title: string;
  text: string;
}

async function withPage<T>(file: string, f: (page: import('playwright-core').Page, requests: string[]) => Promise<T>): Promise<T> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // A step that hangs fails with its name instead of stalling the suite.
    page.setDefaultTimeout(20_000);
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => (window as unknown as { bulkhead?: unknown }).bulkhead !== undefined, undefined, { timeout: 30_000 });
    assert.deepEqual(errors, [], 'no script error');
    return await f(page, requests);
  } finally {
    await Promise.race([browser.close(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  }
}

function write(name: string, args: readonly string[]): string {
  const r = runCli([...args, '-q']);
  assert.equal(r.code, 0, r.stderr);
  const file = join(DIR, name);
  writeFileSync(file, r.stdout);
  return file;
}

test('html (browser): reach map of the shop, click an edge, read why, filter by port, screenshot', { skip, timeout: 120_000 }, async () => {
  const file = write('reach.html', ['reach', 'examples/shop', '--format', 'html']);
  await withPage(file, async (page, requests) => {
    const drawn = await page.evaluate(() => {
      const cy = (window as any).bulkhead.cy;
      return { nodes: cy.nodes().length, edges: cy.edges().length };
    });
    assert.ok(drawn.nodes > 10 && drawn.edges > 20, JSON.stringify(drawn));
    // Click the dev api -> prod postgres edge where it is drawn.
    const at = await page.evaluate(() => {
      const cy = (window as any).bulkhead.cy;
      const e = cy.edges().filter((x: any) => x.data('source') === 'shop-dev/api[Deployment]' && x.data('target') === 'shop-prod/postgres[StatefulSet]')[0];
      const box = document.getElementById('map')!.getBoundingClientRect();
      const p = e.renderedMidpoint();
      return { x: box.left + p.x, y: box.top + p.y, id: e.id() };
    });
    await page.mouse.click(at.x, at.y);
    let shown: Shown = await page.evaluate(() => ({ title: document.getElementById('explanation-title')!.textContent!, text: document.getElementById('explanation')!.textContent! }));
    assert.notEqual(shown.title, 'Click an edge for why it is open.', 'a click on the map shows what was clicked');
    const selected = await page.evaluate(() => (window as any).bulkhead.cy.$('edge:selected').map((x: any) => x.id()));
    if (!selected.includes(at.id)) {
      // Another edge was drawn over it at that point: select ours through cytoscape.
      await page.evaluate((id) => (window as any).bulkhead.cy.getElementById(id).emit('tap'), at.id);
      shown = await page.evaluate(() => ({ title: document.getElementById('explanation-title')!.textContent!, text: document.getElementById('explanation')!.textContent! }));
    }
    assert.match(shown.title, /^shop-dev\/api\[Deployment\] => shop-prod\/postgres\[StatefulSet\]: TCP 5432/);
    assert.match(shown.text, /ALLOWED \(TCP 5432\)/);
    assert.match(shown.text, /shop-prod\/postgres ingress rule #1 \(examples\/shop\/prod-policies\.yaml:89\)/);
    await page.fill('#filter-port', '8443');
    const visible = await page.evaluate(() => (window as any).bulkhead.cy.edges().filter((x: any) => !x.hasClass('hidden')).map((x: any) => x.data('label')));
    assert.ok(visible.length > 0 && visible.every((l: string) => /8443|All Connections/.test(l)), JSON.stringify(visible));
    await page.fill('#filter-port', '');
    await page.evaluate((id) => (window as any).bulkhead.cy.getElementById(id).select(), at.id);
    const shot = join(DIR, 'reach.png');
    await page.screenshot({ path: shot, fullPage: false });
    assert.ok(statSync(shot).size > 20_000, 'a screenshot with something on it');
    assert.deepEqual(requests, [], 'no network request');
  });
});

test('html (browser): audit and blast pages load, draw and explain', { skip, timeout: 120_000 }, async () => {
  const audit = write('audit.html', ['audit', 'examples/shop', '--format', 'html']);
  await withPage(audit, async (page, requests) => {
    const r = await page.evaluate(() => {
      const b = (window as any).bulkhead;
      const never = b.cy.edges().filter((x: any) => x.data('status') === 'never');
      const pick = never.filter((x: any) => x.data('source') === 'shop-dev/api[Deployment]' && x.data('target') === 'shop-prod/postgres[StatefulSet]');
      (pick.length ? pick : never)[0].select().emit('tap');
      return { never: never.length, text: document.getElementById('explanation')!.textContent!, findings: document.querySelectorAll('#findings tbody tr').length };
    });
    assert.ok(r.never > 0, 'edges the invariants forbid are marked');
    assert.match(r.text, /never/);
    assert.ok(r.findings > 10);
    assert.deepEqual(requests, []);
    const shot = process.env['BULKHEAD_SCREENSHOT'] ?? join(DIR, 'audit.png');
    await page.screenshot({ path: shot });
    assert.ok(statSync(shot).size > 20_000);
  });
  const blastFile = write('blast.html', ['blast', 'examples/shop', '--from', 'shop-prod/frontend', '--intent', 'examples/shop/bulkhead.yaml', '--format', 'html']);
  await withPage(blastFile, async (page) => {
    const r = await page.evaluate(() => {
      const b = (window as any).bulkhead;
      b.cy.edges()[0].emit('tap');
      return { start: b.cy.nodes('.start').length, text: document.getElementById('explanation')!.textContent!, paths: document.querySelectorAll('#paths tbody tr').length };
    });
    assert.equal(r.start, 1);
    assert.match(r.text, /egress: /);
    assert.ok(r.paths > 0);
  });
});
