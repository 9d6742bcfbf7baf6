"""Each figure is one SVG file; the build makes its dark-palette twin.

A figure in ``docs/assets/figures/NAME.svg`` keeps its colours in CSS custom
properties, with a light palette on ``svg`` and a dark one on ``svg.dark``.
Material shows ``NAME.svg#only-light`` in the light palette and
``NAME-dark.svg#only-dark`` in the dark one; this hook generates
``NAME-dark.svg`` (the same file, with ``class="dark"`` on its root), so
editors change one file and the two cannot drift apart.

Figure images get ``width`` and ``height`` from their SVG's viewBox, so the
page keeps their space while they load (no layout shift; lazy images have no
size until then).

The lightbox (mkdocs-glightbox) shows a caption only from an image's
``data-description``; this hook copies each figure's ``<figcaption>`` text
there (citation markers left out), before the plugin reads it.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import shared
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

FIGURES = "assets/figures/"
ROOT_TAG = re.compile(r"<svg\b[^>]*>")
FIGURE = re.compile(r"<figure\b.*?</figure>", re.S)
CAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.S)
CITATION = re.compile(r'<sup class="dn-cite".*?</sup>', re.S)
TAG = re.compile(r"<[^>]+>")


def caption_text(figure: str) -> str | None:
    """The plain text of a figure's caption, without citation markers."""
    match = CAPTION.search(figure)
    if not match:
        return None
    text = TAG.sub("", CITATION.sub("", match.group(1)))
    return " ".join(html.unescape(text).split()).replace(" .", ".")


VIEWBOX = re.compile(r'viewBox="\s*[\d.]+\s+[\d.]+\s+([\d.]+)\s+([\d.]+)\s*"')
FIGURE_SRC = re.compile(r'<img\b[^>]*\ssrc="[^"]*assets/figures/([\w-]+?)(?:-dark)?\.svg[^"]*"')


def viewbox_size(svg: str) -> tuple[str, str] | None:
    match = VIEWBOX.search(svg)
    return (match.group(1), match.group(2)) if match else None


def prepare_figures(content: str, sizes: dict[str, tuple[str, str]]) -> str:
    """Give each image in a <figure> its caption as ``data-description`` and,
    for figures of ours, its width and height (``sizes``: name -> viewBox size)."""

    def one(match: re.Match[str]) -> str:
        figure = match.group(0)
        text = caption_text(figure)
        attribute = f' data-description="{html.escape(text)}"' if text else ""

        def img(tag: re.Match[str]) -> str:
            out = tag.group(0)
            name = FIGURE_SRC.match(out)
            if name and name.group(1) in sizes and " width=" not in out:
                width, height = sizes[name.group(1)]
                out = out.replace("<img", f'<img width="{width}" height="{height}"', 1)
            if attribute and "data-description" not in out:
                out = out.replace("<img", "<img" + attribute, 1)
            return out

        return re.sub(r"<img\b[^>]*>", img, figure)

    return FIGURE.sub(one, content)


def dark_variant(svg: str, where: str) -> str:
    """``svg`` with ``class="dark"`` on its root element."""
    root = ROOT_TAG.search(svg)
    if root is None:
        raise PluginError(f"{where}: no <svg> root element.")
    tag = root.group(0)
    if re.search(r"\sclass=", tag):
        raise PluginError(
            f"{where}: the root <svg> has a class; figures keep their palettes on "
            "'svg' and 'svg.dark' and the build adds class=\"dark\" itself."
        )
    return svg[: root.start()] + tag[:-1] + ' class="dark">' + svg[root.end() :]


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    sizes = {}
    for file in list(files):
        uri = file.src_uri
        if uri.startswith(FIGURES) and uri.endswith(".svg") and not uri.endswith("-dark.svg"):
            svg = file.content_string
            files.append(
                File.generated(
                    config, uri[: -len(".svg")] + "-dark.svg", content=dark_variant(svg, uri)
                )
            )
            if size := viewbox_size(svg):
                sizes[uri[len(FIGURES) : -len(".svg")]] = size
    shared.put(config, "dn_figure_sizes", sizes)
    return files


# Before mkdocs-glightbox (priority 0) reads the images' attributes.
@event_priority(50)
def on_page_content(html_: str, *, page, config: MkDocsConfig, files: Files) -> str:
    if "<figure" not in html_:
        return html_
    return prepare_figures(html_, shared.get(config, "dn_figure_sizes", "hooks/figures.py"))
