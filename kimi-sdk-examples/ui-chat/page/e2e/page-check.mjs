// Drives the payments desk's page in a real headless Chromium (Debian's, by its path: no browser
// is downloaded) through playwright-core: asks for a transfer, sees the reasoning and the call
// waiting for approval, approves it with a click and sees the result; a second tab on the same
// chat approves the same call and is refused; a page reloaded mid-answer shows the whole answer.
// BASE: the desk's address; EXPECTED: the slow answer's text; SCREENSHOT, SCREENSHOT_WAITING: PNG
// files to write. One JSON line: {"what":"result",...} or {"what":"crash",...}.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.env.BASE;
const expected = process.env.EXPECTED;
const timeout = 90_000;
const print = (o) => console.log(JSON.stringify(o));
const profile = mkdtempSync(join(tmpdir(), 'kimi-ui-chromium-')); // a fresh --user-data-dir

const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
  viewport: { width: 860, height: 820 },
});

const texts = (page) =>
  page.evaluate(() => [...document.querySelectorAll('[data-testid=text]')].map((e) => e.textContent));
const payments = async () => (await fetch(new URL('api/payments', base))).json();
const ready = (page) =>
  page.waitForFunction(
    () => document.querySelector('[data-testid=status]')?.textContent === 'ready',
    null,
    { timeout },
  );

try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeout);
  await page.goto(base, { timeout });
  await page.getByLabel('Message').fill('Please transfer to=acct-7 amount=90');
  await page.getByRole('button', { name: 'Send' }).click();

  const transfer = page.getByTestId('transfer');
  await transfer.getByRole('button', { name: 'Approve' }).waitFor();
  const reasoning = await page.getByTestId('reasoning').first().innerText();
  const waiting = await transfer.getAttribute('data-state');
  await ready(page);
  await page.screenshot({ path: process.env.SCREENSHOT_WAITING });

  // a second tab on the same chat: loaded from the server's runs, it shows the same waiting call
  const tab = await context.newPage();
  tab.setDefaultTimeout(timeout);
  await tab.goto(page.url(), { timeout });
  await tab.getByTestId('transfer').getByRole('button', { name: 'Approve' }).waitFor();
  const tabWaiting = await tab.getByTestId('transfer').getAttribute('data-state');

  await transfer.getByRole('button', { name: 'Approve' }).click();
  await page.getByTestId('result').waitFor();
  const result = await page.getByTestId('result').innerText();
  await ready(page);
  const answer = await texts(page);
  const afterApproval = await payments();
  await page.screenshot({ path: process.env.SCREENSHOT });

  // the second tab approves the same call: the run decided it already
  await tab.getByTestId('transfer').getByRole('button', { name: 'Approve' }).click();
  await tab.getByTestId('error').waitFor();
  const refusal = await tab.getByTestId('error').innerText();
  const afterSecondTab = await payments();

  // reloaded mid-answer
  await page.getByLabel('Message').fill('Explain the transfer limits');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-testid=text]')].some((e) => e.textContent.startsWith('Transfers ')),
    null,
    { timeout },
  );
  const before = (await texts(page)).find((t) => t.startsWith('Transfers '));
  await page.reload({ timeout });
  await page.waitForFunction(
    (whole) => [...document.querySelectorAll('[data-testid=text]')].some((e) => e.textContent === whole),
    expected,
    { timeout },
  );
  const after = (await texts(page)).find((t) => t.startsWith('Transfers '));
  const reasoningAfter = await page.getByTestId('reasoning').allInnerTexts();

  print({
    what: 'result',
    reasoning,
    waiting,
    tabWaiting,
    result,
    answer,
    afterApproval,
    refusal,
    afterSecondTab,
    before,
    after,
    reasoningAfter,
  });
} catch (e) {
  print({ what: 'crash', error: String(e && e.stack ? e.stack : e).slice(0, 3000) });
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
