import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { fmt, fmtMs } from '../../src/advisor/format.js';
import { AdviceSchema, type Advice } from '../../src/advisor/advice.js';
import { EXAMPLE_PROFILE } from '../../src/advisor/profile.js';
import { startApp } from '../helpers/app.js';
import { servedDocument } from '../helpers/openapi-document.js';

// Debian's chromium, installed by scripts/install-browser.sh (npm's pretest): Playwright cannot download its own here.
const CHROMIUM = '/usr/bin/chromium';
// Without the networking flags chromium keeps dialling Google's hosts, which this machine's closed network refuses.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
// Git-ignored (artifacts/): pictures of what a person sees, for looking at, not for comparing.
const ARTIFACTS = new URL('../../../artifacts/', import.meta.url);
const artifact = (name: string) => fileURLToPath(new URL(name, ARTIFACTS));
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let ctx: Awaited<ReturnType<typeof startApp>>;
let browser: Browser | undefined;
let origin: string;
/** Every console error, uncaught exception and content-security-policy refusal, by page. */
const problems: string[] = [];

before(async () => {
  ctx = await startApp({ maxEventLoopDelayMs: 0, jobs: { startPools: true } });
  origin = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  await mkdir(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await ctx?.app.close();
});

async function openPage(viewport: { width: number; height: number }): Promise<Page> {
  // Fail, not skip: a skipped test would let the suite pass without the page ever being opened.
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run \`bash scripts/install-browser.sh\` (npm test does, as its pretest)`);
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${page.url()}: console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  return page;
}

/** What the chart draws, read from Chart.js itself. */
async function chartData(page: Page): Promise<{ labels: string[][]; datasets: { label: string; data: number[] }[] }> {
  return page.evaluate(() => {
    const chart = (globalThis as any).Chart.getChart(document.getElementById('chart'));
    return { labels: chart.data.labels, datasets: chart.data.datasets.map((d: any) => ({ label: d.label, data: d.data })) };
  });
}

describe('the page at / in a real browser', () => {
  test('the README profile typed into the form gets POST /advise\'s answer, a bar per model, a sample, and a link that shares it', { timeout: 120_000 }, async () => {
    const expected: Advice = AdviceSchema.parse((await ctx.http.post('/advise').send(EXAMPLE_PROFILE).expect(200)).body);
    const page = await openPage(DESKTOP);
    await page.goto(`${origin}/`);
    await page.waitForSelector('body[data-ready]');

    await page.getByLabel('Tasks', { exact: true }).fill(String(EXAMPLE_PROFILE.tasks));
    await page.getByLabel('CPU per task (ms)').fill(String(EXAMPLE_PROFILE.cpuMsPerTask));
    await page.getByLabel('Wait per task (ms)').fill(String(EXAMPLE_PROFILE.waitMsPerTask));
    await page.getByLabel('Cores', { exact: true }).fill(String(EXAMPLE_PROFILE.cores));
    const [request, response] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/advise'),
      page.waitForResponse((r) => new URL(r.url()).pathname === '/advise'),
      page.getByRole('button', { name: 'Advise' }).click(),
    ]);
    assert.deepEqual(request.postDataJSON(), EXAMPLE_PROFILE, 'the form sends exactly the profile typed');
    assert.deepEqual(await response.json(), expected);
    await page.waitForSelector('#answer:not([hidden])');
    await page.screenshot({ path: artifact('page-answer-desktop.png'), fullPage: true });

    const r = expected.recommendation;
    const headline = await page.locator('#headline').innerText();
    assert.ok(headline.includes(`Use ${r.model} `), headline);
    assert.ok(headline.includes(`predicted ${fmtMs(r.predictedWallMs)}, ${fmt(r.predictedSpeedup)}× faster`), headline);
    const chart = await chartData(page);
    assert.equal(chart.datasets.length, 1);
    assert.deepEqual(chart.datasets[0]!.data, expected.estimates.map((e) => e.predictedWallMs), 'one bar per estimate, its predicted time');
    assert.deepEqual(chart.labels.map((label) => label[0]), expected.estimates.map((e) => e.model));
    assert.deepEqual(chart.labels.filter((label) => label.includes('(recommended)')).map((label) => label[0]), [r.model]);
    assert.equal(await page.locator('#estimates tbody tr').count(), expected.estimates.length);
    assert.equal(await page.locator('#practices dd').count(), expected.practices.length);
    assert.equal(await page.locator('#snippet').textContent(), expected.snippet.code);
    assert.ok((await page.locator('#snippet span[class^="hljs-"]').count()) > 0, 'the snippet is highlighted');

    const [compare] = await Promise.all([
      page.waitForResponse((res) => new URL(res.url()).pathname === '/jobs/compare', { timeout: 90_000 }),
      page.getByRole('button', { name: 'Run a sample' }).click(),
    ]);
    assert.equal(compare.status(), 200, await compare.text());
    const measured = (await compare.json()) as { rows: { measuredWallMs: number; predictedWallMs: number }[]; recommendedRan: boolean; agree: boolean };
    await page.waitForSelector('#sample-result:not([hidden])');
    await page.screenshot({ path: artifact('page-sample-desktop.png'), fullPage: true });
    const sampleChart = await chartData(page);
    assert.deepEqual(sampleChart.datasets.map((d) => d.label), ['predicted', 'measured']);
    assert.deepEqual(sampleChart.datasets[1]!.data, measured.rows.map((row) => row.measuredWallMs), 'a measured bar per model');
    assert.deepEqual(sampleChart.datasets[0]!.data, measured.rows.map((row) => row.predictedWallMs));
    // A recommended kind no sample pool runs (a hybrid of event loops) is said to be unmeasured, never a disagreement.
    assert.match(
      await page.locator('#verdict').innerText(),
      !measured.recommendedRan
        ? /^Not measured: the recommended \w+ for this sample is a kind no sample pool runs/
        : measured.agree
          ? /^Agree: .*"Agree" means the recommended model measured within 10% of the fastest\.$/
          : /^Disagree: .*"Agree" means the recommended model measured within 10% of the fastest\.$/,
    );
    assert.match(await page.locator('#error-sign').innerText(), /positive when the model expected a longer run than was measured/);

    // The address holds the profile: opened anew (at phone width), it gives the same answer.
    const link = await page.locator('#share-link').getAttribute('href');
    assert.ok(link?.startsWith('/?'), String(link));
    const phone = await openPage(PHONE);
    await phone.goto(`${origin}${link}`);
    await phone.waitForSelector('#answer:not([hidden])');
    await phone.screenshot({ path: artifact('page-answer-phone.png'), fullPage: true });
    assert.equal(await phone.locator('#headline').innerText(), headline);
    assert.deepEqual((await chartData(phone)).datasets[0]!.data, chart.datasets[0]!.data);
    assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth), PHONE.width, 'nothing is wider than the phone');
    assert.deepEqual(problems, []);
  });

  test('the form has a field for every profile field but those left to the API, and a link is sent whole or its leftovers named', async () => {
    const page = await openPage(DESKTOP);
    const before = problems.length;
    const schema = (await ctx.http.get('/profile-form.json').expect(200)).body.profile;
    // name is a label for scripts; costs are a calibration's output; basis is the probe's.
    const leftToTheApi = ['name', 'costs', 'basis'];
    const profileFields = Object.entries(schema.properties as Record<string, { properties?: Record<string, unknown> }>)
      .filter(([key]) => !leftToTheApi.includes(key))
      .flatMap(([key, field]) => (field.properties ? Object.keys(field.properties).map((sub) => `${key}.${sub}`) : [key]));
    const link = '/?tasks=300&cpuMsPerTask=2&waitMsPerTask=50&blockingWaits=true&maxRatePerSecond=40&name=nightly';
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/advise'),
      page.goto(`${origin}${link}`),
    ]);
    await page.waitForSelector('#answer:not([hidden])');
    await page.locator('#problem').waitFor();
    const formFields = await page.locator('#form-fields [name]:not([name="basis"])').evaluateAll((inputs) => inputs.map((input) => input.getAttribute('name')));
    assert.deepEqual([...formFields].sort(), [...profileFields].sort());
    assert.deepEqual(request.postDataJSON(), { tasks: 300, cpuMsPerTask: 2, waitMsPerTask: 50, blockingWaits: true, maxRatePerSecond: 40 });
    assert.match(await page.locator('#problem').innerText(), /^Part of the link was left out\n+The link has name, which this form has no field for: it was left out of the profile sent\.$/);
    assert.equal(await page.getByLabel('The waits block (plain calls, not await)').isChecked(), true);
    await page.screenshot({ path: artifact('page-limits-desktop.png'), fullPage: true });
    await page.setViewportSize(PHONE);
    // The charts redraw at the new width on their next frame.
    await page.waitForFunction((width) => document.documentElement.scrollWidth <= width, PHONE.width);
    await page.screenshot({ path: artifact('page-limits-phone.png'), fullPage: true });
    assert.deepEqual(problems.slice(before), []);
  });

  test('a refused profile is shown beside its field, with the server\'s message', async () => {
    const page = await openPage(PHONE);
    await page.goto(`${origin}/?tasks=0&cpuMsPerTask=100&waitMsPerTask=200`);
    const problem = page.locator('#problem');
    await problem.waitFor();
    assert.match(await problem.innerText(), /The server refused the profile \(400 INVALID_REQUEST\)/);
    const tasks = page.getByLabel('Tasks', { exact: true });
    assert.equal(await tasks.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#f-tasks-error').innerText(), />=1/);
    await page.screenshot({ path: artifact('page-error-phone.png'), fullPage: true });
    // Only the refused request's own 400 may reach the console; nothing else.
    assert.deepEqual(problems.filter((p) => !/status of 400/.test(p)), []);
  });
});

describe('Swagger UI in a real browser', () => {
  test('"Try it out" on POST /advise sends the example and gets the example reply the document shows', async () => {
    const page = await openPage(DESKTOP);
    const before = problems.length;
    await page.goto(`${origin}/docs`);

    const operation = page.locator('#operations-advice-advise');
    await operation.locator('.opblock-summary').click();
    const shownExample = JSON.parse(await operation.locator('.responses-table tr.response[data-code="200"] pre.example').first().innerText());
    await operation.getByRole('button', { name: 'Try it out' }).click();
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/advise'),
      operation.getByRole('button', { name: 'Execute' }).click(),
    ]);
    const response = operation.locator('.live-responses-table .response');
    const status = response.locator('.response-col_status');
    await status.waitFor();
    // Taken before the assertions, so a failure leaves a picture of what went wrong.
    await operation.screenshot({ path: artifact('swagger-ui-advise.png') });

    // The body Swagger UI prefilled is the schema's example, not something the test typed.
    assert.deepEqual(request.postDataJSON(), EXAMPLE_PROFILE);
    assert.equal((await status.innerText()).trim(), '200');
    const live = JSON.parse(await response.locator('.response-col_description pre').first().innerText());
    assert.deepEqual(live, shownExample, 'the example reply Swagger UI shows is the one the server gives');
    assert.deepEqual(shownExample, servedDocument(ctx.app).paths['/advise'].post.responses['200'].content['application/json'].example);
    assert.deepEqual(problems.slice(before), []);
  });
});
