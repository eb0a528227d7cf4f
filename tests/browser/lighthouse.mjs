// Lighthouse (mobile, its default) on several pages in one Chromium, for tests/browser/test_lighthouse.py.
// Reads [{name, url, cookies: [{name, value}]}] as JSON on stdin; prints {name: {scores, failing}}
// as JSON on stdout. A page with answers needs the patient's session cookie: it is set in the
// browser first (a Cookie header in Lighthouse's extraHeaders does not reach the page), and
// Lighthouse is told not to clear storage.
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import puppeteer from "puppeteer-core";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const pages = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage"],
});
const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
const results = {};
try {
  for (const page of pages) {
    const tab = await browser.newPage();
    const old = await tab.cookies(page.url);
    if (old.length) await tab.deleteCookie(...old);
    if (page.cookies.length) {
      await tab.setCookie(...page.cookies.map((c) => ({ name: c.name, value: c.value, url: page.url })));
    }
    const flags = { output: "json", logLevel: "error", disableStorageReset: true };
    const runner = await lighthouse(page.url, flags, undefined, tab);
    await tab.close();
    const lhr = runner.lhr;
    const scores = {};
    for (const [id, category] of Object.entries(lhr.categories)) scores[id] = category.score;
    // Each audit that cost points, with its title, so a failure says what to fix.
    const failing = [];
    for (const category of Object.values(lhr.categories)) {
      for (const ref of category.auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          failing.push(`${category.id}: ${ref.id} (${audit.title})`);
        }
      }
    }
    results[page.name] = { scores, failing, finalUrl: lhr.finalDisplayedUrl,
                           runtimeError: lhr.runtimeError ? lhr.runtimeError.message : null };
  }
} finally {
  await browser.disconnect();
  await chrome.kill();
}
process.stdout.write(JSON.stringify(results));
