"""hooks/input_files.py: contributors' text files must be UTF-8, and files in
docs/ light enough for a phone. Unit tests of its functions, then builds of a
copy of the site with a file saved in the wrong encoding or too heavy."""

from __future__ import annotations

import codecs
import random
import re
from pathlib import Path

import input_files
import pytest
from conftest import mkdocs_build
from input_files import (
    ADVICE_OTHER,
    ADVICE_RASTER,
    ADVICE_SVG,
    HARD_LIMIT,
    SOFT_LIMIT,
    InputFileError,
)

PAGE = "docs/safety/index.md"


def noise(size: int) -> bytes:
    """``size`` bytes that compress no better than a photo."""
    return random.Random(size).randbytes(size)


# ---------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------


def test_utf8_is_accepted() -> None:
    assert input_files.utf8_error("Café, naïve — 5 µm\n".encode()) is None
    assert input_files.encoding_problem(b"", "x.md") is None


def test_a_byte_order_mark_is_accepted() -> None:
    data = codecs.BOM_UTF8 + "---\ntitle: Café\n".encode()
    assert input_files.utf8_error(data) is None
    assert input_files.encoding_problem(data, "x.md") is None


def test_line_and_column_of_the_bad_byte() -> None:
    data = b"---\ntitle: x\n---\n\nA pat\xe9 owner.\n"
    assert input_files.utf8_error(data) == (5, 6, b"\xe9")


def test_columns_count_characters_and_not_the_byte_order_mark() -> None:
    # "é" is two bytes and one column; the mark before line 1 takes none.
    assert input_files.utf8_error("né ".encode() + b"\xff") == (1, 4, b"\xff")
    assert input_files.utf8_error(codecs.BOM_UTF8 + b"ab\x80") == (1, 3, b"\x80")
    assert input_files.utf8_error(b"one\r\ntwo\r\n\x80") == (3, 1, b"\x80")


def test_a_cut_sequence_shows_its_bytes() -> None:
    # The first two bytes of "—" (E2 80 94), then plain text.
    assert input_files.utf8_error(b"a \xe2\x80 b") == (1, 3, b"\xe2\x80")
    problem = input_files.encoding_problem(b"a \xe2\x80 b", "x.md")
    assert "(bytes 0xE2 0x80 at column 3)" in problem


def test_the_message_names_file_line_column_byte_and_fix() -> None:
    data = b"line one\n" * 11 + b"A pat\xe9 owner.\n"
    assert input_files.encoding_problem(data, "docs/x.md") == (
        "docs/x.md:12: not valid UTF-8 (byte 0xE9 at column 6). Re-save the file as UTF-8 "
        "(in VS Code: 'Reopen with Encoding' → the file's real encoding, e.g. Windows 1252, "
        "then 'Save with Encoding' → UTF-8)."
    )


def test_utf16_is_named() -> None:
    data = "title: x\n".encode("utf-16")
    problem = input_files.encoding_problem(data, "docs/x.md")
    assert problem.startswith("docs/x.md:1: saved as UTF-16, not UTF-8.")


def test_every_bad_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    good = tmp_path / "docs" / "good.md"
    good.write_text("Café\n", encoding="utf-8")
    first = tmp_path / "docs" / "first.md"
    first.write_bytes(b"pat\xe9\n")
    second = tmp_path / "second.yaml"
    second.write_bytes(b"ok\n\x93quoted\x94\n")
    problems = input_files.check_encoding([good, first, second], tmp_path)
    assert [p.split(" ")[0] for p in problems] == ["docs/first.md:1:", "second.yaml:2:"]
    with pytest.raises(InputFileError) as raised:
        input_files.report(problems)
    assert "docs/first.md:1:" in str(raised.value) and "second.yaml:2:" in str(raised.value)
    input_files.report([])  # no problem, no error


def test_the_text_files_a_build_reads(tmp_path: Path) -> None:
    docs = [tmp_path / "docs" / n for n in ("a.md", "b.svg", "c.CSS", "d.png", "e.pdf")]
    (tmp_path / "includes" / "sub").mkdir(parents=True)
    for name in ("includes/x.md", "includes/sub/y.txt", "includes/.DS_Store", "data/bib.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = input_files.text_files(docs, tmp_path, {"bibliography": "data/bib.yaml"})
    assert [input_files.label(p, tmp_path) for p in found] == [
        "docs/a.md",
        "docs/b.svg",
        "docs/c.CSS",
        "includes/sub/y.txt",
        "includes/x.md",
        "data/bib.yaml",
    ]


# ---------------------------------------------------------------------------
# Weight
# ---------------------------------------------------------------------------


def test_the_limits_are_what_a_phone_reader_pays() -> None:
    assert (SOFT_LIMIT, HARD_LIMIT) == (300 * 1024, 1024 * 1024)
    # Lighthouse's slow 4G: about 1.5 s and 5 s.
    assert round(SOFT_LIMIT / input_files.SLOW_4G, 1) == 1.5
    assert round(HARD_LIMIT / input_files.SLOW_4G) == 5


@pytest.mark.parametrize(
    ("size", "kind"),
    [
        (0, "light"),
        (SOFT_LIMIT, "light"),
        (SOFT_LIMIT + 1, "heavy"),
        (HARD_LIMIT, "heavy"),
        (HARD_LIMIT + 1, "too heavy"),
    ],
)
def test_weight(size: int, kind: str) -> None:
    assert input_files.weight(size) == kind


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("docs/assets/photo.jpg", ADVICE_RASTER),
        ("docs/assets/PHOTO.JPEG", ADVICE_RASTER),
        ("docs/assets/scan.tiff", ADVICE_RASTER),
        ("docs/assets/anim.gif", ADVICE_RASTER),
        ("docs/assets/figure.webp", ADVICE_RASTER),
        ("docs/assets/figures/map.svg", ADVICE_SVG),
        ("docs/assets/leaflet.pdf", ADVICE_OTHER),
        ("docs/assets/clip.mp4", ADVICE_OTHER),
    ],
)
def test_advice_by_kind(name: str, expected: str) -> None:
    assert input_files.advice(name) == expected


def test_advice_says_how() -> None:
    assert "WebP or AVIF" in ADVICE_RASTER and "1600 px" in ADVICE_RASTER
    assert "cwebp" in ADVICE_RASTER and "SVG" in ADVICE_RASTER
    assert "svgo" in ADVICE_SVG
    assert "another site" in ADVICE_OTHER


def test_warnings_and_problems_by_weight() -> None:
    warnings, problems = input_files.check_weights(
        [
            ("docs/assets/small.png", 20 * 1024),
            ("docs/assets/photo.jpg", 512 * 1024),
            ("docs/assets/map.svg", SOFT_LIMIT + 1),
            ("docs/assets/huge.jpg", 1200 * 1024),
            ("docs/assets/leaflet.pdf", 2 * HARD_LIMIT),
        ]
    )
    assert warnings == [
        "WARNING -  docs/assets/photo.jpg: 512 KB, over the 300 KB a phone reader should pay "
        f"for one image; {ADVICE_RASTER}.",
        # Rounded up: a file one byte over the limit is not shown as on it.
        "WARNING -  docs/assets/map.svg: 301 KB, over the 300 KB a phone reader should pay "
        f"for one image; {ADVICE_SVG}.",
    ]
    assert problems == [
        "docs/assets/huge.jpg: 1200 KB, over the 1 MB limit for one image (about 6 s to load "
        f"on a phone's slow 4G); {ADVICE_RASTER}.",
        "docs/assets/leaflet.pdf: 2048 KB, over the 1 MB limit for one file (about 10 s to "
        f"load on a phone's slow 4G); {ADVICE_OTHER}.",
    ]


# ---------------------------------------------------------------------------
# Builds
# ---------------------------------------------------------------------------


def test_the_hook_runs_first(project_copy: Path) -> None:
    """Before any other hook reads a file (and would fail on it with a traceback)."""
    text = (project_copy / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^hooks:\n  - hooks/input_files\.py\b", text, re.M)


def rewrite_line(path: Path, number: int, add: bytes) -> None:
    """Append ``add`` (raw bytes) to line ``number`` of the file at ``path``."""
    lines = path.read_bytes().split(b"\n")
    lines[number - 1] += add
    path.write_bytes(b"\n".join(lines))


def assert_fails_clearly(output: str, returncode: int, *patterns: str) -> None:
    assert returncode != 0, f"the build passed:\n{output}"
    assert "Traceback" not in output, output
    for pattern in patterns:
        assert re.search(pattern, output), f"{pattern!r} not in\n{output}"


def test_a_page_saved_as_windows_1252_fails_clearly(project_copy: Path, tmp_path: Path) -> None:
    # Line 5 is in the front matter: the hook must read the page before
    # hooks/metadata.py parses it.
    rewrite_line(project_copy / PAGE, 5, b"  # the pat\xe9 owner's question")
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert_fails_clearly(
        build.output,
        build.returncode,
        r"docs/safety/index\.md:5: not valid UTF-8 \(byte 0xE9 at column \d+\)",
        "Re-save the file as UTF-8",
    )


def test_an_include_not_in_utf8_fails_clearly(project_copy: Path, tmp_path: Path) -> None:
    path = project_copy / "includes" / "abbreviations.md"
    path.write_bytes(path.read_bytes() + b"\n*[pat\xe9]: a coffee shop\n")
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert_fails_clearly(
        build.output, build.returncode, r"includes/abbreviations\.md:\d+: not valid UTF-8"
    )


def test_evidence_data_not_in_utf8_fails_clearly(project_copy: Path, tmp_path: Path) -> None:
    path = project_copy / "data" / "evidence.yaml"
    path.write_bytes(path.read_bytes() + b"\n# Reviewed by Ren\xe9e\n")
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert_fails_clearly(
        build.output, build.returncode, r"data/evidence\.yaml:\d+: not valid UTF-8"
    )


def test_a_heavy_image_warns_but_builds(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "docs" / "assets" / "big.png").write_bytes(noise(400 * 1024))
    page = project_copy / PAGE
    page.write_text(
        page.read_text(encoding="utf-8") + "\n![A test photo](../assets/big.png)\n",
        encoding="utf-8",
    )
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert (
        "WARNING -  docs/assets/big.png: 400 KB, over the 300 KB a phone reader should pay "
        f"for one image; {ADVICE_RASTER}." in build.output
    ), build.output
    assert (build.site / "assets" / "big.png").exists()


def test_a_too_heavy_photo_fails_clearly(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "docs" / "assets" / "huge.jpg").write_bytes(noise(1200 * 1024))
    page = project_copy / PAGE
    page.write_text(
        page.read_text(encoding="utf-8") + "\n![A test photo](../assets/huge.jpg)\n",
        encoding="utf-8",
    )
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert_fails_clearly(
        build.output,
        build.returncode,
        r"docs/assets/huge\.jpg: 1200 KB, over the 1 MB limit",
        "WebP",
    )
    assert not list(build.site.rglob("huge.jpg")), "the photo was published"
