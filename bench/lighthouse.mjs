// Runs Lighthouse (mobile preset, simulated throttling: its defaults) on each
// URL given as JSON on stdin, in one Debian Chromium, and prints one JSON
// object per line: scores, LCP, the failing audits and bytes by resource type.
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const urls = JSON.parse(await new Promise((resolve) => {
  let data = "";
  process.stdin.on("data", (chunk) => (data += chunk));
  process.stdin.on("end", () => resolve(data));
}));

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  // Headless, as root in a sandbox, and without Google's background services,
  // which the closed network here refuses.
  chromeFlags: [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
  ],
});

try {
  for (const url of urls) {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
    });
    const lhr = result.lhr;
    const scores = Object.fromEntries(
      Object.entries(lhr.categories).map(([k, v]) => [k, Math.round((v.score ?? 0) * 100)]),
    );
    const failing = [];
    for (const category of Object.values(lhr.categories)) {
      for (const ref of category.auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          failing.push(`${category.id}: ${audit.id} (${audit.displayValue || audit.score})`);
        }
      }
    }
    const requests = lhr.audits["network-requests"]?.details?.items ?? [];
    const bytes = {};
    const hosts = new Set();
    for (const r of requests) {
      bytes[r.resourceType] = (bytes[r.resourceType] ?? 0) + (r.transferSize ?? 0);
      const host = new URL(r.url).hostname;
      if (host) hosts.add(host); // data: URLs have none
    }
    console.log(JSON.stringify({
      url, scores, failing, bytes, hosts: [...hosts],
      lcp: lhr.audits["largest-contentful-paint"].numericValue,
      tbt: lhr.audits["total-blocking-time"].numericValue,
      runtimeError: lhr.runtimeError?.code ?? null,
    }));
  }
} finally {
  await chrome.kill();
}
