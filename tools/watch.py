"""`make watch`: systematic reviews, meta-analyses and guidelines on dry
needling that PubMed added recently and the bibliography does not cite yet.

    python tools/watch.py [--today DATE] [--since DATE] [--issue FILE]
                          [--offline DIR] [--bibliography FILE]

The weekly workflow (.github/workflows/scheduled.yml, job evidence-watch)
runs it and files the candidates as one GitHub issue for an editor to triage.

"Since the last run" is a window of dates, both included: --today defaults to
today (UTC) and --since to 8 days before --today. The job runs weekly, and
the extra day of overlap means a late or retried run misses nothing (a record
may then be listed in two weeks). The window is on PubMed's Entrez date, the
day a record was added, not its publication date: PubMed often adds a record
weeks after the date printed on its issue, which a window on publication date
would miss for good.

A candidate is a record whose PMID, and whose DOI (any case, with or without
https://doi.org/), no entry of data/bibliography.yaml has. The candidates go
to stdout; with --issue FILE, also to FILE as the issue's Markdown, written
only when there are candidates (and removed otherwise, so a stale list is
never filed). --offline DIR reads the answers from DIR/esearch.json and
DIR/esummary.json instead of the network: the same parsing, no request
(tests/fixtures/eutils holds hand-built ones).

Exit status 0 when the search worked, with or without candidates; 2, with a
one-line message on stderr, when it did not: no network, an HTTP error, the
rate limit twice in a row, an answer that is not the JSON the E-utilities
document, an unreadable bibliography.

NCBI asks every client for tool= (and email=) and, without an API key, for at
most 3 requests a second. This sends tool= only (there is no shared mailbox to
give), makes two requests spaced 0.34 s apart, and after an HTTP 429 waits for
Retry-After (1 s when absent, at most 60) and tries once more. Standard
library only, besides PyYAML for the bibliography (a site dependency).
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from time import monotonic, sleep
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
# The hooks' YAML loader: libyaml's speed on the long bibliography, and the
# build's own wording for a YAML error.
sys.path.insert(0, str(ROOT / "hooks"))
import yamlsafe  # noqa: E402

EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
TOOL = "dry-needling-guide-watch"
TERM = (
    '"dry needling"[tiab] AND (systematic[sb] OR meta-analysis[pt]'
    " OR guideline[pt] OR practice guideline[pt])"
)
BIBLIOGRAPHY = ROOT / "data" / "bibliography.yaml"
LOOKBACK = timedelta(days=8)
# NCBI advises POST beyond about 200 UIDs; a week brings a handful.
RETMAX = 200
TIMEOUT = 30
INTERVAL = 0.34  # seconds between requests: under 3 a second
MAX_WAIT = 60

Fetch = Callable[[str], bytes]


class WatchError(Exception):
    """A failure reported in one line, with exit status 2."""


@dataclass(frozen=True)
class Record:
    pmid: str
    title: str
    journal: str
    year: str
    doi: str | None


def http_fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": f"{TOOL} (tools/watch.py)"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return response.read()


def offline_fetch(folder: Path) -> Fetch:
    """Answers read from ``folder``: esearch.json and esummary.json."""

    def fetch(url: str) -> bytes:
        utility = urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1].removesuffix(".fcgi")
        path = folder / f"{utility}.json"
        try:
            return path.read_bytes()
        except OSError as err:
            raise WatchError(f"no recorded {utility} answer: {path}: {err.strerror}") from None

    return fetch


def retry_after(headers: Message | None) -> float:
    """Seconds to wait before retrying: Retry-After in seconds or as a date."""
    value = (headers.get("Retry-After") if headers is not None else None) or ""
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is None:
            seconds = 1.0
        else:
            when = when if when.tzinfo else when.replace(tzinfo=UTC)
            seconds = (when - datetime.now(UTC)).total_seconds()
    return min(max(seconds, 0.0), MAX_WAIT)


def _snippet(body: bytes) -> str:
    text = " ".join(body[:80].decode("utf-8", "replace").split())
    return f"{text[:60]}..." if len(text) > 60 else text


class EUtils:
    """GET requests to the E-utilities, decoded as JSON objects."""

    def __init__(self, fetch: Fetch = http_fetch, interval: float = INTERVAL) -> None:
        self.fetch = fetch
        self.interval = interval
        self._last: float | None = None

    def _pace(self) -> None:
        if self._last is not None:
            delay = self._last + self.interval - monotonic()
            if delay > 0:
                sleep(delay)
        self._last = monotonic()

    def get(self, utility: str, params: dict[str, str]) -> dict[str, Any]:
        query = urllib.parse.urlencode({**params, "tool": TOOL})
        url = f"{EUTILS}{utility}.fcgi?{query}"
        for attempt in (1, 2):
            self._pace()
            try:
                body = self.fetch(url)
            except urllib.error.HTTPError as err:
                err.close()
                if err.code == 429 and attempt == 1:
                    sleep(retry_after(err.headers))
                    continue
                if err.code == 429:
                    raise WatchError(
                        f"PubMed's E-utilities refused {utility} twice for too many requests"
                        " (HTTP 429; 3 a second without an API key): try again later"
                    ) from None
                raise WatchError(
                    f"PubMed's E-utilities answered {utility} with HTTP {err.code} {err.reason}"
                ) from None
            except (OSError, http.client.HTTPException) as err:
                # URLError (no network, refused, DNS), timeouts, a cut connection.
                reason = getattr(err, "reason", None) or err
                raise WatchError(
                    f"could not reach PubMed's E-utilities ({utility}): {reason}"
                ) from None
            data = decode(utility, body)
            error = data.get("error")
            if error is None:
                return data
            # NCBI may also report the rate limit in the body of a 200 answer.
            if "rate limit" in str(error).lower() and attempt == 1:
                sleep(1.0)
                continue
            raise WatchError(f"PubMed's E-utilities answered {utility} with an error: {error}")
        raise AssertionError("unreachable: the second attempt returns or raises")


def decode(utility: str, body: bytes) -> dict[str, Any]:
    if not body.strip():
        raise WatchError(f"PubMed's E-utilities answered {utility} with an empty body")
    try:
        data = json.loads(body)
    except ValueError as err:  # JSONDecodeError, UnicodeDecodeError
        raise WatchError(
            f"PubMed's E-utilities answered {utility} with something that is not JSON"
            f" ({err}): {_snippet(body)!r}"
        ) from None
    if not isinstance(data, dict):
        raise WatchError(f"PubMed's E-utilities answered {utility} with JSON that is not an object")
    return data


def parse_search(data: dict[str, Any]) -> tuple[int, list[str]]:
    """The number of matches and the PMIDs of an ESearch answer."""
    result = data.get("esearchresult")
    if not isinstance(result, dict):
        raise WatchError("the esearch answer has no 'esearchresult' object")
    if "ERROR" in result:
        raise WatchError(f"PubMed rejected the search: {result['ERROR']}")
    # Terms PubMed did not recognise are dropped from the search, silently
    # widening or emptying it: the query needs a maintainer.
    errors = result.get("errorlist")
    if isinstance(errors, dict):
        problems = [
            f"{k}: {', '.join(map(str, v if isinstance(v, list) else [v]))}"
            for k, v in errors.items()
            if v
        ]
        if problems:
            raise WatchError(
                f"PubMed did not understand part of the search ({'; '.join(problems)})"
            )
    ids, count = result.get("idlist"), result.get("count")
    if not isinstance(ids, list) or not all(isinstance(i, str) and i.isdigit() for i in ids):
        raise WatchError("the esearch answer has no 'idlist' of PMIDs")
    if not str(count).isdigit():
        raise WatchError("the esearch answer has no 'count'")
    return int(count), ids


def _year(doc: dict[str, Any]) -> str:
    for key in ("pubdate", "epubdate", "sortpubdate"):
        found = re.search(r"\b(\d{4})\b", str(doc.get(key) or ""))
        if found:
            return found[1]
    return "n.d."


def _doi(doc: dict[str, Any]) -> str | None:
    for item in doc.get("articleids") or []:
        if isinstance(item, dict) and item.get("idtype") == "doi" and item.get("value"):
            return str(item["value"]).strip()
    found = re.search(r"doi:\s*(10\.\S+)", str(doc.get("elocationid") or ""))
    return found[1] if found else None


def parse_summaries(data: dict[str, Any], pmids: list[str]) -> list[Record]:
    """A record for each PMID, in that order, from an ESummary answer."""
    result = data.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("uids"), list):
        raise WatchError("the esummary answer has no 'result' with 'uids'")
    records = []
    for pmid in pmids:
        doc = result.get(pmid)
        if not isinstance(doc, dict):
            raise WatchError(f"the esummary answer has no summary of PMID {pmid}")
        if "error" in doc:
            # PubMed knows the PMID but has no summary yet: still worth a look.
            records.append(Record(pmid, f"(no summary: {doc['error']})", "", "n.d.", None))
            continue
        title = doc.get("title")
        if not isinstance(title, str) or not title.strip():
            raise WatchError(f"the esummary answer has no title for PMID {pmid}")
        journal = next(
            (str(doc[k]).strip() for k in ("fulljournalname", "source") if doc.get(k)),
            "",
        )
        records.append(Record(pmid, " ".join(title.split()), journal, _year(doc), _doi(doc)))
    return records


def normalize_doi(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value.strip(), flags=re.I)
    return doi.lower() or None


def load_bibliography(path: Path) -> tuple[set[str], set[str]]:
    """The PMIDs and the normalized DOIs that the bibliography cites."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise WatchError(f"cannot read the bibliography {path}: {err.strerror}") from None
    try:
        data, _ = yamlsafe.parse(text)
    except yaml.MarkedYAMLError as err:
        line, what = yamlsafe.describe_error(err, text=text)
        raise WatchError(f"{path}:{line}: invalid YAML: {what}") from None
    except yaml.YAMLError as err:
        raise WatchError(f"{path}: invalid YAML: {err}") from None
    if not isinstance(data, list):
        raise WatchError(f"{path}: expected a list of entries")
    pmids, dois = set(), set()
    for entry in data:
        if not isinstance(entry, dict):
            continue
        if entry.get("PMID") not in (None, ""):
            pmids.add(str(entry["PMID"]).strip())
        doi = normalize_doi(entry.get("DOI"))
        if doi:
            dois.add(doi)
    return pmids, dois


@dataclass
class Report:
    since: date
    today: date
    count: int
    records: list[Record]
    known: dict[str, str]  # PMID: "PMID" or "DOI", how the bibliography has it
    bibliography: str

    @property
    def candidates(self) -> list[Record]:
        return [r for r in self.records if r.pmid not in self.known]

    def listing(self) -> str:
        window = f"PubMed records added {self.since} to {self.today}"
        found = f"{self.count} found"
        if self.count > len(self.records):
            found += f" (only the first {len(self.records)} are compared)"
        lines = [f"{window}: {found}, {len(self.known)} already in {self.bibliography}."]
        if self.known:
            lines.append(
                "Known: " + ", ".join(f"{pmid} (by {how})" for pmid, how in self.known.items())
            )
        candidates = self.candidates
        if not candidates:
            lines.append("No new candidates.")
            return "\n".join(lines)
        lines.append(f"{len(candidates)} new candidate(s):")
        for r in candidates:
            lines += ["", f"PMID {r.pmid}  {r.year}  {r.journal}", f"  {r.title}", f"  {pubmed(r)}"]
            if r.doi:
                lines.append(f"  {doi_url(r.doi)}")
        return "\n".join(lines)

    def issue(self) -> str:
        lines = [
            "Systematic reviews, meta-analyses and guidelines on dry needling that PubMed"
            f" added from {self.since} to {self.today} and `{self.bibliography}` does not"
            " cite yet (compared by PMID and DOI):",
            "",
        ]
        for r in self.candidates:
            item = f"- [ ] **{md(r.title)}**"
            if r.journal:
                item += f" *{md(r.journal)}*,"
            item += f" {r.year}. [PubMed {r.pmid}]({pubmed(r)})"
            if r.doi:
                item += f" · [doi:{md(r.doi)}]({doi_url(r.doi)})"
            lines.append(item)
        lines += [
            "",
            "For each one: read it, then cite it where it belongs (add it to the"
            ' bibliography, CONTRIBUTING.md, "Citing a source") or leave it out,'
            " and tick its box.",
            "",
            f"PubMed search, on the Entrez date: `{TERM}`",
        ]
        if self.count > len(self.records):
            lines.append(f"Only the first {len(self.records)} of {self.count} matches are listed.")
        return "\n".join(lines) + "\n"


def pubmed(record: Record) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{record.pmid}/"


def doi_url(doi: str) -> str:
    # Encoded so that a DOI's parentheses or brackets cannot end a Markdown link.
    return "https://doi.org/" + urllib.parse.quote(doi, safe="/:;.-_")


def md(text: str) -> str:
    """Text from PubMed, inert in Markdown: no emphasis, link, HTML or @mention."""
    return re.sub(r"([\\`*_\[\]<>|~@])", r"\\\1", text)


def watch(
    today: date,
    since: date,
    fetch: Fetch,
    bibliography: Path = BIBLIOGRAPHY,
    interval: float = INTERVAL,
) -> Report:
    pmids, dois = load_bibliography(bibliography)
    eutils = EUtils(fetch, interval)
    search = eutils.get(
        "esearch",
        {
            "db": "pubmed",
            "term": TERM,
            "retmode": "json",
            "retmax": str(RETMAX),
            "datetype": "edat",
            "mindate": since.strftime("%Y/%m/%d"),
            "maxdate": today.strftime("%Y/%m/%d"),
        },
    )
    count, ids = parse_search(search)
    records: list[Record] = []
    if ids:
        summary = eutils.get("esummary", {"db": "pubmed", "id": ",".join(ids), "retmode": "json"})
        records = parse_summaries(summary, ids)
    known = {}
    for r in records:
        if r.pmid in pmids:
            known[r.pmid] = "PMID"
        elif normalize_doi(r.doi) in dois:
            known[r.pmid] = "DOI"
    try:
        shown = bibliography.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        shown = str(bibliography)
    return Report(since, today, count, records, known, shown)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="New reviews and guidelines on dry needling in PubMed, not yet cited."
    )
    parser.add_argument("--today", type=_date, help="last day of the window (default: today, UTC)")
    parser.add_argument("--since", type=_date, help="first day (default: 8 days before --today)")
    parser.add_argument("--issue", type=Path, help="write the issue's Markdown here")
    parser.add_argument("--offline", type=Path, metavar="DIR", help="read answers from DIR")
    parser.add_argument("--bibliography", type=Path, default=BIBLIOGRAPHY)
    args = parser.parse_args(argv)
    today = args.today or datetime.now(UTC).date()
    since = args.since or today - LOOKBACK
    if since > today:
        parser.error(f"--since {since} is after --today {today}")
    if args.offline:
        fetch, interval = offline_fetch(args.offline), 0.0
    else:
        fetch, interval = http_fetch, INTERVAL
    try:
        report = watch(today, since, fetch, args.bibliography, interval)
        if args.issue:
            if report.candidates:
                args.issue.write_text(report.issue(), encoding="utf-8")
            else:
                args.issue.unlink(missing_ok=True)
    except WatchError as err:
        print(f"watch: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # writing --issue
        print(f"watch: cannot write {err.filename}: {err.strerror}", file=sys.stderr)
        return 2
    print(report.listing())
    return 0


if __name__ == "__main__":
    sys.exit(main())
