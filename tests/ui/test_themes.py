"""Theme files: the packaged four load, a broken one says why, config picks by name or path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cockpit.ui.themes import PACKAGE_THEMES, ThemeFileError, load_theme_file, packaged_themes
from tests.ui.conftest import AppFactory
from tests.ui.fakes import cockpit_config

REPO_THEMES = Path(__file__).resolve().parents[2] / "themes"


def test_packaged_themes_and_repo_copies_agree() -> None:
    names = {t.name for t in packaged_themes()}
    assert {"cockpit-dark", "cockpit-light", "cockpit-high-contrast",
            "cockpit-colorblind"} <= names
    for path in PACKAGE_THEMES.glob("*.toml"):
        assert (REPO_THEMES / path.name).read_text() == path.read_text()


@pytest.mark.parametrize("content, reason", [
    ('name = "x"\n[colors]\nsecondary = "#ffffff"\n', "needs at least primary"),
    ('[colors]\nprimary = "not-a-colour"\n', "is not a colour"),
    ('[colors]\nprimary = "#ffffff"\nbackgrond = "#000000"\n', "unknown colours"),
    ("[colors\n", "not valid TOML"),
])
def test_broken_theme_file_says_what_is_wrong(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(content)
    with pytest.raises(ThemeFileError, match=reason):
        load_theme_file(path)


async def test_config_selects_a_theme_by_path(make_app: AppFactory, tmp_path: Path) -> None:
    mine = tmp_path / "night.toml"
    shutil.copy(PACKAGE_THEMES / "cockpit-high-contrast.toml", mine)
    mine.write_text(mine.read_text().replace('name = "cockpit-high-contrast"', 'name = "night"'))
    app = make_app(config=cockpit_config(theme=str(mine)))
    async with app.run_test(size=(120, 35)):
        assert app.theme == "night"
        assert app.theme_variables["background"].lower() == "#000000"


async def test_unknown_theme_falls_back_with_a_notice(make_app: AppFactory) -> None:
    app = make_app(config=cockpit_config(theme="no-such-theme"))
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert app.theme == "cockpit-dark"
        assert any("no-such-theme" in str(n.message) for n in app._notifications)
