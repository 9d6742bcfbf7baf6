"""Unit tests for hooks/theme_script.py: the palette's color-scheme tag is
taken out of the theme's script, and a changed theme stops the build."""

from __future__ import annotations

from pathlib import Path

import material
import pytest
from theme_script import ThemeScriptError, patch

STATEMENT = 'let o=x("meta",{name:"color-scheme"});document.head.appendChild(o);'
SCRIPT = 'a();let r=x("meta",{name:"theme-color"});' + STATEMENT + "o.content=s.colorScheme;"


def test_the_tag_is_no_longer_made_and_the_script_keeps_its_length() -> None:
    patched = patch(SCRIPT, "bundle.js")
    assert "color-scheme" not in patched
    assert "document.head.appendChild(o)" not in patched
    assert 'name:"theme-color"' in patched  # the other tag stays
    assert patched.startswith('a();let r=x("meta",{name:"theme-color"});let o={};')
    assert patched.endswith("o.content=s.colorScheme;")
    assert len(patched) == len(SCRIPT)  # the source map still lines up


def test_the_installed_theme_script_is_the_one_the_hook_was_written_for() -> None:
    scripts = Path(material.__file__).parent / "templates" / "assets" / "javascripts"
    (bundle,) = scripts.glob("bundle.*.min.js")
    script = bundle.read_text(encoding="utf-8")
    patched = patch(script, str(bundle))
    assert 'name:"color-scheme"' not in patched and len(patched) == len(script)


@pytest.mark.parametrize("script", ["a();", SCRIPT + SCRIPT, patch(SCRIPT, "x")])
def test_a_changed_theme_stops_the_build_with_what_to_do(script: str) -> None:
    with pytest.raises(ThemeScriptError) as error:
        patch(script, "site/assets/javascripts/bundle.js")
    message = str(error.value)
    assert message.startswith("site/assets/javascripts/bundle.js: ")
    assert "hooks/theme_script.py" in message and "Traceback" not in message
