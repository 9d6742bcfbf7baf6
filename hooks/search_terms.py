"""Other words readers type for a page's topic, added to the search index.

Material's search matches the words on the page, and readers misspell
("pnuemothorax", "acupunture") or use another spelling ("lymphedema"). A
page lists such words in front matter::

    search_terms: [pnuemothorax, pneumothorax]

and this hook appends them to that page's entry in the search index, after
the search plugin has written it, without changing what the page shows.
Plain words readers use belong in the page itself (see CONTRIBUTING.md);
this field is for spellings a page should not print.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING

import shared
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files


def add_terms(index: dict, terms: dict[str, list[str]]) -> dict:
    """``index`` (search_index.json) with each page's ``terms`` appended to the
    text of the page's own entry (location = the page's URL)."""
    for doc in index["docs"]:
        extra = terms.get(doc["location"])
        if extra:
            # The index's text is HTML (search results show it as such).
            words = " ".join(html.escape(term, quote=False) for term in extra)
            doc["text"] = f"{doc['text']} {words}".strip()
    return index


# After Material's search plugin writes the index in its on_post_build.
@event_priority(-100)
def on_post_build(*, config: MkDocsConfig) -> None:
    terms = shared.get(config, KEY, "hooks/search_terms.py")
    path = Path(config.site_dir) / "search" / "search_index.json"
    if terms and path.exists():
        index = add_terms(json.loads(path.read_text(encoding="utf-8")), terms)
        path.write_text(
            json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )


KEY = "dn_search_terms"


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Each page's search terms by its URL, from the checked front matter."""
    pages = shared.get(config, "dn_metadata", "hooks/search_terms.py")
    urls = {f.src_uri: f.url for f in files.documentation_pages()}
    terms = {
        urls[src]: fm.meta["search_terms"]
        for src, fm in pages.items()
        if fm.meta.get("search_terms")
    }
    shared.put(config, KEY, terms)
    return files
