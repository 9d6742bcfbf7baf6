"""`make watch` (tools/watch.py): new reviews and guidelines in PubMed that the
bibliography lacks, from hand-built E-utilities answers (tests/fixtures/eutils);
no test touches the network or depends on today's date."""

from __future__ import annotations

import email.message
import io
import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import watch

FIXTURES = ROOT / "tests" / "fixtures" / "eutils"
TODAY = ["--today", "2026-12-01"]
NEW = ["99000003", "99000002", "99000001"]


def answers(tmp_path: Path, esearch: str, esummary: str | None = None) -> Path:
    """A folder for --offline with the named fixtures as esearch.json and esummary.json."""
    folder = tmp_path / "answers"
    folder.mkdir()
    shutil.copy(FIXTURES / f"{esearch}.json", folder / "esearch.json")
    if esummary:
        shutil.copy(FIXTURES / f"{esummary}.json", folder / "esummary.json")
    return folder


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, ROOT / "tools" / "watch.py", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def http_error(code: int, retry_after: str | None = None) -> urllib.error.HTTPError:
    headers = email.message.Message()
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    body = (FIXTURES / "rate-limit.json").read_bytes() if code == 429 else b"<html></html>"
    reason = {429: "Too Many Requests", 500: "Internal Server Error"}[code]
    return urllib.error.HTTPError(
        "https://eutils.example/", code, reason, headers, io.BytesIO(body)
    )


class Network:
    """urlopen replaced by a script of answers (bytes, or an exception to
    raise), recording the URLs asked for; waits are recorded, not slept."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.urls: list[str] = []
        self.waits: list[float] = []
        self.steps: list[bytes | BaseException] = []
        monkeypatch.setattr(watch, "sleep", self.waits.append)
        monkeypatch.setattr(urllib.request, "urlopen", self.urlopen)

    def script(self, *steps: bytes | BaseException) -> None:
        self.steps = list(steps)

    def urlopen(self, request: urllib.request.Request, timeout: float | None = None) -> io.BytesIO:
        self.urls.append(request.full_url)
        assert timeout, "every request needs a timeout"
        step = self.steps.pop(0)
        if isinstance(step, BaseException):
            raise step
        return io.BytesIO(step)


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> Network:
    return Network(monkeypatch)


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


def one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("watch: ")
    return lines[0]


# The fixtures themselves


def test_fixtures_have_the_documented_shape() -> None:
    search = json.loads(fixture("esearch"))["esearchresult"]
    assert {"count", "retmax", "retstart", "idlist", "querytranslation"} <= search.keys()
    summary = json.loads(fixture("esummary"))["result"]
    assert summary["uids"] == search["idlist"]
    for uid in summary["uids"]:
        doc = summary[uid]
        assert doc["uid"] == uid
        for key in ("pubdate", "source", "fulljournalname", "title", "articleids", "pubtype"):
            assert key in doc, (uid, key)
        assert {"idtype", "value"} <= doc["articleids"][0].keys()
    with pytest.raises(ValueError):
        json.loads(fixture("esearch-malformed"))


def test_the_known_fixture_records_match_real_bibliography_entries() -> None:
    """42279106 is eeckhaut2026 (by PMID), and 99000004 carries the DOI of
    rashnavadi2025, which has no PMID there (by DOI)."""
    pmids, dois = watch.load_bibliography(watch.BIBLIOGRAPHY)
    assert "42279106" in pmids
    assert "10.1016/j.jbmt.2025.06.008" in dois
    assert "99000004" not in pmids


# Offline: the comparison and what is printed


def test_offline_lists_new_candidates_and_leaves_out_known_ones(tmp_path: Path) -> None:
    issue = tmp_path / "issue.md"
    proc = cli("--offline", FIXTURES, *TODAY, "--issue", issue)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    out = proc.stdout
    assert "added 2026-11-23 to 2026-12-01: 5 found, 2 already in data/bibliography.yaml" in out
    assert "Known: 99000004 (by DOI), 42279106 (by PMID)" in out
    for pmid in NEW:
        assert f"PMID {pmid}" in out and f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" in out
    assert "PMID 42279106" not in out and "PMID 99000004" not in out
    text = issue.read_text(encoding="utf-8")
    assert "42279106" not in text and "99000004" not in text


def test_issue_text_has_title_journal_year_and_links(tmp_path: Path) -> None:
    issue = tmp_path / "issue.md"
    assert cli("--offline", FIXTURES, *TODAY, "--issue", issue).returncode == 0
    text = issue.read_text(encoding="utf-8")
    assert (
        "- [ ] **Example review A: dry needling for chronic neck pain, a systematic review and"
        " meta-analysis (fictitious record).** *Example Journal*, 2026."
        " [PubMed 99000001](https://pubmed.ncbi.nlm.nih.gov/99000001/)"
        " · [doi:10.5555/example-review-a](https://doi.org/10.5555/example-review-a)"
    ) in text
    # The issue's year is the journal issue's (pubdate 2027 Jan), and a
    # record without a DOI gets no DOI link.
    guideline = next(line for line in text.splitlines() if "99000002" in line)
    assert "*Example Journal*, 2027." in guideline and "doi" not in guideline
    # PubMed's brackets and asterisks stay text, not a link or emphasis.
    assert r"**\[Example review C: dry needling versus sham needling, a \*network\*" in text
    assert "from 2026-11-23 to 2026-12-01" in text
    assert watch.TERM in text
    assert text.count("- [ ] ") == 3


def test_known_by_pmid_or_by_doi_in_any_form(tmp_path: Path) -> None:
    bibliography = tmp_path / "bibliography.yaml"
    bibliography.write_text(
        "- id: a\n  PMID: 99000001\n"  # a number, not a string
        "- id: c\n  DOI: https://doi.org/10.5555/EXAMPLE-Review-C\n"
        "- id: other\n  URL: https://example.org/\n",
        encoding="utf-8",
    )
    proc = cli("--offline", FIXTURES, *TODAY, "--bibliography", bibliography)
    assert proc.returncode == 0, proc.stderr
    assert "Known: 99000003 (by DOI), 99000001 (by PMID)" in proc.stdout
    assert "3 new candidate(s)" in proc.stdout
    for pmid in ("99000002", "99000004", "42279106"):
        assert f"PMID {pmid}" in proc.stdout


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.1016/J.JBMT.2025.06.008", "10.1016/j.jbmt.2025.06.008"),
        (" https://doi.org/10.3390/JCM15114246 ", "10.3390/jcm15114246"),
        ("http://dx.doi.org/10.1/x", "10.1/x"),
        ("doi: 10.1/x", "10.1/x"),
        ("", None),
        (None, None),
    ],
)
def test_normalize_doi(value: str | None, expected: str | None) -> None:
    assert watch.normalize_doi(value) == expected


def test_summary_fallbacks() -> None:
    """The abbreviated journal when the full name is empty, the year of the
    e-publication when the issue has none, the DOI from elocationid."""
    data = {
        "result": {
            "uids": ["1", "2"],
            "1": {
                "title": "T.",
                "fulljournalname": "",
                "source": "Ex J",
                "pubdate": "",
                "epubdate": "2026 Nov 3",
                "articleids": [{"idtype": "pubmed", "value": "1"}],
                "elocationid": "doi: 10.5555/x",
            },
            "2": {"uid": "2", "error": "cannot get document summary"},
        }
    }
    one, two = watch.parse_summaries(data, ["1", "2"])
    assert (one.journal, one.year, one.doi) == ("Ex J", "2026", "10.5555/x")
    assert two.pmid == "2" and "cannot get document summary" in two.title


def test_default_window_is_eight_days_up_to_today(network: Network) -> None:
    network.script(fixture("esearch-empty"))
    assert watch.main(TODAY) == 0
    (url,) = network.urls  # no esummary for an empty search
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert url.startswith("https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi?")
    assert query["db"] == ["pubmed"] and query["retmode"] == ["json"]
    assert query["term"] == [watch.TERM]
    assert query["datetype"] == ["edat"]
    assert (query["mindate"], query["maxdate"]) == (["2026/11/23"], ["2026/12/01"])
    assert query["tool"] == [watch.TOOL] and "email" not in query


def test_since_sets_the_start_and_may_not_follow_today(
    network: Network, capsys: pytest.CaptureFixture[str]
) -> None:
    network.script(fixture("esearch-empty"))
    assert watch.main([*TODAY, "--since", "2026-10-01"]) == 0
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(network.urls[0]).query)
    assert (query["mindate"], query["maxdate"]) == (["2026/10/01"], ["2026/12/01"])
    with pytest.raises(SystemExit) as exit_:
        watch.main([*TODAY, "--since", "2026-12-02"])
    assert exit_.value.code == 2
    assert "after --today" in capsys.readouterr().err


def test_empty_result_is_success_and_files_no_issue(tmp_path: Path) -> None:
    issue = tmp_path / "issue.md"
    issue.write_text("last week's list\n", encoding="utf-8")
    # No esummary.json: an empty search must not ask for summaries.
    proc = cli("--offline", answers(tmp_path, "esearch-empty"), *TODAY, "--issue", issue)
    assert proc.returncode == 0, proc.stderr
    assert "No new candidates." in proc.stdout
    assert not issue.exists(), "a stale issue body was left to be filed"


def test_all_known_is_no_new_candidates(tmp_path: Path) -> None:
    bibliography = tmp_path / "bibliography.yaml"
    bibliography.write_text(
        "".join(f"- id: r{pmid}\n  PMID: '{pmid}'\n" for pmid in [*NEW, "99000004", "42279106"]),
        encoding="utf-8",
    )
    proc = cli("--offline", FIXTURES, *TODAY, "--bibliography", bibliography)
    assert proc.returncode == 0, proc.stderr
    assert "5 found, 5 already in" in proc.stdout and "No new candidates." in proc.stdout


# Failure modes: exit 2 with one line on stderr, never a traceback


def test_malformed_json_fails_cleanly(tmp_path: Path) -> None:
    proc = cli("--offline", answers(tmp_path, "esearch-malformed"), *TODAY)
    assert proc.returncode == 2
    assert "esearch with something that is not JSON" in one_line_error(proc.stderr)
    assert proc.stdout == ""


def test_missing_keys_fail_cleanly(tmp_path: Path) -> None:
    proc = cli("--offline", answers(tmp_path, "esearch", "esummary-no-result"), *TODAY)
    assert proc.returncode == 2
    assert "esummary answer has no 'result'" in one_line_error(proc.stderr)


def test_esearch_error_field_fails_cleanly(tmp_path: Path) -> None:
    proc = cli("--offline", answers(tmp_path, "esearch-error"), *TODAY)
    assert proc.returncode == 2
    line = one_line_error(proc.stderr)
    assert "PubMed rejected the search: Empty term and query_key - nothing todo" in line


def test_missing_offline_answer_fails_cleanly(tmp_path: Path) -> None:
    proc = cli("--offline", tmp_path / "nowhere", *TODAY)
    assert proc.returncode == 2
    assert "no recorded esearch answer" in one_line_error(proc.stderr)


def test_invalid_bibliography_fails_cleanly(tmp_path: Path) -> None:
    bibliography = tmp_path / "bibliography.yaml"
    bibliography.write_text("- id: a\n  title: 'unclosed\n", encoding="utf-8")
    proc = cli("--offline", FIXTURES, *TODAY, "--bibliography", bibliography)
    assert proc.returncode == 2
    assert "invalid YAML" in one_line_error(proc.stderr)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "esearch with an empty body"),
        (b"<html><body>Service unavailable</body></html>", "not JSON"),
        (b"[]", "not an object"),
        (b'{"esearchresult": {"count": "1"}}', "no 'idlist'"),
        (b'{"header": {}}', "no 'esearchresult'"),
        (
            b'{"esearchresult": {"count": "0", "idlist": [],'
            b' "errorlist": {"phrasesnotfound": [], "fieldsnotfound": ["sb"]}}}',
            "did not understand part of the search (fieldsnotfound: sb)",
        ),
    ],
)
def test_unexpected_answers_fail_cleanly(
    network: Network,
    capsys: pytest.CaptureFixture[str],
    body: bytes,
    message: str,
) -> None:
    network.script(body)
    assert watch.main(TODAY) == 2
    assert message in one_line_error(capsys.readouterr().err)


def test_rate_limit_then_success(network: Network, capsys: pytest.CaptureFixture[str]) -> None:
    network.script(http_error(429, retry_after="2"), fixture("esearch"), fixture("esummary"))
    assert watch.main(TODAY) == 0
    urls = network.urls
    assert len(urls) == 3 and urls[0] == urls[1], "the refused request is repeated as it was"
    assert network.waits[0] == 2.0
    # Then each request waits its turn: under NCBI's 3 a second.
    assert len(network.waits) == 3
    assert all(0 < wait <= watch.INTERVAL for wait in network.waits[1:])
    out = capsys.readouterr().out
    assert "3 new candidate(s)" in out


def test_rate_limit_twice_fails_cleanly(
    network: Network, capsys: pytest.CaptureFixture[str]
) -> None:
    network.script(http_error(429), http_error(429))
    assert watch.main(TODAY) == 2
    assert len(network.urls) == 2, "retried more than once"
    assert network.waits[0] == 1.0  # no Retry-After: one second
    assert "refused esearch twice for too many requests (HTTP 429" in one_line_error(
        capsys.readouterr().err
    )


def test_rate_limit_reported_in_a_200_body_is_retried(
    network: Network, capsys: pytest.CaptureFixture[str]
) -> None:
    network.script(fixture("rate-limit"), fixture("esearch-empty"))
    assert watch.main(TODAY) == 0
    assert "No new candidates." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("3", 3.0), (None, 1.0), ("soon", 1.0), ("600", watch.MAX_WAIT), ("0", 0.0)],
)
def test_retry_after(value: str | None, seconds: float) -> None:
    headers = email.message.Message()
    if value is not None:
        headers["Retry-After"] = value
    assert watch.retry_after(headers) == seconds


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (lambda: http_error(500), "answered esearch with HTTP 500 Internal Server Error"),
        (
            lambda: urllib.error.URLError("[Errno -3] Temporary failure in name resolution"),
            "could not reach PubMed's E-utilities (esearch): [Errno -3] Temporary failure",
        ),
        (lambda: TimeoutError("timed out"), "could not reach PubMed's E-utilities (esearch)"),
        (lambda: ConnectionResetError(104, "reset"), "could not reach"),
    ],
)
def test_http_and_network_errors_fail_cleanly(
    network: Network,
    capsys: pytest.CaptureFixture[str],
    error: Callable[[], BaseException],
    message: str,
) -> None:
    network.script(error())
    assert watch.main(TODAY) == 2
    assert len(network.urls) == 1, "only a rate limit is retried"
    assert message in one_line_error(capsys.readouterr().err)


def test_makefile_has_a_watch_target() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\n\t$(BIN)/python tools/watch.py $(WATCH_ARGS)\n" in makefile
    assert " watch " in next(line for line in makefile.splitlines() if line.startswith(".PHONY"))
