"""Benchmark: this site against a default Material for MkDocs build of the
same Markdown, measured side by side in one run. Run it with ``make bench``.

It measures, and prints as Markdown tables:

* build time: the full strict build with every hook against the default build
  (median of several runs each, taken in turns so that a slow spell of the
  machine falls on both), the first build of a fresh checkout (nothing in
  ``.cache/`` yet), and synthetic sites of 250, 500 and 1,000
  pages made from the real ones, grouped in sub-sections, plus one of 1,000
  pages in a single flat section (the worst case for any theme's nav);
* Lighthouse (mobile preset, Debian Chromium) on every page of both sites,
  the median of three runs each, served gzip-compressed on loopback as GitHub
  Pages would: the four scores,
  Largest Contentful Paint, and the bytes each page's first load transfers;
* the search index, raw and gzipped.

The default build is the same docs/ with Material's defaults: no hooks, no
overrides, no extra CSS or JS, no features, the default palette and fonts;
only the Markdown extensions are kept, so that the same Markdown parses.
It is a script, not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
BASE = "/dry-needling-guide/"
TEXT_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")
FIRST_LOAD = ("Document", "Stylesheet", "Script", "Font")
TARGETS = {"scores": 100, "lcp_ms": 1200, "transfer_ratio": 0.9, "build_ratio": 1.3, "1000": 60}


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------


def build(project: Path, config: str, site: Path) -> float:
    """Seconds for one `mkdocs build` of ``config`` in ``project``."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    # Python keeps the hooks' bytecode in hooks/__pycache__, as pip did for
    # every installed package, unless told not to; where it is told (some CI
    # images and sandboxes), each build would compile every hook again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", str(site)],
        cwd=project,
        env=env,
        check=True,
    )
    return time.perf_counter() - start


def default_config(project: Path) -> str:
    """A Material-defaults mkdocs.yml for the same docs/: see the module doc."""
    ours = (project / "mkdocs.yml").read_text(encoding="utf-8")
    ours = re.sub(r"!!python/name:[\w.]+", "''", ours)
    ours = re.sub(r"!ENV \[SITE_URL, (\"[^\"]+\")\]", r"\1", ours)
    config = yaml.safe_load(ours)
    extensions = config["markdown_extensions"]
    default = {
        "site_name": config["site_name"],
        "site_url": config["site_url"],
        "theme": {"name": "material"},
        "plugins": ["search"],
        "markdown_extensions": extensions,
        "nav": config["nav"],
    }
    path = project / "mkdocs-default.yml"
    path.write_text(yaml.safe_dump(default, sort_keys=False), encoding="utf-8")
    return path.name


def builds_in_turn(project: Path, configs: list[tuple[str, Path]], runs: int) -> list[list[float]]:
    """``runs`` build times for each (config, site), the configs in turn."""
    times: list[list[float]] = [[] for _ in configs]
    for _ in range(runs):
        for (config, site), out in zip(configs, times, strict=True):
            out.append(build(project, config, site))
    return times


# Markers a hook allows only on the page the data names (a condition page,
# the overview): a copy elsewhere would rightly fail the build.
ONE_PAGE_MARKERS = (
    r"<!-- (evidence-table|evidence-map|guidelines|guidelines-overview|certainty-in-short) -->"
)


def synthetic_project(n_pages: int, dest: Path, flat: bool = False) -> Path:
    """A copy of the project whose docs/ holds ``n_pages`` pages: the real ones
    plus copies of them under synthetic/, each in the nav.

    The copies are grouped as a large site would be: a "Synthetic" section
    holding one sub-section per pass over the real pages. ``flat`` puts every
    copy straight into the one section instead (a sidebar of ~1,000 links)."""
    project = dest / f"site-{n_pages}"
    project.mkdir(parents=True)
    for part in ("mkdocs.yml", "docs", "overrides", "hooks", "includes", "data"):
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, project / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, project / part)
    docs = project / "docs"
    real = sorted(p for p in docs.rglob("*.md") if "synthetic" not in p.parts)
    sources = [p for p in real if p.name not in {"references.md", "tags.md"}]
    extra = []
    for i in range(n_pages - len(real)):
        page = sources[i % len(sources)]
        rel = f"synthetic/copy-{i:04d}.md"
        text = page.read_text(encoding="utf-8")
        # Markers that only make sense once, and relative links that move.
        text = re.sub(ONE_PAGE_MARKERS, "", text)
        text = re.sub(r"\]\((?!https?:|#)([^)]+)\)", "](../index.md)", text)
        text = re.sub(r"\{ #[\w-]+ \}", "", text)
        (docs / "synthetic").mkdir(exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
        extra.append(rel)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    if flat:
        nav = "\n".join(f"      - {rel}" for rel in extra)
    else:
        size = len(sources)
        nav = "\n".join(
            f"      - Copy {k // size + 1}:\n"
            + "\n".join(f"          - {rel}" for rel in extra[k : k + size])
            for k in range(0, len(extra), size)
        )
    if extra:
        config = config.rstrip() + f"\n  - Synthetic:\n{nav}\n"
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    return project


# ---------------------------------------------------------------------------
# Serving, as GitHub Pages does: gzip for text, 404.html for unknown paths
# ---------------------------------------------------------------------------


class GzipHandler(SimpleHTTPRequestHandler):
    base_path = BASE

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if not path.startswith(self.base_path):
            return str(Path(self.directory) / "__none__")
        return super().translate_path("/" + path[len(self.base_path) :])

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        status = 200
        if not path.is_file():
            path, status = Path(self.directory) / "404.html", 404
        body = path.read_bytes()
        gzipped = path.suffix in TEXT_TYPES and "gzip" in self.headers.get("Accept-Encoding", "")
        if gzipped:
            body = gzip.compress(body, compresslevel=6)
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        import io

        return io.BytesIO(body)

    def log_message(self, *args) -> None:
        pass


def serve(site: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{BASE}"


def page_paths(site: Path) -> list[str]:
    paths = []
    for page in sorted(site.rglob("index.html")):
        rel = page.relative_to(site).as_posix()
        if not rel.startswith(("assets/", "search/")):
            paths.append(rel.removesuffix("index.html"))
    # The 404 page at its own address: Lighthouse will not audit a page
    # served with an error status, which is how readers meet it.
    if (site / "404.html").exists():
        paths.append("404.html")
    return paths


def lighthouse(urls: list[str], runs: int = 1) -> list[dict]:
    """One result per URL: with several ``runs``, the median run (by
    performance score, then total blocking time), as Lighthouse's own advice
    on variability has it. The rounds go over every URL in turn, so a busy
    moment on the machine does not fall on one page's runs alone."""
    proc = subprocess.run(
        ["node", str(ROOT / "bench" / "lighthouse.mjs")],
        input=json.dumps(urls * runs),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    by_url: dict[str, list[dict]] = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
            by_url.setdefault(result["url"], []).append(result)
    return [median_run(results) for results in by_url.values()]


def median_run(results: list[dict]) -> dict:
    ranked = sorted(results, key=lambda r: (r["scores"]["performance"], -r.get("tbt", 0)))
    chosen = dict(ranked[(len(ranked) - 1) // 2])
    chosen["runs"] = len(results)
    return chosen


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def first_load(result: dict) -> int:
    return sum(result["bytes"].get(kind, 0) for kind in FIRST_LOAD)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="builds per configuration (5)")
    parser.add_argument("--scale", default="250,500,1000", help="synthetic site sizes")
    parser.add_argument(
        "--flat",
        type=int,
        default=1000,
        help="also a synthetic site of N pages in one flat section (0: none)",
    )
    parser.add_argument("--pages", type=int, default=0, help="Lighthouse only N pages (0: all)")
    parser.add_argument(
        "--lighthouse-runs",
        type=int,
        default=3,
        help="Lighthouse runs per page; the median counts (3)",
    )
    parser.add_argument("--text-page", default="conditions/neck-pain/")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dn-bench-"))
    ours_site, default_site = work / "ours", work / "default"
    default_cfg = default_config(ROOT)
    try:
        ours_runs, default_runs = builds_in_turn(
            ROOT, [("mkdocs.yml", ours_site), (default_cfg, default_site)], args.runs
        )
    finally:
        (ROOT / default_cfg).unlink(missing_ok=True)
    ours_t, default_t = statistics.median(ours_runs), statistics.median(default_runs)
    # A copy without .cache/: what CI's build and a fresh checkout's first cost.
    fresh = synthetic_project(0, work / "fresh")
    fresh_t = build(fresh, "mkdocs.yml", work / "fresh-out")

    scale = []
    sizes = [(int(x), False) for x in args.scale.split(",") if x]
    if args.flat:
        sizes.append((args.flat, True))
    for n, flat in sizes:
        project = synthetic_project(n, work / ("flat" if flat else "nested"), flat)
        ours_n = build(project, "mkdocs.yml", project.with_name(f"{project.name}-out"))
        # The same pages with Material's defaults: how much of the growth is
        # the theme's own (without pruning, every page carries the whole nav).
        default_n = build(
            project, default_config(project), project.with_name(f"{project.name}-default")
        )
        scale.append((n, flat, ours_n, default_n))

    servers, results = [], {}
    for name, site in (("ours", ours_site), ("default", default_site)):
        server, base = serve(site)
        servers.append(server)
        paths = page_paths(site)
        if args.pages:
            paths = [p for p in paths if p == args.text_page] + [
                p for p in paths if p != args.text_page
            ][: args.pages - 1]
        results[name] = {
            r["url"].removeprefix(base): r
            for r in lighthouse([base + p for p in paths], args.lighthouse_runs)
        }
    for server in servers:
        server.shutdown()

    index = {}
    for name, site in (("ours", ours_site), ("default", default_site)):
        raw = (site / "search" / "search_index.json").read_bytes()
        index[name] = (len(raw), len(gzip.compress(raw, 6)))

    ours, default = results["ours"], results["default"]
    common = [p for p in ours if p in default]
    lines = [
        "## Benchmark",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores "
        f"with `make bench` (Lighthouse mobile preset, Debian Chromium, gzip on loopback).",
        "",
    ]

    lines += [
        f"### Lighthouse, every page (median of {args.lighthouse_runs} runs each)",
        "",
        "| | This site | Default Material |",
        "| --- | --- | --- |",
    ]
    for cat in ("performance", "accessibility", "best-practices", "seo"):
        mine = [r["scores"][cat] for r in ours.values()]
        theirs = [r["scores"][cat] for r in default.values()]
        lines.append(
            f"| {cat} (min / median) | {min(mine)} / {statistics.median(mine):g} "
            f"| {min(theirs)} / {statistics.median(theirs):g} |"
        )
    mine_lcp = [r["lcp"] for r in ours.values()]
    theirs_lcp = [r["lcp"] for r in default.values()]
    lines.append(
        f"| LCP median / worst | {statistics.median(mine_lcp):.0f} / {max(mine_lcp):.0f} ms "
        f"| {statistics.median(theirs_lcp):.0f} / {max(theirs_lcp):.0f} ms |"
    )
    mine_tbt = [r.get("tbt", 0) for r in ours.values()]
    theirs_tbt = [r.get("tbt", 0) for r in default.values()]
    lines.append(
        f"| total blocking time median / worst | {statistics.median(mine_tbt):.0f} / "
        f"{max(mine_tbt):.0f} ms | {statistics.median(theirs_tbt):.0f} / "
        f"{max(theirs_tbt):.0f} ms |"
    )
    hosts = {h for r in ours.values() for h in r["hosts"]} - {"127.0.0.1"}
    lines.append(f"| pages | {len(ours)} | {len(default)} |")
    lines.append(
        f"| third-party hosts requested | {len(hosts)} | "
        f"{len({h for r in default.values() for h in r['hosts']} - {'127.0.0.1'})} |"
    )

    text = args.text_page
    ratios = [
        first_load(ours[p]) / first_load(default[p]) for p in common if first_load(default[p])
    ]
    lines += [
        "",
        "### First-load transfer (HTML, CSS, JS, fonts; gzip)",
        "",
        "| Page | This site | Default Material | Ratio |",
        "| --- | --- | --- | --- |",
    ]
    if text in ours and text in default:
        a, b = first_load(ours[text]), first_load(default[text])
        lines.append(f"| `{text}` (text page) | {kb(a)} | {kb(b)} | {a / b:.2f} |")
    lines.append(
        f"| all {len(ratios)} pages: median / worst ratio | | | "
        f"{statistics.median(ratios):.2f} / {max(ratios):.2f} |"
    )

    lines += [
        "",
        "### Build time",
        "",
        "| Build | Pages | Seconds |",
        "| --- | --- | --- |",
        f"| default Material (median of {args.runs}; range) | {len(default)} | "
        f"{default_t:.2f} ({min(default_runs):.2f}–{max(default_runs):.2f}) |",
        f"| this site, strict, all hooks (median of {args.runs}; range) | {len(ours)} | "
        f"{ours_t:.2f} ({min(ours_runs):.2f}–{max(ours_runs):.2f}) |",
        f"| ratio | | {ours_t / default_t:.2f} |",
        f"| this site, first build of a fresh checkout (no `.cache/`) | {len(ours)} | "
        f"{fresh_t:.2f} (ratio {fresh_t / default_t:.2f} to the default's median) |",
    ]
    for n, flat, t, d in scale:
        shape = "flat nav" if flat else "nested nav"
        lines.append(
            f"| synthetic, {shape}: this site / default | {n} | {t:.1f} / {d:.1f} "
            f"({1000 * t / n:.0f} / {1000 * d / n:.0f} ms a page) |"
        )

    lines += [
        "",
        "### Search index",
        "",
        "| | Raw | gzip |",
        "| --- | --- | --- |",
        f"| this site | {kb(index['ours'][0])} | {kb(index['ours'][1])} |",
        f"| default Material | {kb(index['default'][0])} | {kb(index['default'][1])} |",
    ]

    failing = sorted({f for r in ours.values() for f in r["failing"]})
    if failing:
        lines += ["", "### Lighthouse audits not passed on some page (this site)", ""]
        lines += [f"- {f}" for f in failing]
    report = "\n".join(lines) + "\n"
    print(report)
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "report.md").write_text(report, encoding="utf-8")
    (out / "lighthouse.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
