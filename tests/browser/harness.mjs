// Browser test harness: Debian's Chromium driven by playwright-core, and the demo site
// served from web/ on a free loopback port.
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
];

/** Start the site and a browser. Returns { browser, url, close() }. */
export async function startBrowser({ args = [] } = {}) {
  const site = await startServer({ port: 0, host: '127.0.0.1', root: new URL('../../web', import.meta.url).pathname });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...args],
    timeout: 60_000,
  });
  return {
    browser,
    url: site.url,
    async close() {
      await browser.close();
      await site.close();
    },
  };
}

/** Collect page errors and console errors so a test can assert there were none. */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}
