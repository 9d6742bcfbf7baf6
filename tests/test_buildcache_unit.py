"""Unit tests for hooks/buildcache.py: a kept result is never stale, never
shared between builds, and never a failure."""

from __future__ import annotations

import datetime
from pathlib import Path

import buildcache
import pytest


@pytest.fixture(autouse=True)
def _empty_memory(monkeypatch):
    monkeypatch.setattr(buildcache, "_MEMORY", {})


def counting(result):
    calls = []

    def make():
        calls.append(1)
        return result

    return make, calls


def code(tmp_path: Path, text: str = "x = 1\n") -> tuple[str, ...]:
    module = tmp_path / "maker.py"
    module.write_text(text)
    return (str(module),)


def test_made_once_then_kept_in_memory_and_on_disk(tmp_path: Path) -> None:
    folder, source = tmp_path / "cache", "some: yaml"
    make, calls = counting({"a": [1, 2]})
    assert buildcache.kept("k", source, make, code=code(tmp_path), folder=folder) == {"a": [1, 2]}
    assert buildcache.kept("k", source, make, code=code(tmp_path), folder=folder) == {"a": [1, 2]}
    assert len(calls) == 1
    assert len(list(folder.glob("k-*.json"))) == 1
    buildcache._MEMORY.clear()  # a new `mkdocs build` process
    assert buildcache.kept("k", source, make, code=code(tmp_path), folder=folder) == {"a": [1, 2]}
    assert len(calls) == 1


def test_a_changed_source_or_hook_is_made_again(tmp_path: Path) -> None:
    make, calls = counting([1])
    buildcache.kept("k", "one", make, code=code(tmp_path), folder=None)
    buildcache.kept("k", "two", make, code=code(tmp_path), folder=None)
    buildcache.kept("k", "two", make, code=code(tmp_path, "x = 2\n"), folder=None)
    assert len(calls) == 3


def test_each_call_gets_its_own_objects(tmp_path: Path) -> None:
    made = {"a": [1]}
    first = buildcache.kept("k", "s", lambda: made, code=code(tmp_path), folder=None)
    first["a"].append(2)
    made["a"].append(3)
    assert buildcache.kept("k", "s", lambda: made, code=code(tmp_path), folder=None) == {"a": [1]}


def test_a_damaged_file_is_made_again(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    make, calls = counting([1])
    buildcache.kept("k", "s", make, code=code(tmp_path), folder=folder)
    (path,) = folder.glob("k-*.json")
    path.write_text('[1, "trunc')
    buildcache._MEMORY.clear()
    assert buildcache.kept("k", "s", make, code=code(tmp_path), folder=folder) == [1]
    assert len(calls) == 2
    assert path.read_text() == "[1]"


def test_a_failure_is_not_kept(tmp_path: Path) -> None:
    def fail():
        raise ValueError("bad input")

    for _ in range(2):
        with pytest.raises(ValueError, match="bad input"):
            buildcache.kept("k", "s", fail, code=code(tmp_path), folder=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_a_result_json_cannot_hold_is_used_not_kept(tmp_path: Path) -> None:
    make, calls = counting({"day": datetime.date(2026, 1, 2)})
    for _ in range(2):
        result = buildcache.kept("k", "s", make, code=code(tmp_path), folder=tmp_path / "c")
        assert result == {"day": datetime.date(2026, 1, 2)}
    assert len(calls) == 2
    assert not (tmp_path / "c").exists()


def test_an_unwritable_folder_only_costs_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = buildcache.kept("k", "s", lambda: [1], code=code(tmp_path), folder=blocker / "cache")
    assert result == [1]


def test_memory_stays_small(tmp_path: Path) -> None:
    for n in range(100):
        buildcache.kept("k", str(n), lambda n=n: n, code=code(tmp_path), folder=None)
    assert len(buildcache._MEMORY) <= buildcache._MEMORY_LIMIT


def test_every_hook_keeps_its_results_beside_mkdocs_yml(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    assert buildcache.folder(str(config), "evidence") == tmp_path / ".cache" / "evidence"
