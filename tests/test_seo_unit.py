"""Unit tests for hooks/seo.py's plain functions."""

from __future__ import annotations

import json

from seo import citation_ld, page_ld, robots_txt, to_script_json

ARTICLE = {
    "type": "article-journal",
    "title": "A review",
    "issued": {"date-parts": [[2017]]},
    "container-title": "J Orthop Sports Phys Ther",
    "DOI": "10.2519/jospt.2017.7096",
    "PMID": "28158962",
}


def test_citation_ld_for_an_article() -> None:
    assert citation_ld(ARTICLE) == {
        "@type": "ScholarlyArticle",
        "name": "A review",
        "datePublished": "2017",
        "isPartOf": {"@type": "Periodical", "name": "J Orthop Sports Phys Ther"},
        "url": "https://doi.org/10.2519/jospt.2017.7096",
        "identifier": ["doi:10.2519/jospt.2017.7096", "pmid:28158962"],
    }


def test_citation_ld_for_a_web_page() -> None:
    item = citation_ld({"type": "webpage", "title": "Page", "URL": "https://x.org/p"})
    assert item == {"@type": "CreativeWork", "name": "Page", "url": "https://x.org/p"}


def ld(**changes):
    args = dict(
        title="Neck pain",
        description="About neck pain.",
        url="https://site/neck/",
        audience="patients",
        last_reviewed="2026-11-22",
        reviewed_by="editorial-team",
        references=[ARTICLE],
        site_name="Guide",
        site_url="https://site/",
    )
    args.update(changes)
    return page_ld(**args)


def test_page_ld_is_a_medical_web_page() -> None:
    data = ld()
    assert data["@type"] == "MedicalWebPage"
    assert data["about"] == {"@type": "PhysicalTherapy", "name": "Dry needling"}
    assert data["lastReviewed"] == "2026-11-22"
    assert data["reviewedBy"]["@type"] == "Organization"
    assert data["medicalAudience"] == ["https://schema.org/Patient"]
    assert len(data["citation"]) == 1
    assert "citation" not in ld(references=[])


def test_named_reviewers_become_people() -> None:
    data = ld(reviewed_by=[{"name": "Ann Example", "profession": "Physiotherapist"}])
    assert data["reviewedBy"] == [
        {"@type": "Person", "name": "Ann Example", "jobTitle": "Physiotherapist"}
    ]


def test_script_json_cannot_close_the_script_tag() -> None:
    text = to_script_json({"name": "</script><script>alert(1)</script>"})
    assert "</" not in text
    assert json.loads(text)["name"].startswith("</script>")


def test_robots_points_at_the_sitemap() -> None:
    assert robots_txt("https://x.github.io/guide/").endswith(
        "Sitemap: https://x.github.io/guide/sitemap.xml\n"
    )
