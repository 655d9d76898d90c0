// Browser test harness: Debian's Chromium driven by playwright-core, and the demo site
// served from web/ by the real mediacore-server (HTTP, WebSocket signaling and STUN) on
// free loopback ports.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import { writeStillY4m } from '../lib/y4m.mjs';

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

/**
 * startBrowser() with a fake camera that shows tests/lib/y4m.mjs's still, colourful image
 * in every frame (written to a scratch directory that close() removes).
 */
export async function startStillCameraBrowser({ args = [], serverArgs = [] } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'mc-still-camera-'));
  try {
    const video = await writeStillY4m(path.join(dir, 'still.y4m'));
    const env = await startBrowser({ args: [`--use-file-for-fake-video-capture=${video}`, ...args], serverArgs });
    const close = env.close;
    env.close = async () => {
      try {
        await close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    };
    return env;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * A new page on a demo of `env` (`/call/`, `/chat/`, ...), logged in as `name` unless name is
 * empty: waits for body[data-state="ready"]. Returns { page, errors } (see watchErrors).
 */
export async function openDemo(env, demo, name) {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${env.url}${demo}`);
  if (name) {
    await page.fill('#name', name);
    await page.click('#login');
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
  }
  return { page, errors };
}
