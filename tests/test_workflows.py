"""The GitHub Actions workflows are valid and pass zizmor's security audit,
CI runs exactly the README's test command, and the weekly workflow audits the
hashed lock files with pip-audit."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def test_there_are_workflows() -> None:
    names = {w.name for w in WORKFLOWS}
    assert {"pull-request.yml", "pages.yml"} <= names


def test_workflows_match_githubs_schema() -> None:
    proc = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_workflows_pass_zizmor() -> None:
    proc = subprocess.run(
        [BIN / "zizmor", "--offline", "--no-progress", ROOT / ".github" / "workflows"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actions_are_pinned_by_commit_with_a_version_comment() -> None:
    for workflow in WORKFLOWS:
        for line in workflow.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w./-]+@[0-9a-f]{40} # v\d", line), f"{workflow}: {line}"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme
    assert re.search(r"^make test$", ci, re.M)


def test_weekly_workflow_audits_both_lock_files_with_hashed_pip_audit() -> None:
    """The scheduled workflow installs pip-audit from its own hashed lock and
    audits both hashed locks without resolving anything (the audit needs a
    network, so it runs there and never in the tests)."""
    text = (ROOT / ".github" / "workflows" / "scheduled.yml").read_text(encoding="utf-8")
    jobs = yaml.safe_load(text)["jobs"]
    audit_jobs = [
        job
        for job in jobs.values()
        if any("-r requirements-audit.txt" in step.get("run", "") for step in job["steps"])
    ]
    assert audit_jobs, "no job in scheduled.yml installs from requirements-audit.txt"
    job = audit_jobs[0]
    assert job["permissions"] == {"contents": "read"}
    assert "timeout-minutes" in job
    # Each step's commands on one line, continuation lines joined.
    runs = [" ".join(step.get("run", "").replace("\\\n", " ").split()) for step in job["steps"]]
    install = next(run for run in runs if "-r requirements-audit.txt" in run)
    assert re.search(r"pip install .*--require-hashes", install), install
    audit = next((run for run in runs if re.search(r"pip-audit\"? --", run)), "")
    # The pip-audit command alone: up to its redirection or `||`.
    command = re.search(r"pip-audit\"?( --[^|>]*)", audit)
    assert command, "no step of the job runs pip-audit"
    for flag in (
        "--require-hashes",
        "--disable-pip",
        "-r requirements.txt",
        "-r requirements-dev.txt",
    ):
        assert flag in command[1], f"pip-audit is not run with {flag}: {command[0]}"
    assert "$GITHUB_STEP_SUMMARY" in audit, "the findings are not written to the job summary"
    # pip-audit itself is pinned exactly, and locked with hashes.
    assert re.search(
        r"^pip-audit==\d", (ROOT / "requirements-audit.in").read_text(encoding="utf-8"), re.M
    )
    lock = (ROOT / "requirements-audit.txt").read_text(encoding="utf-8")
    assert re.search(r"^pip-audit==\S+ \\\n\s+--hash=sha256:[0-9a-f]{64}", lock, re.M)


def test_only_the_review_and_evidence_jobs_may_write_issues() -> None:
    """The weekly review-dates job files overdue pages, and the weekly
    evidence-watch job new PubMed candidates, each in one issue with the
    workflow's own token; no other job of any workflow may write issues."""
    writers = []
    for workflow in WORKFLOWS:
        data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        assert data.get("permissions") == {}, f"{workflow.name}: set 'permissions: {{}}' on top"
        for name, job in data["jobs"].items():
            if (job.get("permissions") or {}).get("issues") == "write":
                writers.append(f"{workflow.name}:{name}")
    assert writers == ["scheduled.yml:review-dates", "scheduled.yml:evidence-watch"]
    jobs = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "scheduled.yml").read_text(encoding="utf-8")
    )["jobs"]
    for name, command, update in (
        ("review-dates", "make --silent review", "gh issue edit"),
        # New candidates are added as a comment: replacing the body would drop
        # last week's untriaged ones.
        ("evidence-watch", "make --silent watch", "gh issue comment"),
    ):
        job = jobs[name]
        assert job["permissions"] == {"contents": "read", "issues": "write"}, name
        assert job["concurrency"]["group"] == name and "timeout-minutes" in job, name
        runs = "\n".join(step.get("run", "") for step in job["steps"])
        assert command in runs, name
        assert "gh issue create" in runs and update in runs, name
        (issue_step,) = (step for step in job["steps"] if "gh issue" in step.get("run", ""))
        assert issue_step["env"]["GH_TOKEN"] == "${{ github.token }}", name
        # The token is only given to the step that files the issue.
        assert sum("GH_TOKEN" in step.get("env", {}) for step in job["steps"]) == 1, name
    watch_step = next(s for s in jobs["evidence-watch"]["steps"] if "make" in s.get("run", ""))
    assert "--issue $RUNNER_TEMP/" in watch_step["run"]
