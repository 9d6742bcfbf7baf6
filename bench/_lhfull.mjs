import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import fs from "fs";
const urls = process.argv.slice(2);
const chrome = await chromeLauncher.launch({chromePath: "/usr/bin/chromium", chromeFlags: ["--headless=new","--no-sandbox","--disable-gpu","--disable-quic","--no-first-run","--disable-background-networking","--disable-component-update","--disable-sync"]});
try { for (const url of urls) {
  const r = await lighthouse(url, {port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance","accessibility","best-practices","seo"]});
  const a = r.lhr.audits;
  const pick = (id) => a[id]?.numericValue;
  console.log(JSON.stringify({url, scores: Object.fromEntries(Object.entries(r.lhr.categories).map(([k,v])=>[k,Math.round(v.score*100)])),
    fcp: pick("first-contentful-paint"), lcp: pick("largest-contentful-paint"), tbt: pick("total-blocking-time"), si: pick("speed-index"), cls: pick("cumulative-layout-shift"),
    console: a["errors-in-console"].details?.items, rb: (a["render-blocking-insight"]||a["render-blocking-resources"])?.details?.items?.map(i=>[i.url,i.wastedMs]),
    boot: a["bootup-time"].details?.items?.map(i=>[i.url,Math.round(i.total),Math.round(i.scripting)]),
    mt: a["mainthread-work-breakdown"].details?.items?.map(i=>[i.group,Math.round(i.duration)]),
    lcpel: a["lcp-breakdown-insight"]?.details?.items?.[1]?.nodeLabel?.slice(0,40), obs: Object.fromEntries(Object.entries(a.metrics.details.items[0]).filter(([k,v])=>/^observed(FirstContentfulPaint|LargestContentfulPaint|DomContentLoaded)$/.test(k)).map(([k,v])=>[k.slice(8,14),Math.round(v)])),
  }));
  fs.writeFileSync("/tmp/lhr-last.json", JSON.stringify(r.lhr));
}} finally { await chrome.kill(); }
