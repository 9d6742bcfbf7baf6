"""Pages without the template's indentation and blank lines.

Material's templates indent every line and leave runs of blank lines: about
a sixth of a page's bytes, and 6% of what it weighs gzipped (880 bytes on
the neck pain page). Whitespace at the start of a line is insignificant in
HTML outside ``<pre>`` and ``<textarea>``, which are left as they are; the
line breaks stay, so text never runs together and line numbers in the
validator's reports still point somewhere sensible. A full minifier
(mkdocs-minify-plugin, on htmlmin2) would parse every page for a few hundred
bytes more and rewrite markup that the CSP hashes and the tests rely on.
"""

from __future__ import annotations

import re

KEEP = re.compile(r"(<(pre|textarea)\b.*?</\2>)", re.S | re.I)
LINE_START = re.compile(r"\n[ \t\r\n]+")


def collapse(html: str) -> str:
    """``html`` with each run of blank lines and indentation reduced to one
    line break, except inside ``<pre>`` and ``<textarea>``."""
    parts = KEEP.split(html)
    # split() returns text, then each kept element and its tag name, in turn.
    out = []
    for i, part in enumerate(parts):
        if i % 3 == 0:
            out.append(LINE_START.sub("\n", part))
        elif i % 3 == 1:
            out.append(part)
    return "".join(out)
