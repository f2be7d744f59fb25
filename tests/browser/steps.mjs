// Waiting helpers for the browser test: each polls a condition until it holds or a generous
// time limit passes. Nothing is asserted about how long anything takes.

import assert from 'node:assert/strict';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil(condition, description, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${lastError ? ` (${lastError.message})` : ''}`);
}

// Waits until the first element of `locator` is there and its text matches `pattern`.
export async function expectText(locator, pattern, timeoutMs = 30000) {
  let last = '(no element)';
  await waitUntil(async () => {
    last = (await locator.first().textContent({ timeout: 1000 })) ?? '';
    return pattern.test(last);
  }, `${pattern} in ${locator}`, timeoutMs).catch((error) => {
    throw new Error(`${error.message}; its text was: ${JSON.stringify(last.slice(0, 500))}`);
  });
}

export async function expectHidden(locator, timeoutMs = 30000) {
  await locator.waitFor({ state: 'hidden', timeout: timeoutMs });
}

export async function signIn(page, key) {
  const input = page.getByLabel('API key');
  await input.fill(key);
  await input.press('Enter');  // the form submits from the keyboard
}

// Nothing may be wider than the screen: the page must not scroll sideways.
export async function checkPhoneLayout(page, name) {
  const widths = await page.evaluate(() => ({
    document: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    viewport: window.innerWidth,
  }));
  assert.ok(widths.document <= widths.viewport && widths.body <= widths.viewport,
    `${name} overflows a ${widths.viewport} px screen: ${JSON.stringify(widths)}`);
}
