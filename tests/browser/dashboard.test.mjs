// The dashboard in a real browser: Debian's chromium, driven by playwright-core, against a real
// rehook and an HTTPS sink on loopback (harness.mjs). One scenario, step by step, as a person
// would use it: sign in, create a source, capture webhooks, find, search and open them, replay
// one to a URL, replay a range as a job (to 100 %, and a cancelled one), check destinations,
// resend an event, replay what failed at a destination, the phone layout and keyboard use, sign
// out. Every wait is for a condition, with generous time limits.
//   node dashboard.test.mjs --rehook build/dev/src/rehook [--output DIR]

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { makeCertificates, makeTempDir, onStop, startRehook, startSink, stopAll } from './harness.mjs';
import { checkPhoneLayout, expectHidden, expectText, signIn, sleep, waitUntil } from './steps.mjs';

const { values: options } = parseArgs({
  options: {
    rehook: { type: 'string' },
    output: { type: 'string', default: path.join(path.dirname(new URL(import.meta.url).pathname), 'output') },
    chromium: { type: 'string', default: process.env.REHOOK_CHROMIUM ?? '/usr/bin/chromium' },
  },
});
assert.ok(options.rehook, 'usage: node dashboard.test.mjs --rehook PATH [--output DIR]');

const kWholeTestMs = 8 * 60 * 1000;
const kBulkEvents = 28;
let passed = 0;

async function step(name, body) {
  const started = Date.now();
  await body();
  passed += 1;
  console.log(`ok ${passed} - ${name} (${Date.now() - started} ms)`);
}

// Sends a webhook with curl, as a provider (or someone trying rehook out) would; the body goes
// through stdin so binary bytes arrive exactly.
function capture(url, { body, headers = {} }) {
  const args = ['-sS', '-X', 'POST', '--data-binary', '@-', '-w', '\n%{http_code}', url];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  return new Promise((resolve, reject) => {
    const child = execFile('curl', args, { encoding: 'utf8' }, (error, stdout) => {
      if (error) return reject(error);
      const newline = stdout.lastIndexOf('\n');
      const status = Number(stdout.slice(newline + 1));
      const text = stdout.slice(0, newline);
      try {
        assert.equal(status, 200, `capture answered ${status}: ${text}`);
        resolve(JSON.parse(text).id);
      } catch (failure) {
        reject(failure);
      }
    });
    child.stdin.end(body);
  });
}

async function api(rehook, target) {
  const response = await fetch(`${rehook.url}${target}`, { headers: { 'X-API-Key': rehook.adminKey } });
  assert.equal(response.status, 200, `GET ${target} answered ${response.status}`);
  return response.json();
}

// Follows a link of the main navigation (other links on a page may have the same name).
async function nav(page, name) {
  await page.locator('#nav').getByRole('link', { name, exact: true }).click();
  await expectText(page.locator('h1'), new RegExp(`^${name}$`));
}

async function main() {
  mkdirSync(options.output, { recursive: true });
  const shot = (page, name, fullPage = true) => page.screenshot({ path: path.join(options.output, `${name}.png`), fullPage });
  const dir = makeTempDir();
  const certificates = makeCertificates(dir);
  const sink = await startSink(certificates);
  const rehook = await startRehook({ binary: options.rehook, dir, caFile: certificates.caFile });
  console.log(`rehook at ${rehook.url}, sink at ${sink.url}`);

  const args = ['--disable-dev-shm-usage', '--no-proxy-server'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');  // chromium's sandbox refuses root
  const browser = await chromium.launch({ executablePath: options.chromium, args, timeout: 60000 });
  onStop(() => browser.close());
  // A half-hour offset zone: the from/to fields must convert local time to UTC correctly.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Kolkata' });
  context.setDefaultTimeout(30000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: rehook.url });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });

  try {
    await step('sign-in refuses a wrong key with the API\'s message', async () => {
      await page.goto(rehook.url);
      await signIn(page, 'rhk_not_a_key');
      await expectText(page.getByRole('alert'), /not a valid API key/);
      assert.equal(await page.locator('#nav').isVisible(), false, 'no navigation before signing in');
      assert.equal(await page.getByRole('button', { name: 'Sign out' }).isVisible(), false);
      await shot(page, 'sign-in-desktop');
    });

    await step('signs in with the admin key', async () => {
      await signIn(page, rehook.adminKey);
      await expectText(page.locator('.identity-text'), /super_admin/);
      await expectText(page.locator('h1'), /^Overview$/);
      await expectText(page.locator('main .message'), /No sources or destinations yet/);
    });

    let ingestUrl;
    await step('creates a source and copies its ingest URL', async () => {
      await nav(page, 'Sources');
      await page.getByLabel('Name', { exact: true }).fill('stripe');
      await page.getByRole('button', { name: 'Create source' }).click();
      const urlField = page.locator('main table code.ingest-url');
      await urlField.waitFor();
      ingestUrl = await urlField.textContent();
      assert.match(ingestUrl, /^http:\/\/127\.0\.0\.1:\d+\/in\/src_/);
      await page.getByRole('button', { name: 'Copy the ingest URL of stripe' }).click();
      await expectText(page.getByRole('button', { name: 'Copy the ingest URL of stripe' }), /Copied/);
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), ingestUrl);
    });

    const bulkIds = [];
    let jsonId;
    let binaryId;
    await step('captures webhooks (JSON with hostile text, binary, and a bulk of small ones)', async () => {
      for (let i = 0; i < kBulkEvents; i += 1) {
        bulkIds.push(await capture(`${ingestUrl}/bulk`, { body: JSON.stringify({ n: i }), headers: { 'Content-Type': 'application/json' } }));
      }
      jsonId = await capture(`${ingestUrl}/stripe/charge?live=1&who=%3Cb%3E`, {
        body: JSON.stringify({ type: 'charge.succeeded', amount: 4200, note: '<img src=x onerror="window.pwned=1">' }),
        headers: { 'Content-Type': 'application/json', 'X-Test': '<script>window.pwned=1</script>', 'X-Long-Token': 't'.repeat(300) },
      });
      binaryId = await capture(ingestUrl, {
        body: Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        headers: { 'Content-Type': 'application/octet-stream' },
      });
    });

    await step('lists the events newest first and pages with the cursor', async () => {
      await nav(page, 'Events');
      await page.getByLabel('Per page').selectOption('25');
      await page.getByRole('button', { name: 'Show events' }).click();
      // Captures within one millisecond are ordered by id, so the API says what "newest
      // first" is; the dashboard must show exactly its pages.
      const firstPage = await api(rehook, '/v1/events?limit=25');
      const secondPage = await api(rehook, `/v1/events?limit=25&cursor=${encodeURIComponent(firstPage.next_cursor)}`);
      assert.equal(firstPage.data.length + secondPage.data.length, kBulkEvents + 2);
      const times = [...firstPage.data, ...secondPage.data].map((e) => e.received_at);
      assert.deepEqual(times, [...times].sort().reverse(), 'the API lists newest first');
      const shown = () => page.locator('main table a[href^="#/events/evt_"]').evaluateAll(
        (links) => links.map((link) => link.getAttribute('href').slice('#/events/'.length)));
      const ids = (list) => list.data.map((e) => e.id);
      await waitUntil(async () => JSON.stringify(await shown()) === JSON.stringify(ids(firstPage)), 'the first page');
      await shot(page, 'events-desktop', false);
      await page.getByRole('button', { name: 'Older →' }).click();
      await waitUntil(async () => JSON.stringify(await shown()) === JSON.stringify(ids(secondPage)), 'the second page');
      assert.equal(await page.getByRole('button', { name: 'Older →' }).count(), 0, 'no page after the last');
      await page.getByRole('button', { name: '← Newer' }).click();
      await waitUntil(async () => JSON.stringify(await shown()) === JSON.stringify(ids(firstPage)), 'the first page again');
    });

    await step('filters events by source and time range (local time to UTC)', async () => {
      await page.getByLabel('Source', { exact: true }).selectOption({ index: 1 });
      await page.getByLabel('From', { exact: true }).fill('2020-01-01T00:00');
      await page.getByLabel('To', { exact: true }).fill('2020-01-02T00:00');
      await page.getByRole('button', { name: 'Show events' }).click();
      await expectText(page.locator('main .message'), /No event matches this filter/);
      const hash = decodeURIComponent(await page.evaluate(() => window.location.hash));
      assert.match(hash, /from=2019-12-31T18:30:00\.000Z/);  // 00:00 in Kolkata (UTC+05:30)
      assert.match(hash, /source_id=src_/);
      await page.getByLabel('To', { exact: true }).fill('2099-01-01T00:00');
      await page.getByRole('button', { name: 'Show events' }).click();
      await page.locator(`a[href="#/events/${jsonId}"]`).waitFor();
    });

    await step('searches events by body text and by a filter', async () => {
      await page.getByRole('button', { name: 'Clear filter' }).click();
      await page.getByLabel('Body contains').fill('charge.succeeded');
      await page.getByRole('button', { name: 'Show events' }).click();
      const shown = () => page.locator('main table a[href^="#/events/evt_"]').evaluateAll(
        (links) => links.map((link) => link.getAttribute('href').slice('#/events/'.length)));
      await waitUntil(async () => JSON.stringify(await shown()) === JSON.stringify([jsonId]), 'only the event whose body has the text');

      const filter = '{"body": {"n": {"$gte": 25}}}';
      await page.getByLabel('Body contains').fill('');
      await page.getByLabel('Filter (JSON)').fill(filter);
      await page.getByRole('button', { name: 'Show events' }).click();
      const matching = await api(rehook, `/v1/events?filter=${encodeURIComponent(filter)}`);
      assert.deepEqual(matching.data.map((e) => e.id), bulkIds.slice(25).reverse(), 'the API finds n = 25, 26, 27, newest first');
      await waitUntil(async () => JSON.stringify(await shown()) === JSON.stringify(bulkIds.slice(25).reverse()), 'the events the filter matches');
      assert.match(decodeURIComponent(await page.evaluate(() => window.location.hash)), /filter=\{"body"/);

      await page.getByLabel('Filter (JSON)').fill('{"body": {"n": {"$bogus": 1}}}');
      await page.getByRole('button', { name: 'Show events' }).click();
      await expectText(page.getByRole('alert'), /filter/);
      await page.getByRole('button', { name: 'Clear filter' }).click();
      await page.locator(`a[href="#/events/${jsonId}"]`).waitFor();
    });

    await step('shows an event: headers, query and pretty JSON, all escaped', async () => {
      await page.locator(`a[href="#/events/${jsonId}"]`).click();
      await expectText(page.locator('h1'), new RegExp(jsonId));
      await expectText(page.locator('#body-heading'), /JSON/);
      await expectText(page.locator('pre.body-json'), /\n {2}"type": "charge\.succeeded",/);
      await expectText(page.locator('main table'), /<script>window\.pwned=1<\/script>/);
      await expectText(page.locator('#query-heading + pre'), /^live=1&who=%3Cb%3E$/);
      assert.equal(await page.locator('main script, main img').count(), 0);
      assert.equal(await page.evaluate(() => window.pwned), undefined);
      await shot(page, 'event-detail-desktop');
    });

    await step('replays the event to a URL and shows status code and time', async () => {
      await page.getByLabel('Target URL').fill(`${sink.url}/replayed`);
      await page.getByRole('button', { name: 'Replay', exact: true }).click();
      await expectText(page.locator('main .feedback'), /HTTP 200 · \d+ ms · succeeded/);
      const replayed = sink.requests.find((r) => r.url === '/replayed?live=1&who=%3Cb%3E');
      assert.ok(replayed, `the sink got: ${sink.requests.map((r) => r.url).join(', ')}`);
      assert.equal(replayed.headers['x-rehook-replay'], '1');
      assert.equal(replayed.headers['x-rehook-original-request-id'], jsonId);
      await expectText(page.locator('main section:has(#replay-heading) table'), /\/replayed/);

      await page.getByLabel('Target URL').fill(`${sink.url}/fail`);
      await page.getByRole('button', { name: 'Replay', exact: true }).click();
      await expectText(page.locator('main .feedback'), /HTTP 500 · \d+ ms · failed/);
      await page.getByLabel('Target URL').fill('https://127.0.0.1:1/closed');
      await page.getByRole('button', { name: 'Replay', exact: true }).click();
      await expectText(page.locator('main .feedback'), /No response · failed · .*refused/i);
      await page.getByLabel('Target URL').fill('http://example.com/plain');
      await page.getByRole('button', { name: 'Replay', exact: true }).click();
      await expectText(page.locator('main .feedback [role=alert]'), /target_url/);
    });

    await step('shows a binary body as a hex dump', async () => {
      await page.goto(`${rehook.url}/#/events/${binaryId}`);
      await expectText(page.locator('#body-heading'), /Binary/);
      await expectText(page.locator('pre.body-binary'), /^00000000 {2}00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f {2}\.{16}\n/);
      await expectText(page.locator('pre.body-binary'), /00000040 {2}40 41 42 .* {2}@ABCDEFGHIJKLMNO/);
    });

    let destinationId;
    await step('creates a destination and shows its circuit state', async () => {
      await nav(page, 'Destinations');
      await page.getByLabel('Name', { exact: true }).fill('sink');
      await page.getByLabel('URL', { exact: true }).fill(`${sink.url}/dest`);
      await page.getByRole('button', { name: 'Create destination' }).click();
      await expectText(page.locator('main table'), /sink/);
      await expectText(page.locator('main table .circuit'), /Closed/);
      const list = await api(rehook, '/v1/destinations');
      destinationId = list.data[0].id;
    });

    let jobId;
    await step('counts a range, starts a replay job and watches it reach 100 %', async () => {
      await nav(page, 'Replay');
      await page.getByLabel('Destination', { exact: true }).selectOption(destinationId);
      await page.getByLabel('Rate limit (events per second)').fill('10');
      await page.getByRole('button', { name: 'Count events' }).click();
      await expectText(page.locator('main .feedback'), new RegExp(`${kBulkEvents + 2} events would be replayed`));
      await page.getByRole('button', { name: 'Start replay' }).click();
      await expectText(page.locator('h1'), /Replay job job_/);
      jobId = (await page.locator('h1 .mono').textContent()).trim();
      await expectText(page.locator('.status-line'), /completed/, 120000);
      await expectText(page.locator('.progress-percent'), /^100 %$/);
      await expectText(page.locator('[data-counter=processed]'), new RegExp(`^${kBulkEvents + 2} / ${kBulkEvents + 2}$`));
      const bar = page.locator('progress');
      assert.equal(await bar.evaluate((el) => el.value === el.max), true);
      assert.equal(sink.requests.filter((r) => r.headers['x-rehook-replay-job-id'] === jobId).length, kBulkEvents + 2);
      await expectHidden(page.getByRole('button', { name: 'Cancel job' }));
      await shot(page, 'replay-job-completed-desktop');
    });

    await step('cancels a running replay job', async () => {
      await page.getByRole('link', { name: '← Replay', exact: true }).click();
      await expectText(page.locator('main table'), new RegExp(jobId));
      await page.getByLabel('Destination', { exact: true }).selectOption(destinationId);
      await page.getByLabel('Rate limit (events per second)').fill('1');
      await page.getByRole('button', { name: 'Start replay' }).click();
      await page.getByRole('button', { name: 'Cancel job' }).click();
      await expectText(page.locator('.status-line'), /cancelled/);
      await expectText(page.locator('main .feedback'), /cancelled/);
      await expectHidden(page.getByRole('button', { name: 'Cancel job' }));
    });

    await step('shows the event\'s delivery attempts, replay job included', async () => {
      await page.goto(`${rehook.url}/#/events/${jsonId}`);
      await expectText(page.locator('#deliveries-heading'), /Delivery attempts \([12]\)/);
      await expectText(page.locator('section:has(#deliveries-heading) table'), new RegExp(jobId));
    });

    await step('resends an event to a destination, and shows the failure', async () => {
      sink.failing.add('/dest');
      await page.getByRole('button', { name: 'Resend to sink' }).click();
      await expectText(page.locator('section:has(#resend-heading) .feedback'), /Resent to sink: HTTP 500 · \d+ ms · failed/);
      await expectText(page.locator('section:has(#deliveries-heading) table'), /resent by hand/);
      await shot(page, 'event-resend-desktop');
      const resent = sink.requests.filter((r) => r.url === '/dest' && r.headers['x-rehook-event-id'] === jsonId && !r.headers['x-rehook-replay']);
      assert.equal(resent.length, 1, 'one resend, built as forwarding builds it (no replay marks)');
      const attempts = await api(rehook, `/v1/events/${jsonId}/deliveries`);
      assert.equal(attempts.data.at(-1).trigger, 'manual');
      assert.equal(attempts.data.at(-1).success, false);
    });

    await step('replays what failed at a destination, counted first', async () => {
      sink.failing.delete('/dest');
      await nav(page, 'Destinations');
      await page.getByRole('link', { name: 'sink', exact: true }).click();
      await expectText(page.locator('h1'), /^Destination sink$/);
      await page.getByRole('button', { name: 'Count failed events' }).click();
      await expectText(page.locator('form .feedback'), /^1 event whose latest attempt here failed/);
      await shot(page, 'destination-recover-desktop');
      await page.getByRole('button', { name: 'Replay 1 event' }).click();
      await expectText(page.locator('h1'), /Replay job job_/);
      const recoveryJob = (await page.locator('h1 .mono').textContent()).trim();
      await expectText(page.locator('.status-line'), /completed/, 120000);
      await expectText(page.locator('[data-counter=processed]'), /^1 \/ 1$/);
      const replayed = sink.requests.filter((r) => r.headers['x-rehook-replay-job-id'] === recoveryJob);
      assert.deepEqual(replayed.map((r) => r.headers['x-rehook-original-event-id']), [jsonId]);

      await page.goto(`${rehook.url}/#/destinations/${destinationId}`);
      await page.getByRole('button', { name: 'Count failed events' }).click();
      await expectText(page.locator('form .feedback'), /No event whose latest attempt here failed since then/);
    });

    await step('turns Live on: new events appear at the top as they arrive, filter applied', async () => {
      await nav(page, 'Events');
      const filter = '{"body": {"live": true}}';
      await page.getByLabel('Filter (JSON)').fill(filter);
      await page.getByRole('button', { name: 'Show events' }).click();
      await expectText(page.locator('main .message'), /No event matches this filter/);
      await page.getByRole('checkbox', { name: 'Live' }).check();
      await expectText(page.getByRole('status').filter({ hasText: 'Live:' }), /Live: new events appear/);
      const first = await capture(`${ingestUrl}/live`, { body: JSON.stringify({ live: true, n: 1 }), headers: { 'Content-Type': 'application/json' } });
      await capture(`${ingestUrl}/live`, { body: JSON.stringify({ live: false }), headers: { 'Content-Type': 'application/json' } });
      const second = await capture(`${ingestUrl}/live`, { body: JSON.stringify({ live: true, n: 2 }), headers: { 'Content-Type': 'application/json' } });
      const shown = () => page.locator('main table a[href^="#/events/evt_"]').evaluateAll(
        (links) => links.map((link) => link.getAttribute('href').slice('#/events/'.length)));
      await waitUntil(async () => JSON.stringify(await shown()) === JSON.stringify([second, first]), 'the two matching events, newest on top, without a reload');
      await expectText(page.getByRole('status').filter({ hasText: 'Live:' }), /2 new events/);
      assert.match(await page.evaluate(() => window.location.hash), /live=1/);
      await page.getByRole('checkbox', { name: 'Live' }).uncheck();
      await page.getByRole('button', { name: 'Clear filter' }).click();
      await page.locator(`a[href="#/events/${jsonId}"]`).waitFor();
    });

    await step('writes a transformation, tests it against an event, and a connection delivers through it', async () => {
      await nav(page, 'Transformations');
      await expectText(page.locator('main .message'), /No transformations yet/);
      await page.getByRole('link', { name: 'New transformation' }).click();
      await expectText(page.locator('h1'), /^New transformation$/);
      await page.getByLabel('Name', { exact: true }).fill('rename');
      const code = [
        'function transform(request, context) {',
        '  console.log("event", context.event_id);',
        '  const { amount, ...rest } = request.body;',
        '  request.body = { ...rest, amount_cents: amount };',
        "  request.headers['x-shop'] = 'transformed';",
        '  return request;',
        '}',
      ].join('\n');
      await page.getByLabel('Code', { exact: true }).fill(code);
      await page.getByRole('button', { name: 'Create transformation' }).click();
      await expectText(page.locator('h1'), /^Transformation rename$/);
      const transformationId = (await api(rehook, '/v1/transformations')).data[0].id;

      // The test runs the code in the editor against a stored event, shown beside it.
      await page.getByLabel('Event', { exact: true }).fill(jsonId);
      await page.getByRole('button', { name: 'Run test' }).click();
      await expectText(page.getByTestId('test-request'), /"amount_cents": 4200/);
      await expectText(page.getByTestId('test-request'), /"x-shop": "transformed"/);
      await expectText(page.getByTestId('test-logs'), new RegExp(`event ${jsonId}`));
      await shot(page, 'transformation-editor-desktop');

      // A broken edit shows the engine's error, without saving anything.
      await page.getByLabel('Code', { exact: true }).fill('function transform(r) {\n  throw new Error("no amount");\n}');
      await page.getByRole('button', { name: 'Run test' }).click();
      await expectText(page.locator('.test-result .message'), /Failed: Error: no amount \(line 2\)/);
      await page.getByLabel('Code', { exact: true }).fill(code);

      // A connection to the destination picks it on the destination's page.
      const sourceId = ingestUrl.split('/in/')[1];
      const created = await fetch(`${rehook.url}/v1/connections`, {
        method: 'POST',
        headers: { 'X-API-Key': rehook.adminKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ source_id: sourceId, destination_id: destinationId, filter: { path: '/shaped' } }),
      });
      assert.equal(created.status, 201);
      await page.goto(`${rehook.url}/#/destinations/${destinationId}`);
      const picker = page.getByRole('combobox', { name: /^Transformation of connection con_/ });
      await picker.selectOption(transformationId);
      await expectText(page.locator('section:has(#connections-heading) .feedback'), /through the transformation/);
      await shot(page, 'destination-connections-desktop');
      await capture(`${ingestUrl}/shaped`, { body: JSON.stringify({ amount: 7, id: 'o_9' }), headers: { 'Content-Type': 'application/json' } });
      await waitUntil(async () => sink.requests.some((r) => r.url === '/dest' && r.headers['x-shop'] === 'transformed'), 'the transformed delivery at the sink');
      const delivered = sink.requests.find((r) => r.url === '/dest' && r.headers['x-shop'] === 'transformed');
      assert.equal(delivered.body.toString(), '{"id":"o_9","amount_cents":7}');
    });

    await step('the overview charts traffic as the API counts it, and a destination its own', async () => {
      await nav(page, 'Overview');
      const sourceId = ingestUrl.split('/in/')[1];
      const drawn = async (chart, series) => page.locator(`figure[data-chart="${chart}"] g[data-series="${series}"] circle`)
        .evaluateAll((circles) => circles.map((c) => [c.getAttribute('data-t'), Number(c.getAttribute('data-value'))]));
      const byMinute = 'Events per minute by source';
      await page.locator(`figure[data-chart="${byMinute}"]`).waitFor();
      const points = await drawn(byMinute, 'stripe');
      assert.equal(points.length, 60, 'the last hour, a point a minute');
      const stats = await api(rehook, `/v1/stats?bucket=minute&source_id=${sourceId}&from=${encodeURIComponent(points[0][0])}&to=${encodeURIComponent(points.at(-1)[0])}`);
      assert.deepEqual(points, stats.data.map((p) => [p.t, p.captured]), 'each point is the API\'s count of its minute');
      assert.ok(points.reduce((sum, [, n]) => sum + n, 0) >= kBulkEvents + 2, 'every capture of this test is counted');
      await page.locator('figure[data-chart="Success rate by destination"] g[data-series="sink"] circle').first().waitFor();
      await page.locator('figure[data-chart="p95 response time by destination"] g[data-series="sink"] circle').first().waitFor();
      await expectText(page.locator('[data-total="Captured"]'), /^\d+$/);
      await shot(page, 'overview-desktop');

      await page.goto(`${rehook.url}/#/destinations/${destinationId}`);
      await page.locator('figure[data-chart="Attempts"] g[data-series="delivered"] circle').first().waitFor();
      await waitUntil(async () => {
        const delivered = await drawn('Attempts', 'delivered');
        const api24 = await api(rehook, `/v1/stats?bucket=hour&destination_id=${destinationId}&from=${encodeURIComponent(delivered[0][0])}&to=${encodeURIComponent(delivered.at(-1)[0])}`);
        return JSON.stringify(delivered) === JSON.stringify(api24.data.map((p) => [p.t, p.delivered]));
      }, 'the destination\'s chart shows the API\'s hourly deliveries');
      await page.locator('section:has(#traffic-heading)').scrollIntoViewIfNeeded();
      await shot(page, 'destination-charts-desktop', false);
    });

    await step('sets a destination to disable itself after failing, and an admin adds and deletes a notification channel', async () => {
      await page.goto(`${rehook.url}/#/destinations/${destinationId}`);
      await page.getByLabel('Disable after (hours of failing)').fill('48');
      await page.getByRole('button', { name: 'Save' }).click();
      await expectText(page.locator('dl.summary'), /after 48 hours of failing deliveries/);
      const saved = await api(rehook, `/v1/destinations/${destinationId}`);
      assert.equal(saved.disable_after_hours, 48);

      await nav(page, 'Notifications');
      await page.getByLabel('URL', { exact: true }).fill('https://hooks.slack.example.com/services/T0/B0/x');
      await page.getByLabel('Format').selectOption('slack');
      await page.getByLabel(/A replay job completed/).check();
      await page.getByRole('button', { name: 'Add channel' }).click();
      await expectText(page.locator('main table'), /hooks\.slack\.example\.com/);
      const channels = await api(rehook, '/v1/notifications');
      assert.equal(channels.data.length, 1);
      assert.equal(channels.data[0].format, 'slack');
      assert.deepEqual(channels.data[0].events, ['destination.circuit_opened', 'destination.circuit_closed',
        'destination.disabled', 'replay.completed']);
      await shot(page, 'notifications-desktop');
      await page.getByRole('button', { name: /Delete channel/ }).click();
      await expectText(page.locator('main'), /No channels yet/);
      assert.equal((await api(rehook, '/v1/notifications')).data.length, 0);
    });

    await step('fits a phone screen (390 px) without sideways scrolling', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      for (const [name, hash, ready] of [
        ['overview', '#/overview', 'figure.chart'],
        ['events', '#/events', 'main table'],
        ['event-json', `#/events/${jsonId}`, 'pre.body-json'],
        ['event-binary', `#/events/${binaryId}`, 'pre.body-binary'],
        ['sources', '#/sources', 'main table'],
        ['replay', '#/replay', 'main table'],
        ['replay-job', `#/replay/${jobId}`, 'progress'],
        ['destinations', '#/destinations', 'main table'],
        ['destination', `#/destinations/${destinationId}`, 'main form'],
        ['notifications', '#/notifications', 'main form'],
      ]) {
        await page.goto(`${rehook.url}/${hash}`);
        await page.locator(ready).first().waitFor();
        await checkPhoneLayout(page, name);
        await shot(page, `phone-${name}`, false);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    await step('is usable from the keyboard with a visible focus', async () => {
      await page.goto('about:blank');  // a fresh load: focus starts at the top of the page
      await page.goto(`${rehook.url}/#/events`);
      await page.locator('main table').waitFor();
      let reached = false;
      for (let i = 0; i < 12 && !reached; i += 1) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.textContent === 'Sources');
      }
      assert.ok(reached, 'Tab reaches the Sources link');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, 'none', 'the focused link shows a focus outline');
      await page.keyboard.press('Enter');
      await expectText(page.locator('h1'), /^Sources$/);
    });

    await step('signs out and the session no longer works', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expectText(page.locator('h1'), /Sign in to rehook/);
      await expectText(page.locator('main .message'), /signed out/);
      const status = await page.evaluate(async () => (await fetch('/v1/auth/me')).status);
      assert.equal(status, 401);
    });

    assert.deepEqual(problems, [], 'no script errors and no Content-Security-Policy violations');
  } catch (error) {
    await shot(page, 'failure').catch(() => {});
    console.error(`rehook log tail:\n${rehook.logs().split('\n').slice(-30).join('\n')}`);
    throw error;
  }
}

const watchdog = setTimeout(() => {
  console.error(`the browser test did not finish in ${kWholeTestMs / 1000} s`);
  stopAll().finally(() => process.exit(1));
}, kWholeTestMs);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => stopAll().finally(() => process.exit(1)));
}

let failed = 0;
try {
  await main();
} catch (error) {
  failed = 1;
  console.error(`not ok ${passed + 1} - ${error.stack ?? error}`);
} finally {
  await stopAll();
  clearTimeout(watchdog);
}
console.log(`browser: ${passed} passed, ${failed} failed`);
await sleep(0);
process.exit(failed ? 1 : 0);
