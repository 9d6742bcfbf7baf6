"""The suite's own machinery: the tests that read one viewing's page pass go
to one pytest-xdist worker (conftest.pytest_collection_modifyitems). If a
pytest or pytest-xdist release stops that, each pass still runs once
(page_pass shares it through a file), but a worker idles while it waits, and
the suite is slower; this test says so instead of the clock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

CONFTEST = f"""
import importlib.util
import sys

spec = importlib.util.spec_from_file_location("suite_conftest", {str(ROOT / "tests/conftest.py")!r})
suite = sys.modules["suite_conftest"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(suite)
pytest_configure = suite.pytest_configure
pytest_collection_modifyitems = suite.pytest_collection_modifyitems
"""

# Two modules, each with three tests per viewing: shared out test by test,
# two workers would split every viewing's tests between them.
MODULE = """
import os
import pytest

@pytest.mark.page_checks("example")
@pytest.mark.parametrize("viewing", ["light", "dark"])
@pytest.mark.parametrize("n", range(3))
def test_reads_a_pass(viewing, n, tmp_path_factory):
    out = tmp_path_factory.getbasetemp().parent / "ran"
    out.mkdir(exist_ok=True)
    (out / f"{viewing}-{__name__}-{n}").write_text(os.environ["PYTEST_XDIST_WORKER"])
"""


def test_each_viewings_tests_run_on_one_worker(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # not the project's
    (suite / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    for name in ("test_one.py", "test_two.py"):
        (suite / name).write_text(MODULE, encoding="utf-8")
    base = tmp_path / "base"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
         "--dist", "loadgroup", "--basetemp", str(base), str(suite)],
        cwd=suite, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ran = {p.name: p.read_text() for p in (base / "ran").iterdir()}
    assert len(ran) == 12, sorted(ran)
    for viewing in ("light", "dark"):
        workers = {w for name, w in ran.items() if name.startswith(viewing + "-")}
        assert len(workers) == 1, f"{viewing}'s tests ran on {sorted(workers)}: grouping is broken"
