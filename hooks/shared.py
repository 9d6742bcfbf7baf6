"""What the hooks hand to one another: the contract, in one place.

A hook that makes a value for others stores it with :func:`put`; a hook that
needs one reads it with :func:`get`. The table below says, for each value,
which hook makes it, in which event, and who reads it. Event priorities
(``@event_priority``) put every maker before its readers, so the order of
the ``hooks:`` list in mkdocs.yml does not matter (tests/test_pipeline.py
builds the site with the list reversed). A reader that runs without its
maker fails with a message that names the maker, never a KeyError.

Values live in the build's ``config`` (made anew for every build, also under
``mkdocs serve``) or in ``page.meta`` (read afresh from the page on every
build), so nothing carries over from one build to the next.

When a hook moves to a pre-build step (Zensical runs no MkDocs hooks), this
table is the list of what that step must produce.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page


@dataclass(frozen=True)
class Value:
    maker: str  # the hook that makes it
    event: str  # in which event, at which priority
    what: str
    readers: tuple[str, ...]


# Values in ``config``, in the order they are made.
CONFIG = {
    "dn_build_started": Value(
        "hooks/buildcache.py",
        "on_pre_build",
        "when the build started",
        ("hooks/buildcache.py (on_post_build: the sweep of .cache/)",),
    ),
    "dn_metadata": Value(
        "hooks/metadata.py",
        "on_files (priority 90)",
        "every page's checked front matter",
        (
            "hooks/citations.py",
            "hooks/seo.py",
            "hooks/search_terms.py",
            "hooks/metadata.py",
            "hooks/changelog.py",
        ),
    ),
    "dn_citations": Value(
        "hooks/citations.py",
        "on_files (priority 80)",
        "the checked bibliography and who cites what (hooks/guidelines.py adds the "
        "citations its tables make before on_nav, where uncited entries are reported)",
        (
            "hooks/evidence.py",
            "hooks/guidelines.py",
            "hooks/opendata.py",
            "hooks/pictures.py",
            "hooks/emergency.py",
            "hooks/citations.py (on_page_markdown)",
        ),
    ),
    "dn_evidence": Value(
        "hooks/evidence.py",
        "on_files (priority 70)",
        "the checked evidence data",
        (
            "hooks/evidence.py (on_page_markdown)",
            "hooks/guidelines.py",
            "hooks/opendata.py",
            "hooks/changelog.py",
        ),
    ),
    "dn_guidelines": Value(
        "hooks/guidelines.py",
        "on_files (priority 60)",
        "the checked guideline data",
        ("hooks/guidelines.py (on_page_markdown)", "hooks/opendata.py"),
    ),
    "dn_emergency": Value(
        "hooks/emergency.py",
        "on_files (priority 75)",
        "the checked list of emergency numbers",
        ("hooks/emergency.py (on_page_markdown)", "hooks/disclaimer.py (the notice)"),
    ),
    "dn_pictures": Value(
        "hooks/pictures.py",
        "on_files (priority 60)",
        "the checked picture data (icon arrays, timeline)",
        ("hooks/pictures.py (on_page_markdown)",),
    ),
    "dn_changelog": Value(
        "hooks/changelog.py",
        "on_files (priority 50)",
        "the checked changelog",
        ("hooks/changelog.py (on_page_markdown)",),
    ),
    "dn_hiding_classes": Value(
        "hooks/content_safety.py",
        "on_files",
        "the classes the stylesheets hide things with",
        ("hooks/content_safety.py (on_page_content)",),
    ),
    "dn_disclaimer_notice": Value(
        "hooks/disclaimer.py",
        "on_files",
        "the rendered disclaimer notice and its sentences",
        ("hooks/disclaimer.py (on_env, on_page_content)",),
    ),
    "dn_search_terms": Value(
        "hooks/search_terms.py",
        "on_files",
        "each page's search terms, by URL",
        ("hooks/search_terms.py (on_post_build)",),
    ),
    "dn_figure_sizes": Value(
        "hooks/figures.py",
        "on_files",
        "each figure's width and height",
        ("hooks/figures.py (on_page_content)",),
    ),
    "dn_stylesheets": Value(
        "hooks/stylesheets.py",
        "on_config",
        "the combined stylesheet being gathered",
        ("hooks/finish.py",),
    ),
    "dn_csp_allowed": Value(
        "hooks/csp.py",
        "on_env (priority -100)",
        "the inline scripts and styles the templates make",
        ("hooks/finish.py",),
    ),
}

# Values in ``page.meta``, in the order they are made for each page.
PAGE_META = {
    "tags": Value(
        "hooks/metadata.py",
        "on_page_markdown",
        "the page's tags with its audience's",
        ("Material's tags plugin (priority -50)",),
    ),
    "dn_review": Value(
        "hooks/metadata.py",
        "on_page_markdown",
        "review dates and reviewers",
        ("overrides/partials/review.html",),
    ),
    "glightbox": Value(
        "hooks/lightbox.py",
        "on_page_markdown",
        "False on pages without images",
        ("mkdocs-glightbox",),
    ),
    "dn_stash": Value(
        "hooks/stash.py",
        "put() from any hook",
        "hook-made HTML kept out of the Markdown parser",
        ("hooks/stash.py",),
    ),
    "dn_references": Value(
        "hooks/citations.py",
        "on_page_markdown",
        "the page's References list",
        ("hooks/seo.py",),
    ),
    "dn_jsonld": Value(
        "hooks/seo.py",
        "on_page_context",
        "the page's JSON-LD",
        ("overrides/partials/structured-data.html",),
    ),
}


class ContractError(PluginError):
    """A hook ran without the hook that makes what it needs."""


def put(config: MkDocsConfig, key: str, value: Any) -> None:
    """Store ``value``, which the contract names ``key``."""
    if key not in CONFIG:
        raise ContractError(f"hooks/shared.py: '{key}' is not in the table of shared values.")
    config[key] = value


def get(config: MkDocsConfig, key: str, reader: str) -> Any:
    """The value named ``key``, for the hook ``reader``."""
    if key not in config:
        value = CONFIG[key]
        raise ContractError(
            f"{reader} needs {value.what} ('{key}'), which {value.maker} makes in "
            f"{value.event}, but it has not run. List {value.maker} under 'hooks:' in "
            "mkdocs.yml (any position: the priorities order the hooks), and keep its "
            "priority above the reader's."
        )
    return config[key]


def data_file(config: MkDocsConfig, name: str) -> tuple[Path, str]:
    """A contributors' data file, as ``extra: {name: ...}`` in mkdocs.yml names
    it (else data/<name>.yaml): its path, and its name as written, for messages."""
    relative = config.extra.get(name, f"data/{name}.yaml")
    return Path(config.config_file_path).parent / relative, relative


def docs_label(config: MkDocsConfig) -> str:
    """The docs folder as contributors know it (``docs``): from the project's
    folder, as messages name files."""
    docs, root = Path(config.docs_dir), Path(config.config_file_path).parent
    try:
        return docs.relative_to(root).as_posix()
    except ValueError:
        return docs.as_posix()


def page_label(config: MkDocsConfig, page: Page) -> str:
    """``docs/x.md`` for the page: how messages name it."""
    return f"{docs_label(config)}/{page.file.src_uri}"
