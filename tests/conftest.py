"""Shared fixtures: one strict build of the real site per test session, a
loopback web server that serves it as GitHub Pages would, and Debian's
headless Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Hooks are loaded by MkDocs with their folder on sys.path; tests do the same.
sys.path.insert(0, str(ROOT / "hooks"))

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# As root in a sandbox Chromium needs --no-sandbox; the rest stop it from
# calling Google's services, which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# What a project copy needs to build: everything the config reads, and the
# results earlier builds kept (.cache/, keyed by their sources and code, so a
# copy that changes a source or a hook makes its own): a third less per build.
PROJECT_PARTS = ["mkdocs.yml", "docs", "overrides", "hooks", "includes", "data", ".cache"]


def site_base_path() -> str:
    """The path the site is served under, from site_url's default in mkdocs.yml."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    match = re.search(r'^site_url: !ENV \[SITE_URL, "([^"]+)"\]', text, re.M)
    assert match, "mkdocs.yml: site_url must be '!ENV [SITE_URL, \"<default>\"]'"
    return urlsplit(match.group(1)).path


@dataclass
class Build:
    """The result of one `mkdocs build`."""

    site: Path
    returncode: int
    output: str


def mkdocs_build(
    project: Path, site: Path, *options: str, today: str | None = "2026-12-01"
) -> Build:
    """Build ``project`` into ``site`` with the config's own (strict) settings
    and any other ``options`` of ``mkdocs build`` (e.g. "--dirty").

    The build's clock is fixed at ``today`` (``DN_TODAY``, hooks/metadata.py),
    so a page falling due for review in the real world changes no test;
    ``today=None`` builds with the real date."""
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DN_TODAY")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    if today is not None:
        env["DN_TODAY"] = today
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site), *options],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return Build(site, proc.returncode, proc.stdout + proc.stderr)


# The suite runs on every core (pytest-xdist). Builds of the project itself
# write its .cache/ (and sweep it); copies read it. One lock, shared by the
# workers, keeps the two apart.
_LOCK = Path(tempfile.gettempdir()) / (
    "dn-tests-" + hashlib.sha256(str(ROOT).encode()).hexdigest()[:12] + ".lock"
)


@contextlib.contextmanager
def project_lock(lock: Path = _LOCK):
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def copy_project(dest: Path) -> Path:
    """Copy the parts of the project a build reads into ``dest``."""
    dest.mkdir(parents=True)
    with project_lock():
        for part in PROJECT_PARTS:
            src = ROOT / part
            if src.is_dir():
                shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
            elif src.exists():
                shutil.copy2(src, dest / part)
    return dest


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder this test run's workers share (above each worker's own)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The real site, built once per test run: the first worker builds it,
    the others read the same folder."""
    shared = run_folder(tmp_path_factory)
    record = shared / "built-site.json"
    with project_lock():
        if record.exists():
            data = json.loads(record.read_text())
            build = Build(Path(data["site"]), data["returncode"], data["output"])
        else:
            build = mkdocs_build(ROOT, shared / "built-site")
            record.write_text(json.dumps({**asdict(build), "site": str(build.site)}))
    assert build.returncode == 0, f"the site does not build:\n{build.output}"
    return build


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A fresh copy of the project, for tests that break it on purpose."""
    return copy_project(tmp_path / "project")


def html_pages(site: Path) -> list[Path]:
    """Every HTML page a reader can reach (the 404 page included)."""
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)


class _PagesHandler(SimpleHTTPRequestHandler):
    """Serves the built site under its base path; unknown paths get 404.html
    with status 404, as GitHub Pages does."""

    base_path = "/"

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if not path.startswith(self.base_path):
            return str(Path(self.directory) / "__outside_base_path__")
        return super().translate_path("/" + path[len(self.base_path) :])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep test output readable
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Build):
    """The built site served on loopback; yields its base URL."""
    base = site_base_path()
    handler = type("Handler", (_PagesHandler,), {"base_path": base})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(built_site.site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{base}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright."""
    from playwright import sync_api

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser).")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    """A fresh browser profile per test, recording every request it makes."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.requests = []
    ctx.on("request", lambda request: ctx.requests.append(request.url))
    yield ctx
    ctx.close()


AXE_JS = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")


# Records Content-Security-Policy violations, before any of the page's own
# scripts run: add with context.add_init_script(WATCH_CSP), read window.__csp.
WATCH_CSP = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation', e =>"
    " window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || e.sample)));"
)


def with_axe(ctx):
    """Load axe-core into every page of browser context ``ctx``. An init script,
    because the site's Content-Security-Policy rightly refuses injected ones."""
    ctx.add_init_script(path=str(AXE_JS))
    return ctx


def run_axe(page, rules: list[str] | None = None, tags: list[str] | None = None) -> list[dict]:
    """Run axe-core on ``page`` (its context made ``with_axe``); return its
    violations, each with the nodes it found."""
    options: dict = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    elif tags:
        options["runOnly"] = {"type": "tag", "values": tags}
    # Entries that content-visibility skips (the bibliography,
    # docs/stylesheets/extra.css) are not laid out until a reader scrolls to
    # them, and axe then reports false contrast failures against whatever lies
    # at their estimated place (dequelabs/axe-core#2768, open). Render them, as
    # a reader's scrolling does, before checking.
    page.evaluate(
        """() => { const sheet = new CSSStyleSheet();
          sheet.replaceSync('* { content-visibility: visible !important; }');
          document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }"""
    )
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)", options)


def describe(violations: list[dict]) -> str:
    """A readable list of axe violations for an assertion message."""
    return "\n".join(
        f"{v['id']}: {v['help']} — {n['target']} {n.get('failureSummary', '')[:200]}"
        for v in violations
        for n in v["nodes"][:5]
    )


# True once hooks/loading.py's loader has added the theme's scripts (and the
# lightbox's, on pages that have it) and they have run.
SCRIPTS_RUN = (
    "typeof document$ !== 'undefined'"
    " && (!document.getElementById('init-glightbox') || typeof GLightbox !== 'undefined')"
)


def wait_for_scripts(page) -> None:
    """Wait until the scripts that load after the first paint have run:
    search, the palette switch and the lightbox need them."""
    # Polled from here: the pages' CSP forbids the eval wait_for_function uses.
    for _ in range(300):
        if page.evaluate(f"() => {SCRIPTS_RUN}"):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"{page.url}: the theme's scripts never ran")


def goto(page, url: str, **kwargs):
    """``page.goto(url)`` and :func:`wait_for_scripts`; returns the response."""
    response = page.goto(url, **kwargs)
    wait_for_scripts(page)
    return response


# -- One load of each page per viewport and colour scheme ---------------------
#
# The checks a browser runs on every page (axe, requests, CSP, script errors,
# sideways scrolling, the lightbox on figure pages) share one load of each
# page per viewing; the tests only read their failures. A test names the
# checks it reads with @pytest.mark.page_checks(...) and takes the viewing as
# its "viewing" parameter: a pass runs the checks its selected tests read.


@dataclass(frozen=True)
class Viewing:
    """A colour scheme and a viewport."""

    scheme: str  # "light" or "dark"
    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.scheme}-{self.width}x{self.height}"


DESKTOPS = [Viewing("light", 1280, 900), Viewing("dark", 1280, 900)]
PHONES = [Viewing("light", 360, 740), Viewing("dark", 360, 740)]
VIEWINGS = DESKTOPS + PHONES


@dataclass
class Visit:
    """One load of one page: what a check gets."""

    page: object  # playwright's Page
    path: str
    viewing: Viewing
    requests: list[str]  # every URL the page requested
    errors: list[str]  # script errors and console errors
    site: Path  # the built site the pages come from


@dataclass
class PageCheck:
    """``run(visit)`` returns the problems it found on the page. Checks run in
    ``order`` (0: the page as loaded, before axe restyles it; 1: axe; 2: what
    clicks; 3: what the page did meanwhile), each on ``paths`` (None: all)."""

    name: str
    run: object
    viewings: tuple[Viewing, ...]
    paths: tuple[str, ...] | None
    order: int
    uses_axe: bool  # needs axe-core loaded into each page


PAGE_CHECKS: dict[str, PageCheck] = {}


def page_check(name: str, *, viewings=VIEWINGS, paths=None, order: int = 1, uses_axe=False):
    """Register a check for the page passes (a decorator)."""

    def register(run):
        assert name not in PAGE_CHECKS, f"two page checks named {name!r}"
        paths_ = tuple(paths) if paths is not None else None
        PAGE_CHECKS[name] = PageCheck(name, run, tuple(viewings), paths_, order, uses_axe)
        return run

    return register


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "page_checks(*names): the page checks (conftest.page_check) a test reads"
    )


# tryfirst: xdist's own hook reads the group marks, so they must be there
# before it runs.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items) -> None:
    """The suite runs on every core (pytest-xdist, ``--dist loadgroup``): the
    tests that read one viewing's page pass are sent to one worker, so no
    worker waits for another's pass. (Each page is loaded once per viewing
    whatever the scheduler does: page_pass shares the results through a file.)"""
    for item in items:
        group = pass_group(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


def pass_group(item) -> str | None:
    """The xdist group of a test that reads a viewing's page pass."""
    callspec = getattr(item, "callspec", None)
    if item.get_closest_marker("page_checks") and callspec and "viewing" in callspec.params:
        return f"pass-{callspec.params['viewing']}"
    return None


def site_paths(site: Path) -> list[str]:
    """Every page's path from the site root; the 404 page at an unknown address."""
    paths = []
    for page in html_pages(site):
        rel = page.relative_to(site).as_posix()
        paths.append("no-such-page/" if rel == "404.html" else rel.removesuffix("index.html"))
    return paths


@dataclass
class CheckResult:
    pages: list[str]  # the paths it ran on, in order
    failures: list[str]  # "/path: problem"


class PassResults(dict):
    """Check name -> CheckResult, for one viewing."""

    def failures(self, *names: str, on: list[str] | None = None) -> list[str]:
        """The failures of checks ``names``, each of which must have run on
        every page of ``on`` (a check that ran on no page cannot fail)."""
        found = []
        for name in names:
            assert name in self, f"page check {name!r} did not run (marked on the test?)"
            ran = self[name].pages
            assert ran, f"page check {name!r} ran on no page"
            missing = sorted(set(on or []) - set(ran))
            assert not missing, f"page check {name!r} did not run on {missing}"
            found += self[name].failures
        return found


def _checks_wanted(items) -> dict[Viewing, set[str]]:
    wanted: dict[Viewing, set[str]] = {}
    for item in items:
        marker = item.get_closest_marker("page_checks")
        callspec = getattr(item, "callspec", None)
        if marker is None or callspec is None or "viewing" not in callspec.params:
            continue
        wanted.setdefault(callspec.params["viewing"], set()).update(marker.args)
    return wanted


def _run_pass(
    browser, site_url: str, site: Path, paths: list[str], viewing: Viewing, checks
) -> PassResults:
    ctx = browser.new_context(
        viewport={"width": viewing.width, "height": viewing.height},
        color_scheme=viewing.scheme,
    )
    if any(c.uses_axe for c in checks):
        with_axe(ctx)
    ctx.add_init_script(WATCH_CSP)
    results = PassResults({c.name: CheckResult([], []) for c in checks})
    visit = Visit(None, "", viewing, [], [], site)
    ctx.on("request", lambda r: visit.requests.append(r.url))
    try:
        page = visit.page = ctx.new_page()
        page.on("pageerror", lambda e: visit.errors.append(f"script error: {e}"))
        page.on(
            "console",
            lambda m: m.type == "error" and visit.errors.append(f"console error: {m.text}"),
        )
        for path in paths:
            wanted = [c for c in checks if c.paths is None or path in c.paths]
            if not wanted:
                continue
            visit.path = path
            visit.requests.clear()
            visit.errors.clear()
            goto(page, site_url + path, wait_until="load")
            for check in sorted(wanted, key=lambda c: c.order):
                try:
                    problems = list(check.run(visit))
                except Exception as error:  # one broken check does not stop the others
                    problems = [f"{check.name} check raised {type(error).__name__}: {error}"]
                results[check.name].pages.append(path)
                results[check.name].failures += [f"/{path}: {p}" for p in problems]
    finally:
        ctx.close()
    return results


@pytest.fixture(scope="session")
def page_pass(request, browser, site_url: str, built_site: Build, tmp_path_factory):
    """``page_pass(viewing)``: the PassResults of loading each page once in
    ``viewing`` and running on it every check the selected tests read there.

    The first worker to ask runs the pass and writes its results to the
    run's folder; any other worker waits for them and reads them, so a pass
    never runs twice however pytest-xdist shares out the tests."""
    wanted = _checks_wanted(request.session.items)
    paths = site_paths(built_site.site)
    shared = run_folder(tmp_path_factory)

    def results(viewing: Viewing) -> PassResults:
        record = shared / f"pass-{viewing}.json"
        with project_lock(shared / f"pass-{viewing}.lock"):
            if not record.exists():
                names = wanted.get(viewing, set())
                unknown = names - PAGE_CHECKS.keys()
                assert not unknown, f"no page check named {sorted(unknown)}"
                checks = [
                    c for c in PAGE_CHECKS.values() if c.name in names and viewing in c.viewings
                ]
                done = _run_pass(browser, site_url, built_site.site, paths, viewing, checks)
                data = {name: asdict(result) for name, result in done.items()}
                record.write_text(json.dumps(data), encoding="utf-8")
            data = json.loads(record.read_text(encoding="utf-8"))
        return PassResults({name: CheckResult(**result) for name, result in data.items()})

    return results
