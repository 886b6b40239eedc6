// Checks pages written by `python -m schoolsim view` in headless chromium against values the
// pytest side computed from the run files (test_view_browser.py writes the spec):
//   node view_checks.mjs SPEC.json
// SPEC: {categories: [link category names], pages: [{html, maps, markers,
//        frames: [{frame, links: [[count per category] per map], colours: [{map, school, value, tolerance}]}],
//        hover: {map, frame, school, x, y, contains: [text]} }]}
// Prints one line per check; exits 1 at the first failure, 0 when every check passed.
import { readFileSync } from "node:fs";
import { openBrowser, openPage, loadView } from "./chromium.mjs";

const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// Link counts per category and marker colours, read from the plotly traces of each map.
async function drawn(page, categories) {
  return page.evaluate((categories) => window.schoolsimView.panels.map((id) => {
    const data = document.getElementById(id).data;
    const links = categories.map((name) => {
      const trace = data.find((t) => t.name === name);
      return trace ? trace.x.filter((v) => v === null).length : -1;
    });
    const schools = data.find((t) => t.name === "schools");
    return { links, markers: schools.x.length, colours: Array.from(schools.marker.color) };
  }), categories);
}

async function moveSlider(page, frame) {
  await page.evaluate((frame) => {
    const slider = document.getElementById("term-slider");
    slider.value = String(frame);
    slider.dispatchEvent(new Event("input", { bubbles: true }));
  }, frame);
  await page.waitForFunction((frame) => document.body.dataset.drawnFrame === String(frame), {}, frame);
}

async function checkFrame(page, label, frame, categories) {
  const maps = await drawn(page, categories);
  maps.forEach((map, m) => {
    check(same(map.links, frame.links[m]),
      `${label} map ${m}: links per category ${JSON.stringify(map.links)}, expected ${JSON.stringify(frame.links[m])}`);
  });
  for (const c of frame.colours) {
    const got = maps[c.map].colours[c.school];
    check(Math.abs(got - c.value) <= c.tolerance,
      `${label} map ${c.map}: colour value of school ${c.school} is ${got}, expected ${c.value} ± ${c.tolerance}`);
  }
  console.log(`ok ${label}: links ${JSON.stringify(maps.map((m) => m.links))}, ${frame.colours.length} colours`);
}

async function checkHover(page, hover) {
  const point = await page.evaluate((h) => {
    const gd = document.getElementById(window.schoolsimView.panels[h.map]);
    const box = gd.getBoundingClientRect();
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    return { x: box.left + xa._offset + xa.l2p(h.x), y: box.top + ya._offset + ya.l2p(h.y) };
  }, hover);
  await page.mouse.move(point.x + 40, point.y + 40);
  await page.mouse.move(point.x, point.y, { steps: 4 });
  // The label of a school passed on the way may still be shown: wait (a while) for the label
  // of the school under the mouse, then check the whole text.
  await page.waitForFunction((first) => {
    const label = document.querySelector(".hoverlayer .hovertext");
    return label && label.textContent.includes(first);
  }, { timeout: 10000 }, hover.contains[0]).catch(() => {});
  await page.waitForSelector(".hoverlayer .hovertext");
  const text = await page.$eval(".hoverlayer .hovertext", (el) => el.textContent);
  for (const piece of hover.contains) {
    check(text.includes(piece), `hover text ${JSON.stringify(text)} lacks ${JSON.stringify(piece)}`);
  }
  console.log(`ok hover on school ${hover.school}: ${JSON.stringify(text)}`);
}

async function checkPage(browser, pageSpec) {
  const { page, errors } = await openPage(browser);
  await loadView(page, pageSpec.html);
  const maps = await drawn(page, spec.categories);
  check(maps.length === pageSpec.maps, `${maps.length} maps drawn, expected ${pageSpec.maps}`);
  maps.forEach((map, m) => check(map.markers === pageSpec.markers,
    `map ${m} has ${map.markers} school markers, expected ${pageSpec.markers}`));
  console.log(`ok ${pageSpec.html}: ${maps.length} map(s) of ${pageSpec.markers} schools`);
  for (const frame of pageSpec.frames) {
    if (frame.frame !== 0) await moveSlider(page, frame.frame);
    await checkFrame(page, `frame ${frame.frame}`, frame, spec.categories);
  }
  if (pageSpec.hover) {
    await moveSlider(page, pageSpec.hover.frame);
    await checkHover(page, pageSpec.hover);
  }
  check(errors.length === 0, `console errors: ${errors.join("\n")}`);
  console.log("ok no console errors");
  await page.close();
}

const { browser, close } = await openBrowser();
let status = 0;
try {
  for (const pageSpec of spec.pages) await checkPage(browser, pageSpec);
} catch (error) {
  console.error(`FAIL ${error.message}`);
  status = 1;
} finally {
  await close();
}
process.exit(status);
