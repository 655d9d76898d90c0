// Browser test harness: Debian's Chromium driven by playwright-core, and the demo site
// served from web/ by the real mediacore-server (HTTP, WebSocket signaling and STUN) on
// free loopback ports.
import { chromium } from 'playwright-core';
import { startServer } from '../lib/server.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
];

/**
 * Start the site and a browser. Returns { browser, url, server, close() }.
 * @param args more Chromium arguments
 * @param serverArgs more mediacore-server arguments (see its --help)
 * The site is mediacore-server's release build (build/native; $MC_SERVER_BIN overrides);
 * `server` is its handle from tests/lib/server.mjs (wsUrl, stunPort, metrics(), ...).
 */
export async function startBrowser({ args = [], serverArgs = [] } = {}) {
  const site = await startServer({ preset: 'native', args: serverArgs });
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, ...args],
      timeout: 60_000,
    });
  } catch (err) {
    await site.close();
    throw err;
  }
  return {
    browser,
    url: site.url,
    server: site,
    async close() {
      await browser.close();
      const { code, stderr } = await site.close();
      if (code !== 0) throw new Error(`mediacore-server exited ${code}:\n${stderr}`);
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
