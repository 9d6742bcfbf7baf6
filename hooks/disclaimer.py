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
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING

import content_safety
import emergency
import markdown
import markupsafe
import shared
from mkdocs.exceptions import PluginError
from tags import start_tags

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
NOTICE_CLASS = "dn-disclaimer"

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<[^>]*>")
_MD_LINK = re.compile(r'href="(?!https?:|mailto:|#)([^"#]+\.md)(#[^"]*)?"')


class DisclaimerError(PluginError):
    """A problem with the disclaimer, reported without a traceback."""


# ---------------------------------------------------------------------------
# Helper functions
# ---------------------------------------------------------------------------


def load_notice(path: Path, numbers: str | None = None) -> str:
    """Return the notice's Markdown from ``path``, without HTML comments; the
    emergency-number marker (hooks/emergency.py) becomes ``numbers``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DisclaimerError(
            f"{path}: the disclaimer notice file does not exist. Restore it, or point "
            "'extra.disclaimer.notice' in mkdocs.yml at the right file."
        ) from None
    if numbers is not None:
        text = text.replace(emergency.SHORT, numbers)
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


def check_notice_markup(html: str, source: str, where: str) -> None:
    """The notice is on every page: it may hold links and emphasis, but
    nothing that content may not hold either (hooks/content_safety.py)."""
    problems = content_safety.report(content_safety.scan_html(html), source, where)
    if problems:
        raise DisclaimerError("the disclaimer notice is unsafe:\n" + "\n".join(problems))


def _words(html: str) -> str:
    """The text of ``html``, lower case, with single spaces."""
    text = " ".join(unescape(_TAG.sub(" ", html)).lower().split())
    return re.sub(r" ([.,;:!?])", r"\1", text)  # "</a>." leaves no space before "."


def notice_sentences(html: str) -> list[str]:
    """The sentences of the rendered notice long enough to be its wording
    (five words or more), as :func:`_words` gives them."""
    sentences = re.split(r"(?<=[.!?])\s+", _words(html))
    return [s for s in sentences if len(s.split()) >= 5]


def imitation(content: str, sentences: list[str]) -> str | None:
    """A sentence of the notice that a page's ``content`` repeats, if any: a
    second copy of its wording, in other markup, would pass for the notice."""
    text = _words(content)
    return next((s for s in sentences if s in text), None)


def count_notices(html: str) -> int:
    """How many disclaimer notices a rendered page carries."""
    return sum(1 for t in start_tags(html, "section") if t.has_class(NOTICE_CLASS))


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


NOTICE = "dn_disclaimer_notice"


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Render and check the notice once per build, before any page: pages
    are checked against its wording."""
    settings = config.extra.get("disclaimer") or {}
    if "notice" not in settings:
        raise DisclaimerError(
            "mkdocs.yml: 'extra.disclaimer.notice' is missing; it names the file that "
            "holds the medical disclaimer notice (includes/disclaimer-notice.md)."
        )
    path = Path(config.config_file_path).parent / settings["notice"]
    page_urls = {f.src_uri: f.url for f in files.documentation_pages()}
    # The emergency numbers come from their one list (hooks/emergency.py).
    numbers = emergency.short_list(shared.get(config, emergency.KEY, "hooks/disclaimer.py"))
    notice = render_notice(load_notice(path, numbers), page_urls, str(path))
    check_notice_markup(notice, path.read_text(encoding="utf-8"), settings["notice"])
    shared.put(config, NOTICE, {"html": notice, "sentences": notice_sentences(notice)})
    return files


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
    """Give the notice to the templates. Markup: made from the checked
    notice, printed as HTML by the template, which escapes everything else."""
    notice = shared.get(config, NOTICE, "hooks/disclaimer.py")
    env.globals["disclaimer_notice"] = markupsafe.Markup(notice["html"])
    return env


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    notice = shared.get(config, NOTICE, "hooks/disclaimer.py")
    sentence = imitation(html, notice["sentences"])
    if sentence:
        source = page.file.content_string
        line = content_safety.line_of(source, " ".join(sentence.split()[:4]))
        raise DisclaimerError(
            f"{shared.page_label(config, page)}{f':{line}' if line else ''}: the page repeats the "
            f"medical disclaimer notice ('{sentence}'), which the template adds to every "
            "page: a second copy would pass for it. Remove it, or say it in other words; to "
            "point readers to the disclaimer, link to about/disclaimer.md."
        )
    return html
