import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { AdviceSchema } from '../../src/advisor/advice.js';
import { EXAMPLE_PROFILE } from '../../src/advisor/profile.js';
import { adviceFor } from '../helpers/advice.js';
import { startApp } from '../helpers/app.js';

// Debian's chromium, installed by scripts/install-browser.sh (npm's pretest): Playwright cannot download its own here.
const CHROMIUM = '/usr/bin/chromium';
// Without the networking flags chromium keeps dialling Google's hosts, which this machine's closed network refuses.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
// Git-ignored (artifacts/): a picture of what a person sees, for looking at, not for comparing.
const SCREENSHOT = fileURLToPath(new URL('../../../artifacts/swagger-ui-advise.png', import.meta.url));

describe('Swagger UI in a real browser', () => {
  let ctx: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser | undefined;
  let origin: string;

  before(async () => {
    ctx = await startApp();
    origin = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  });

  after(async () => {
    await browser?.close();
    await ctx?.app.close();
  });

  test('"Try it out" on POST /advise sends the example and shows a 200 with a recommendation', async () => {
    // Fail, not skip: a skipped test would let the suite pass without the UI ever being opened.
    // Checked in the test, not in before(), so the runner counts it as a failed test, not a cancelled one.
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run \`bash scripts/install-browser.sh\` (npm test does, as its pretest)`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    await page.goto(`${origin}/docs`);

    const operation = page.locator('#operations-advice-advise');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/advise'),
      operation.getByRole('button', { name: 'Execute' }).click(),
    ]);
    const response = operation.locator('.live-responses-table .response');
    const status = response.locator('.response-col_status');
    await status.waitFor();
    // Taken before the assertions, so a failure leaves a picture of what went wrong.
    await mkdir(new URL('../../../artifacts/', import.meta.url), { recursive: true });
    await operation.screenshot({ path: SCREENSHOT });

    // The body Swagger UI prefilled is the schema's example, not something the test typed.
    assert.deepEqual(request.postDataJSON(), EXAMPLE_PROFILE);
    assert.equal((await status.innerText()).trim(), '200');
    const shown = AdviceSchema.parse(JSON.parse(await response.locator('.response-col_description pre').first().innerText()));
    assert.deepEqual(shown.recommendation, adviceFor(EXAMPLE_PROFILE).recommendation);
  });
});
