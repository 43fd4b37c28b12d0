// pa11y (HTML_CodeSniffer, WCAG 2 AA) over a list of pages in one Debian Chromium, for
// tests/browser/test_accessibility.py. Reads [{url, actions}] as JSON on stdin; writes
// [{url, issues: [{code, message, selector, context}]}] (errors only) as JSON on stdout.
// pa11y drives puppeteer; puppeteer's own Chrome is never downloaded (.puppeteerrc.cjs).
"use strict";
const pa11y = require("pa11y");
const puppeteer = require("puppeteer");

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

async function main() {
  const pages = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  const out = [];
  try {
    for (const page of pages) {
      const result = await pa11y(page.url, {
        browser,
        standard: "WCAG2AA",
        runners: ["htmlcs"],
        actions: page.actions || [],
        viewport: {width: 375, height: 740, deviceScaleFactor: 2, isMobile: true, hasTouch: true},
        timeout: 60000,
      });
      out.push({url: page.url, issues: result.issues.map(i => ({code: i.code, message: i.message, selector: i.selector,
                                                                  context: (i.context || "").slice(0, 200)}))});
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch(err => { console.error(err); process.exit(1); });
