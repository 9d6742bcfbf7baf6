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
from pathlib import Path
from typing import TYPE_CHECKING

import buildcache
import jinja2
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files


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


# Before any plugin renders a template with the environment.
@event_priority(100)
def on_env(env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    keep_compiled(env, buildcache.folder(config.config_file_path, "templates"))
    return env
