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

Each build marks the results it uses (their files' modification time); after
a successful build, :func:`sweep` removes the kept results no build input
maps to any more (an edited bibliography leaves its old result behind), so
``.cache/`` stays the size of one build's results. As a hook, this module
does that sweep (it is listed in mkdocs.yml).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shared
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

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
    if path is not None:
        _mark_used(path)
    value = _decode(text)
    if value is _MISSING:  # not kept, or a truncated or edited file: made again
        value = make()
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):  # e.g. a YAML date: used, not kept
            return value
        value = json.loads(text)  # what later builds get, and not make()'s own objects
        if path is not None:
            write_text(path, text)
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


def _mark_used(path: Path) -> None:
    with contextlib.suppress(OSError):  # not kept yet, or a read-only checkout
        os.utime(path)


def write_text(path: Path, text: str) -> None:
    """Write ``text`` whole or not at all; a cache that cannot be written
    (read-only checkout) only costs the next build time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass


def sweep(root: Path, since: float) -> list[Path]:
    """Remove the results under ``root`` (``.cache/``) that no build since
    ``since`` (a time stamp) has used; return what was removed. Only the
    results this module keeps (``<kind>/<key>.json``) are swept: Jinja keeps
    its compiled templates itself, one file per template."""
    removed = []
    for path in root.glob("*/*.json"):
        try:
            if path.stat().st_mtime < since:
                path.unlink()
                removed.append(path)
        except OSError:
            pass
    return removed


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------

STARTED = "dn_build_started"


def on_pre_build(*, config: MkDocsConfig) -> None:
    shared.put(config, STARTED, time.time())


# Last, after every hook has used or written what it keeps.
@event_priority(-100)
def on_post_build(*, config: MkDocsConfig) -> None:
    since = shared.get(config, STARTED, "hooks/buildcache.py")
    sweep(Path(config.config_file_path).parent / ".cache", since)
