"""Contributors' files: readable text, sensible weight.

Two checks, once per build, before any other hook reads a file:

Encoding. Every text file the build reads from contributors must be UTF-8
(a byte order mark is fine): the pages, SVGs, stylesheets and other text files
in docs/, every file in includes/, and the data files named in mkdocs.yml
(``extra.bibliography``, ``extra.evidence``). A file saved in another encoding
(Windows 1252, say, by an older editor) would otherwise stop the build with a
traceback from whichever hook reads it first, naming neither the file nor the
line. Here the build stops naming the file, the line, the column and the byte,
and says how to re-save the file; every such file is listed at once.

Weight. A photo straight off a phone or camera is megabytes, and a reader on
a phone pays for it (see the limits below). Every file in docs/ that is not a
page is weighed: over ``SOFT_LIMIT`` a warning that does not stop the build,
over ``HARD_LIMIT`` an error; both say how to make the file smaller.

Files MkDocs leaves out of the site (``exclude_docs``; dot-files by default)
and hidden files in includes/ are neither read nor published, so not checked.
"""

from __future__ import annotations

import codecs
import logging
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

# Outside the "mkdocs" logger on purpose: MkDocs counts that logger's warnings
# to fail strict builds, and a heavy image must not block a correction.
log = logging.getLogger("dn_guide.input_files")

# Files in docs/ that the build reads as text.
TEXT_SUFFIXES = (".md", ".svg", ".css", ".yml", ".yaml", ".txt", ".html", ".js", ".json")
# Read as text, every file: the snippets pages include (mkdocs.yml).
INCLUDES = "includes"
# The data files in mkdocs.yml's `extra`, with the defaults their hooks use.
DATA_FILES = {"bibliography": "data/bibliography.yaml", "evidence": "data/evidence.yaml"}

# What one file may cost a reader on a phone. Lighthouse's simulated slow 4G
# (1.6 Mbit/s, about 205 KB a second: the throttling `make bench` uses) takes
# about 1.5 s for 300 KB and 5 s for 1 MB, while a whole text page of this
# site, its HTML, CSS and scripts, is about 59 KB gzipped (README.md,
# Performance: conditions/neck-pain/ is 58.5 KB), 0.3 s. An image over the
# soft limit costs a reader five text pages: worth a warning, not a blocked
# correction. One over the hard limit holds a reader up for seconds, and is
# nearly always a photo or a document that was never made smaller: the build
# stops.
SOFT_LIMIT = 300 * 1024
HARD_LIMIT = 1024 * 1024
SLOW_4G = 1.6 * 1024 * 1024 / 8  # bytes a second, as Lighthouse simulates it

RASTER = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".tif", ".tiff")
ADVICE_RASTER = (
    "resize to at most 1600 px wide and save as WebP or AVIF "
    "(e.g. `cwebp -q 80 -resize 1600 0 in.jpg -o out.webp`); a diagram should be SVG"
)
ADVICE_SVG = "simplify the drawing or run it through an SVG optimiser (svgo)"
ADVICE_OTHER = "link to it on another site's page instead, or make it smaller"

RESAVE = (
    "Re-save the file as UTF-8 (in VS Code: 'Reopen with Encoding' → the file's real "
    "encoding, e.g. Windows 1252, then 'Save with Encoding' → UTF-8)."
)


class InputFileError(PluginError):
    """A contributor's file that cannot be read or is too heavy, reported
    without a traceback."""


# ---------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------


def utf8_error(data: bytes) -> tuple[int, int, bytes] | None:
    """Where ``data`` stops being UTF-8: (line, column, the bad bytes), or
    None if it is UTF-8 throughout. A leading byte order mark is allowed and
    takes no column; columns count characters, as editors do."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        data[start:].decode("utf-8")
    except UnicodeDecodeError as err:
        bad = start + err.start
        line_start = max(data.rfind(b"\n", 0, bad) + 1, start)
        column = len(data[line_start:bad].decode("utf-8")) + 1
        return data.count(b"\n", 0, bad) + 1, column, data[bad : start + err.end]
    return None


def encoding_problem(data: bytes, where: str) -> str | None:
    """What is wrong with the text file ``where`` holding ``data``, and the
    fix, or None if it is UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return f"{where}:1: saved as UTF-16, not UTF-8. {RESAVE}"
    found = utf8_error(data)
    if found is None:
        return None
    line, column, bad = found
    kind = "byte" if len(bad) == 1 else "bytes"
    hexes = " ".join(f"0x{b:02X}" for b in bad)
    return f"{where}:{line}: not valid UTF-8 ({kind} {hexes} at column {column}). {RESAVE}"


def check_encoding(paths: Iterable[Path], root: Path) -> list[str]:
    """A problem for each file in ``paths`` that is not UTF-8, named relative
    to the project folder ``root``."""
    problems = []
    for path in paths:
        if problem := encoding_problem(path.read_bytes(), label(path, root)):
            problems.append(problem)
    return problems


# ---------------------------------------------------------------------------
# Weight
# ---------------------------------------------------------------------------


def advice(name: str) -> str:
    """How to make the file ``name`` lighter, by its kind."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix in RASTER:
        return ADVICE_RASTER
    if suffix == ".svg":
        return ADVICE_SVG
    return ADVICE_OTHER


def weight(size: int) -> str:
    """'light', 'heavy' (over the soft limit: a warning) or 'too heavy' (over
    the hard limit: the build stops)."""
    if size > HARD_LIMIT:
        return "too heavy"
    if size > SOFT_LIMIT:
        return "heavy"
    return "light"


def kilobytes(size: int) -> int:
    """``size`` in KB, rounded up: a file just over a limit never shows as on it."""
    return math.ceil(size / 1024)


def check_weights(sizes: Iterable[tuple[str, int]]) -> tuple[list[str], list[str]]:
    """(warnings, problems) for the files named in ``sizes`` (name, bytes)."""
    warnings, problems = [], []
    for where, size in sizes:
        kind = weight(size)
        if kind == "light":
            continue
        one = "one image" if advice(where) != ADVICE_OTHER else "one file"
        if kind == "heavy":
            warnings.append(
                f"WARNING -  {where}: {kilobytes(size)} KB, over the {kilobytes(SOFT_LIMIT)} KB "
                f"a phone reader should pay for {one}; {advice(where)}."
            )
        else:
            problems.append(
                f"{where}: {kilobytes(size)} KB, over the {HARD_LIMIT / 2**20:g} MB limit for "
                f"{one} (about {size / SLOW_4G:.0f} s to load on a phone's slow 4G); "
                f"{advice(where)}."
            )
    return warnings, problems


# ---------------------------------------------------------------------------
# The files a build reads
# ---------------------------------------------------------------------------


def label(path: Path, root: Path) -> str:
    """``path`` as a contributor knows it: relative to the project folder."""
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return str(path)


def docs_files(files: Files, docs_dir: str) -> list[Path]:
    """The files of ``files`` that are in ``docs_dir`` (not the theme's, not
    generated) and that the site includes."""
    docs = Path(os.path.abspath(docs_dir))
    found = []
    for file in files:
        if file.abs_src_path is None or file.inclusion.is_excluded():
            continue
        path = Path(os.path.abspath(file.abs_src_path))
        if path.is_relative_to(docs):
            found.append(path)
    return found


def text_files(docs: Iterable[Path], root: Path, extra: dict) -> list[Path]:
    """Every text file a build reads from contributors: the text files of
    ``docs``, every file in includes/ and the data files ``extra`` names."""
    paths = [p for p in docs if p.name.lower().endswith(TEXT_SUFFIXES)]
    includes = root / INCLUDES
    if includes.is_dir():
        paths += sorted(
            p
            for p in includes.rglob("*")
            if p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(includes).parts)
        )
    for name, default in DATA_FILES.items():
        path = root / extra.get(name, default)
        if path.is_file():
            paths.append(path)
    return list(dict.fromkeys(paths))


def check_inputs(
    files: Files, docs_dir: str, root: Path, extra: dict
) -> tuple[list[str], list[str]]:
    """(warnings, problems) for one build's files: every text file's
    encoding, every static file's weight."""
    docs = docs_files(files, docs_dir)
    problems = check_encoding(text_files(docs, root, extra), root)
    sizes = [(label(p, root), p.stat().st_size) for p in docs if p.suffix.lower() != ".md"]
    warnings, too_heavy = check_weights(sizes)
    return warnings, problems + too_heavy


def report(problems: list[str]) -> None:
    """Raise one error listing every problem, if there is any."""
    if problems:
        raise InputFileError("contributors' files to fix:\n" + "\n".join(problems))


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


# Before every other hook or plugin reads a file.
@event_priority(100)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    root = Path(os.path.abspath(config.config_file_path)).parent
    warnings, problems = check_inputs(files, config.docs_dir, root, config.extra)
    for warning in warnings:
        log.warning(warning)
    report(problems)
    return files
