"""YAML for contributors' files: parsed safely, with line numbers, and never
a traceback for a value that merely looks like a date.

PyYAML turns ``2026-13-01`` into a date and raises ValueError when the month
is impossible; here such a value stays a string, so the hook that reads it
can report "not a date" with the file and line.
"""

from __future__ import annotations

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
