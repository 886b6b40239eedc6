// Launches Debian's chromium headless for the view tests, with a fresh profile and no network
// services, and opens a page that records every console error and uncaught exception.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

export const CHROMIUM = process.env.SCHOOLSIM_CHROMIUM || "/usr/bin/chromium";

export async function openBrowser() {
  const profile = mkdtempSync(join(tmpdir(), "schoolsim-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      // WebGL (plotly's scattergl) in software: headless chromium without a GPU needs this.
      "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
      `--user-data-dir=${profile}`,
    ],
    defaultViewport: { width: 1600, height: 1000 },
  });
  const close = async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { browser, close };
}

// A new page whose console errors and page errors are collected in `errors`.
export async function openPage(browser) {
  const page = await browser.newPage();
  const errors = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()}`));
  return { page, errors };
}

// Loads a view file and waits until view.js has drawn it (body[data-ready="1"]).
export async function loadView(page, htmlPath, timeout = 120000) {
  await page.goto(`file://${htmlPath}`, { waitUntil: "load", timeout });
  await page.waitForFunction(() => document.body.dataset.ready === "1", { timeout });
}
