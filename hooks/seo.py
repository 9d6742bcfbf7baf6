"""Structured data and sharing: JSON-LD (schema.org ``MedicalWebPage``) for each
page, Open Graph and Twitter meta tags, and ``robots.txt``.

The JSON-LD is built from the same values the reader sees: the page title,
its description, the review dates and reviewers shown at the bottom of the
page (from hooks/metadata.py), and the page's References list (from
hooks/citations.py). ``overrides/partials/seo.html`` writes it out.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import markupsafe
import shared

# MkDocs puts the hooks folder on sys.path, so sibling hooks import by name.
from citations import year_of
from metadata import AUDIENCE_TABLE

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

PUBLISHER = "The Dry Needling Guide editorial team"


def citation_ld(reference: dict[str, Any]) -> dict[str, Any]:
    """One reference (CSL data) as a schema.org ScholarlyArticle or CreativeWork."""
    article = reference.get("type") == "article-journal"
    item: dict[str, Any] = {
        "@type": "ScholarlyArticle" if article else "CreativeWork",
        "name": str(reference["title"]),
    }
    if year := year_of(reference):
        item["datePublished"] = str(year)
    if reference.get("container-title"):
        item["isPartOf"] = {"@type": "Periodical", "name": str(reference["container-title"])}
    ids = []
    if reference.get("DOI"):
        item["url"] = f"https://doi.org/{reference['DOI']}"
        ids.append(f"doi:{reference['DOI']}")
    if reference.get("PMID"):
        ids.append(f"pmid:{reference['PMID']}")
        item.setdefault("url", f"https://pubmed.ncbi.nlm.nih.gov/{reference['PMID']}/")
    if reference.get("URL"):
        item.setdefault("url", str(reference["URL"]))
    if ids:
        item["identifier"] = ids
    return item


def reviewers_ld(reviewed_by: Any) -> list[dict[str, Any]] | dict[str, Any]:
    if reviewed_by == "editorial-team":
        return {"@type": "Organization", "name": PUBLISHER}
    return [
        {"@type": "Person", "name": r["name"], "jobTitle": r["profession"]} for r in reviewed_by
    ]


def page_ld(
    *,
    title: str,
    description: str,
    url: str,
    audience: str,
    last_reviewed: str,
    reviewed_by: Any,
    references: list[dict[str, Any]],
    site_name: str,
    site_url: str,
) -> dict[str, Any]:
    """The JSON-LD object for one page."""
    types = AUDIENCE_TABLE[audience]["schema"]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": title,
        "description": description,
        "url": url,
        "inLanguage": "en",
        "lastReviewed": last_reviewed,
        "reviewedBy": reviewers_ld(reviewed_by),
        "audience": [{"@type": "MedicalAudience", "audienceType": t} for t in types],
        "medicalAudience": [f"https://schema.org/{t}" for t in types],
        "about": {"@type": "PhysicalTherapy", "name": "Dry needling"},
        "publisher": {"@type": "Organization", "name": PUBLISHER},
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": site_url},
    }
    if references:
        data["citation"] = [citation_ld(r) for r in references]
    return data


def to_script_json(data: dict[str, Any]) -> str:
    """JSON that is safe inside <script type="application/ld+json">: no '</'."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def robots_txt(site_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url.rstrip('/')}/sitemap.xml\n"


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


def on_page_context(
    context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    meta = shared.get(config, "dn_metadata", "hooks/seo.py")[page.file.src_uri].meta
    # Markup: to_script_json makes it safe inside <script>, where HTML
    # escaping would break the JSON.
    page.meta["dn_jsonld"] = markupsafe.Markup(
        to_script_json(
            page_ld(
                title=meta["title"],
                description=meta["description"],
                url=page.canonical_url,
                audience=meta["audience"],
                last_reviewed=meta["last_reviewed"].isoformat(),
                reviewed_by=meta["reviewed_by"],
                references=page.meta.get("dn_references", []),
                site_name=config.site_name,
                site_url=config.site_url,
            )
        )
    )
    return context


def on_post_build(*, config: MkDocsConfig) -> None:
    from pathlib import Path

    Path(config.site_dir, "robots.txt").write_text(robots_txt(config.site_url), encoding="utf-8")
