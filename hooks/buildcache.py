"""Results worth keeping between builds, keyed by what they are made from.

Parsing the theme's CSS or the bibliography takes longer than using the
result (make bench: the bibliography's YAML was 50 ms of every build), and
both change rarely. So a result is kept as JSON, in memory for ``mkdocs
serve`` (one process, many builds) and in ``.cache/`` for the next ``mkdocs
build``. The key is a hash of the source text and of the code that makes the
result (its modules' files): a changed input or a changed hook never gets a
stale result. Every call returns freshly decoded objects, so a build
that changes what it gets cannot affect the next build.

Only a result that ``make`` returns, and that JSON can hold, is kept: an
input that fails its checks raises on every build, with the same message.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

_MEMORY: dict[str, str] = {}
_MEMORY_LIMIT = 16  # a few sources a site: nothing piles up across rebuilds


def folder(config_file: str, name: str) -> Path:
    """``.cache/<name>`` next to the project's mkdocs.yml (``config_file``):
    where every hook keeps what it makes between builds."""
    return Path(config_file).parent / ".cache" / name


def key(kind: str, source: str, code: tuple[str, ...]) -> str:
    """The name a result is kept under: ``kind`` and a hash of ``source`` and
    of the files ``code`` (the modules that make the result)."""
    digest = hashlib.sha256()
    for module in code:
        digest.update(Path(module).read_bytes())
    digest.update(b"\0" + source.encode())
    return f"{kind}-{digest.hexdigest()[:16]}"


def kept(
    kind: str,
    source: str,
    make: Callable[[], Any],
    *,
    code: tuple[str, ...],
    folder: Path | None,
) -> Any:
    """``make()``'s result for ``source``, JSON-decoded: from memory, from
    ``folder`` (no disk cache when None), or made now and kept in both.
    ``code`` names the files of the modules ``make`` runs (see :func:`key`)."""
    name = key(kind, source, code)
    path = folder / f"{name}.json" if folder is not None else None
    text = _MEMORY.get(name)
    if text is None and path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            text = None
    value = _decode(text)
    if value is _MISSING:  # not kept, or a truncated or edited file: made again
        value = make()
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):  # e.g. a YAML date: used, not kept
            return value
        value = json.loads(text)  # what later builds get, and not make()'s own objects
        if path is not None:
            _write(path, text)
    if len(_MEMORY) >= _MEMORY_LIMIT:
        _MEMORY.clear()
    _MEMORY[name] = text
    return value


_MISSING = object()


def _decode(text: str | None) -> Any:
    if text is None:
        return _MISSING
    try:
        return json.loads(text)
    except ValueError:
        return _MISSING


def _write(path: Path, text: str) -> None:
    """Write ``text`` whole or not at all; a cache that cannot be written
    (read-only checkout) only costs the next build time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass
