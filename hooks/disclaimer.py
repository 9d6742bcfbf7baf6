"""Put the standard medical disclaimer on every built page, the 404 page included.

The notice's text lives in one Markdown file (``extra.disclaimer.notice`` in
``mkdocs.yml``, normally ``includes/disclaimer-notice.md``). This hook renders it
once per build and hands it to the theme, whose ``partials/disclaimer.html``
places it at the top of every page's content. Because it is part of the
template and not of the page's Markdown:

* no page's front matter or Markdown can remove it;
* the search index, built from each page's Markdown, never contains it.

After each page is rendered the hook checks that the notice is there exactly
once, so a template change, or a page forging a second copy, fails the build.

The logic is in plain functions (``load_notice``, ``render_notice``,
``count_notices``, ``check_notice_count``); the MkDocs event handlers at the
bottom only wire them in, so the logic can move to a pre-build step.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import markdown
import markupsafe
from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

# Stands for the path to the site root; the template replaces it per page.
ROOT_PLACEHOLDER = "__DN_ROOT__/"

# The opening tag the template writes. Escaped copies (in code blocks) do not
# match, so only real markup is counted.
NOTICE_MARKER = '<section class="dn-disclaimer"'

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MD_LINK = re.compile(r'href="(?!https?:|mailto:|#)([^"#]+\.md)(#[^"]*)?"')


class DisclaimerError(PluginError):
    """A problem with the disclaimer, reported without a traceback."""


# ---------------------------------------------------------------------------
# Helper functions
# ---------------------------------------------------------------------------


def load_notice(path: Path) -> str:
    """Return the notice's Markdown from ``path``, without HTML comments."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DisclaimerError(
            f"{path}: the disclaimer notice file does not exist. Restore it, or point "
            "'extra.disclaimer.notice' in mkdocs.yml at the right file."
        ) from None
    text = _COMMENT.sub("", text).strip()
    if not text:
        raise DisclaimerError(
            f"{path}: the disclaimer notice is empty. Every page must carry it: restore its text."
        )
    return text


def render_notice(text: str, page_urls: dict[str, str], source: str = "the notice") -> str:
    """Render the notice's Markdown to HTML.

    Links to ``.md`` files become links from the site root, written with
    ``ROOT_PLACEHOLDER`` for the template to resolve on each page.
    ``page_urls`` maps each page's source path (``about/disclaimer.md``) to its
    URL (``about/disclaimer/``).
    """
    html = markdown.markdown(text)

    def link(match: re.Match[str]) -> str:
        target, anchor = match.group(1), match.group(2) or ""
        if target not in page_urls:
            raise DisclaimerError(
                f"{source}: links to '{target}', which is not a page of the site. "
                "Link to a file under docs/, written from the docs/ folder "
                "(for example 'about/disclaimer.md')."
            )
        return f'href="{ROOT_PLACEHOLDER}{page_urls[target]}{anchor}"'

    return _MD_LINK.sub(link, html)


def count_notices(html: str) -> int:
    """How many disclaimer notices a rendered page carries."""
    return html.count(NOTICE_MARKER)


def check_notice_count(html: str, where: str) -> None:
    """Fail unless the rendered page ``where`` carries the notice exactly once."""
    found = count_notices(html)
    if found == 1:
        return
    if found == 0:
        raise DisclaimerError(
            f"{where}: the page was built without the medical disclaimer. Pages may not "
            "change their template ('template:' in front matter) or the theme's "
            "'content' block; use overrides/main.html, which includes "
            "partials/disclaimer.html."
        )
    raise DisclaimerError(
        f"{where}: the medical disclaimer appears {found} times; it must appear once. "
        "Remove any copy of its markup (class 'dn-disclaimer') from the page's Markdown."
    )


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
    """Render the notice once per build and give it to the templates."""
    settings = config.extra.get("disclaimer") or {}
    if "notice" not in settings:
        raise DisclaimerError(
            "mkdocs.yml: 'extra.disclaimer.notice' is missing; it names the file that "
            "holds the medical disclaimer notice (includes/disclaimer-notice.md)."
        )
    path = Path(config.config_file_path).parent / settings["notice"]
    page_urls = {f.src_uri: f.url for f in files.documentation_pages()}
    # Markup: made here from the checked notice, printed as HTML by the
    # template, which escapes everything else.
    env.globals["disclaimer_notice"] = markupsafe.Markup(
        render_notice(load_notice(path), page_urls, str(path))
    )
    return env


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    check_notice_count(output, f"docs/{page.file.src_uri}")
    return output


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    if template_name.endswith(".html"):
        check_notice_count(output_content, f"the theme template '{template_name}'")
    return output_content
