"""`make serve` (tools/serve.py): a saved page is served rebuilt, and an
edited hook takes effect without restarting by hand."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, site_base_path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(check: Callable[[], bool], seconds: float) -> float | None:
    """How long ``check`` took to become true, or None if it did not."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if check():
            return time.monotonic() - start
        time.sleep(0.2)
    return None


@pytest.fixture
def served(project_copy: Path):
    shutil.copytree(ROOT / "tools", project_copy / "tools")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "tools/serve.py", "-a", f"127.0.0.1:{port}"],
        cwd=project_copy,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}{site_base_path()}"
    try:
        assert wait_for(lambda: fetch(base + "robots.txt") is not None, 90) is not None
        yield project_copy, base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_a_saved_page_and_an_edited_hook_are_served(served) -> None:
    project, base = served
    page = project / "docs" / "glossary.md"
    page.write_text(page.read_text("utf-8") + "\nA freshly saved sentence.\n", "utf-8")
    took = wait_for(lambda: "freshly saved sentence" in (fetch(base + "glossary/") or ""), 60)
    assert took is not None, "the saved page was not rebuilt"
    print(f"saved page served rebuilt after {took:.1f} s")

    hook = project / "hooks" / "seo.py"
    hook.write_text(
        hook.read_text("utf-8").replace(
            'return f"User-agent: *', 'return f"# edited\\nUser-agent: *'
        ),
        "utf-8",
    )
    took = wait_for(lambda: (fetch(base + "robots.txt") or "").startswith("# edited"), 90)
    assert took is not None, "the edited hook did not take effect"
    print(f"edited hook in effect after {took:.1f} s")
