// Measures how long a view page takes to become interactive in headless chromium (from
// navigation start until view.js has drawn every plot) and optionally saves a screenshot:
//   node measure_view.mjs VIEW.html [SCREENSHOT.png [FRAME]]
// FRAME: the slider position shown in the screenshot (default: the last term).
// A measurement for docs, not a test: nothing is asserted.
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { openBrowser, openPage, loadView } from "./chromium.mjs";

const [html, screenshot] = process.argv.slice(2, 4).map((p) => resolve(p));
const frameArgument = process.argv[4];
const { browser, close } = await openBrowser();
try {
  const { page, errors } = await openPage(browser);
  await loadView(page, html, 300000);
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const marks = Object.fromEntries(performance.getEntriesByType("mark").map((m) => [m.name, Math.round(m.startTime)]));
    marks.response_end = Math.round(nav.responseEnd);
    return { marks, interactive_ms: Math.round(Math.max(window.schoolsimView.readyMs, nav.domContentLoadedEventEnd)) };
  });
  const bytes = statSync(html).size;
  console.log(JSON.stringify({ file: html, mb: +(bytes / 1e6).toFixed(1), ...timing, console_errors: errors }));
  if (screenshot) {
    const frame = await page.evaluate((f) => (f === undefined ? window.schoolsimView.terms.length - 1 : Number(f)),
      frameArgument);
    await page.evaluate((f) => window.schoolsimView.setFrame(f), frame);
    await page.waitForFunction((f) => document.body.dataset.drawnFrame === String(f), { timeout: 300000 }, frame);
    await page.screenshot({ path: screenshot });
  }
} finally {
  await close();
}
