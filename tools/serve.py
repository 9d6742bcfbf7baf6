"""`make serve`: `mkdocs serve`, restarted whenever a hook changes.

MkDocs reloads pages, data and includes on every save, but it imports the
hooks once: an edited hook would only take effect after a restart, while the
preview silently kept the old behaviour. So this runs `mkdocs serve` as a
child process and restarts it when any file in hooks/ changes (checked twice
a second; the build itself takes about two). Arguments go to `mkdocs serve`.

Hand-written: MkDocs has no option for it, and a file-watching package would
be one more dependency for a loop of twenty lines.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / "hooks"


def snapshot(folder: Path = HOOKS) -> dict[str, int]:
    """Each hook file's modification time: what a change shows in."""
    return {p.name: p.stat().st_mtime_ns for p in sorted(folder.glob("*.py"))}


def serve(args: list[str], poll: float = 0.5) -> int:
    command = [sys.executable, "-m", "mkdocs", "serve", *args]
    while True:
        before = snapshot()
        child = subprocess.Popen(command, cwd=ROOT)
        try:
            while child.poll() is None and snapshot() == before:
                time.sleep(poll)
        except KeyboardInterrupt:
            child.terminate()
            child.wait()
            return 0
        if child.poll() is not None:  # mkdocs serve stopped by itself
            return child.returncode
        print("\nA hook changed: restarting mkdocs serve.\n", file=sys.stderr, flush=True)
        child.terminate()
        child.wait()


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1:]))
