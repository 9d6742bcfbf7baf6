"""Plain text: what contributors write in fields that the build prints into
pages (front matter, the evidence data). Such text is escaped where a
template prints it, but the theme prints some fields as they are, and the
evidence tables pass through Markdown, so markup in them is refused at its
file and line with this help.
"""

from __future__ import annotations

import re

# A tag, or a character reference (which would print as the character it
# stands for).
MARKUP = re.compile(r"[<>]|&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.I)
# In a cell of a Markdown table that a hook writes (escaped, so '<' and '&'
# print as written): what would start a new cell, a link or code.
CELL_MARKUP = re.compile(r"[|\[\]`]")

HELP = (
    "Write plain words: no '<' or '>' (write 'less than', 'more than' or 'to'), "
    "and no character references such as '&amp;' (type the character itself)."
)
CELL_HELP = (
    "It is printed in a table: '|' would start a new cell, '[' ']' a link and '`' code. "
    "Write it in words, or use '/' and round brackets."
)


def problem(name: str, value: str, cell: bool = False) -> str | None:
    """'<name>' must be plain text ..., or None if ``value`` is plain text
    (for a table ``cell``: text that Markdown prints as written)."""
    found = (CELL_MARKUP if cell else MARKUP).search(value)
    if found is None:
        return None
    return (
        f"'{name}' must be plain text, but it has {found.group(0)!r}. {CELL_HELP if cell else HELP}"
    )
