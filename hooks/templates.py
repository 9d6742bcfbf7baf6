"""The theme's templates, compiled once and kept between builds.

Every build compiled Material's templates (and the overrides) from source:
over a tenth of the build time (make bench). Jinja's own bytecode cache keeps
each compiled template in ``.cache/templates/`` and checks it against the
template's source, so an edited template, a theme update or another Python
version compiles afresh. The directory's name also covers the environment's
options and extensions, which change what a template compiles to.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import buildcache
import jinja2
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files


class OwnTemplates:
    """Jinja's ``autoescape`` for the project's own templates (the files in
    ``overrides/``), so every value they print is escaped unless it is
    Markup made by a hook. The theme's templates print HTML that MkDocs and
    the Markdown extensions made (page content, nav titles) as it is, so they
    keep the theme's setting; the values they print from front matter are
    checked as plain text (hooks/metadata.py).

    A class, not a function: its repr names the templates, which keeps the
    compiled-template folder the same from one build to the next."""

    def __init__(self, names: set[str]) -> None:
        self.names = frozenset(names)

    def __call__(self, name: str | None) -> bool:
        return name in self.names

    def __repr__(self) -> str:
        return f"OwnTemplates({sorted(self.names)})"


def own_templates(custom_dir: str | None) -> OwnTemplates:
    """The templates in ``custom_dir`` (``theme.custom_dir``), by the names
    the theme's loader knows them by."""
    root = Path(custom_dir) if custom_dir else None
    names = {p.relative_to(root).as_posix() for p in root.rglob("*.html")} if root else set()
    return OwnTemplates(names)


def cache_folder(env: jinja2.Environment, root: Path) -> Path:
    """Where ``env``'s compiled templates go: one folder per kind of environment."""
    options = (
        jinja2.__version__,
        sorted(env.extensions),
        env.autoescape if isinstance(env.autoescape, bool) else repr(env.autoescape),
        env.trim_blocks,
        env.lstrip_blocks,
        env.keep_trailing_newline,
        env.newline_sequence,
        env.block_start_string,
        env.variable_start_string,
        env.comment_start_string,
        env.line_statement_prefix,
    )
    digest = hashlib.sha256(repr(options).encode()).hexdigest()[:16]
    return root / digest


def keep_compiled(env: jinja2.Environment, root: Path) -> None:
    """Make ``env`` keep compiled templates under ``root``."""
    folder = cache_folder(env, root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only checkout: compile every time, as before
        return
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    # Another kind of environment (a changed option) left its own folder.
    for other in root.iterdir():
        if other.is_dir() and other != folder:
            shutil.rmtree(other, ignore_errors=True)


# Before any plugin renders a template with the environment.
@event_priority(100)
def on_env(env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    env.autoescape = own_templates(config.theme.custom_dir)
    keep_compiled(env, buildcache.folder(config.config_file_path, "templates"))
    return env
