"""YAML for contributors' files: parsed safely, with line numbers, and never
a traceback for a value that merely looks like a date.

PyYAML turns ``2026-13-01`` into a date and raises ValueError when the month
is impossible; here such a value stays a string, so the hook that reads it
can report "not a date" with the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# libyaml's C loader when PyYAML has it (its wheels do): the bibliography is
# thousands of lines, and the pure-Python loader took over a second a build.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):
    """A safe loader that keeps impossible dates as text."""


def _timestamp(loader: Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value


Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


# PyYAML's names for what was left open, in a contributor's words.
_OPENED = {
    "a quoted scalar": "a quote",
    "a flow sequence": "a '[' list",
    "a flow mapping": "a '{' mapping",
    "a block scalar": "a '|' or '>' text block",
    "a flow node": "a '[' list or '{' mapping",
}


def _opened(context: str | None) -> str:
    for prefix in ("while scanning ", "while parsing "):
        context = (context or "").removeprefix(prefix)
    return _OPENED.get(context, context or "something")


def describe_error(
    err: yaml.MarkedYAMLError, first_line: int = 1, text: str | None = None
) -> tuple[int | None, str]:
    """Where a YAML error is (a line of the file, given the file line of the
    text's first line) and what it is, in words: the one way every hook
    reports invalid YAML.

    PyYAML places an unclosed quote or bracket at the end of the text, where
    it gave up; the line to fix is where the quote or bracket opened."""
    problem, context = err.problem_mark, err.context_mark
    what = err.problem or "invalid YAML"
    if context is not None and (problem is None or "end of stream" in what):
        return first_line + context.line, f"{_opened(err.context)} that is never closed"
    if problem is None:
        return None, what
    if text is not None and problem.index >= len(text.rstrip()):
        # Past the last line: the text ended inside something left open.
        last = text.rstrip().count("\n")
        return (
            first_line + last,
            f"the text ends inside {_opened(err.context)} that is never closed",
        )
    if context is not None and context.line != problem.line:
        what += f"; {_opened(err.context)} opened at line {first_line + context.line}"
    return first_line + problem.line, what


def parse(text: str) -> tuple[Any, yaml.Node | None]:
    """The data in ``text`` and its node tree (for line numbers), from one parse.

    Raises yaml.MarkedYAMLError, with the position, for invalid YAML.
    """
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def read(path: Path, where: str, error: type[Exception], what: str) -> tuple[Any, yaml.Node | None]:
    """Parse the contributor's data file at ``path`` (named ``where`` in
    messages): a missing file or invalid YAML raises ``error`` with the file,
    the line and the fix, never a traceback."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{where}: the {what} file does not exist.") from None
    try:
        return parse(text)
    except yaml.MarkedYAMLError as err:
        line, problem = describe_error(err, text=text)
        raise error(
            f"{where}{f':{line}' if line else ''}: not valid YAML ({problem}); "
            "check indentation and quotes."
        ) from None


def item_lines(root: yaml.Node | None, key: str) -> list[int]:
    """The line each item of the top-level list ``key`` starts on."""
    for name, value in getattr(root, "value", []) if isinstance(root, yaml.MappingNode) else []:
        if name.value == key and isinstance(value, yaml.SequenceNode):
            return [node.start_mark.line + 1 for node in value.value]
    return []


@dataclass
class Item:
    """One entry of a contributor's data file (a finding, a guideline) and the
    line it starts on, for messages."""

    data: dict[str, Any]
    line: int

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)
