"""Unit tests for hooks/templates.py: compiled templates are reused, and
only while their source and the environment are the same."""

from __future__ import annotations

from pathlib import Path

import jinja2
from templates import cache_folder, keep_compiled


def environment(source: str, root: Path, **options) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": source}), **options)
    keep_compiled(env, root)
    return env


def no_compiling(env: jinja2.Environment, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(env, "compile", refuse)


def test_a_template_compiled_once_is_loaded_compiled(tmp_path: Path, monkeypatch) -> None:
    first = environment("Hello {{ name }}", tmp_path)
    assert first.get_template("page.html").render(name="a") == "Hello a"
    second = environment("Hello {{ name }}", tmp_path)  # the next build
    no_compiling(second, monkeypatch)
    assert second.get_template("page.html").render(name="b") == "Hello b"


def test_an_edited_template_is_compiled_again(tmp_path: Path, monkeypatch) -> None:
    environment("Hello {{ name }}", tmp_path).get_template("page.html")
    edited = environment("Goodbye {{ name }}", tmp_path)
    compiled = []
    original = edited.compile
    monkeypatch.setattr(edited, "compile", lambda *a, **k: compiled.append(1) or original(*a, **k))
    assert edited.get_template("page.html").render(name="a") == "Goodbye a"
    assert compiled == [1]


def test_other_options_use_another_folder(tmp_path: Path) -> None:
    plain = jinja2.Environment()
    trimmed = jinja2.Environment(trim_blocks=True)
    assert cache_folder(plain, tmp_path) != cache_folder(trimmed, tmp_path)
    assert cache_folder(plain, tmp_path) == cache_folder(jinja2.Environment(), tmp_path)
    source = "{% if x %}\nyes{% endif %}"
    environment(source, tmp_path).get_template("page.html")
    again = environment(source, tmp_path, trim_blocks=True)
    assert again.get_template("page.html").render(x=True) == "yes"


def test_a_read_only_place_only_costs_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    env = environment("Hello", blocker / "cache")
    assert env.bytecode_cache is None
    assert env.get_template("page.html").render() == "Hello"
