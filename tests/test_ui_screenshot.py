"""`stopcamb-desk screenshot` renders the real window to a non-blank PNG of the asked size."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from stopcamb_desk.ui.awareness import BANNER_BACKGROUND
from stopcamb_desk.ui.theme import NAVY

MEYTHET = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stopcamb_desk", "screenshot", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _distinct_colours(image: QImage) -> int:
    return len(
        {image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)}
    )


def test_composer_screenshot_is_a_real_picture_of_the_requested_size(
    qapp: object, tmp_path: Path
) -> None:
    out = tmp_path / "composer.png"
    result = _cli("--view", "composer", "--out", str(out), "--size", "1024x700", "--text", MEYTHET)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 700)
    assert _distinct_colours(image) > 50  # text, banner, navigation: not a blank grey


def test_login_screenshot_shows_the_dialog(qapp: object, tmp_path: Path) -> None:
    out = tmp_path / "login.png"
    result = _cli("--view", "login", "--out", str(out))
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert image.width() >= 600 and image.height() >= 300
    assert _distinct_colours(image) > 50


def test_national_view_is_refused_to_a_chef_de_quart(tmp_path: Path) -> None:
    out = tmp_path / "national.png"
    result = _cli("--view", "national", "--out", str(out), "--operateur", "chef74")
    assert result.returncode == 1
    assert "n'est pas accessible au compte chef74" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("size", ["12x7", "grand"])
def test_bad_size_is_a_usage_error(tmp_path: Path, size: str) -> None:
    result = _cli("--view", "carte", "--out", str(tmp_path / "x.png"), "--size", size)
    assert result.returncode == 2
    assert "taille" in result.stderr


@pytest.mark.parametrize(("view", "operator"), [("carte", "opp34"), ("carte", "chef74"),
                                               ("tableau", "opp34")])  # fmt: skip
def test_map_and_overview_fit_a_1366x768_screen(
    qapp: object, tmp_path: Path, view: str, operator: str
) -> None:
    out = tmp_path / f"{view}-{operator}.png"
    result = _cli("--view", view, "--out", str(out), "--size", "1366x768", "--operateur", operator)
    assert result.returncode == 0, result.stderr
    assert "impose une fenêtre" not in result.stderr  # nothing is cut off at 1366x768
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
    assert _distinct_colours(image) > 50


def test_overview_is_refused_to_a_chef_de_quart(tmp_path: Path) -> None:
    out = tmp_path / "tableau.png"
    result = _cli("--view", "tableau", "--out", str(out), "--operateur", "chef74")
    assert result.returncode == 1
    assert "n'est pas accessible au compte chef74" in result.stderr


@pytest.mark.parametrize("view", ["comptes", "aide"])
def test_accounts_and_help_screens_are_rendered_like_the_others(
    qapp: object, tmp_path: Path, view: str
) -> None:
    out = tmp_path / f"{view}.png"
    result = _cli("--view", view, "--out", str(out), "--size", "1280x800")
    assert result.returncode == 0, result.stderr
    assert "impose une fenêtre" not in result.stderr  # the view fits 1280×800
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    assert _distinct_colours(image) > 50


def test_the_accounts_screen_is_refused_to_a_chef_de_quart(tmp_path: Path) -> None:
    result = _cli("--view", "comptes", "--operateur", "chef74", "--out", str(tmp_path / "x.png"))
    assert result.returncode == 1
    assert "n'est pas accessible au compte chef74" in result.stderr


def _pixels_of(image: QImage, colour: str, xs: range, ys: range) -> int:
    return sum(1 for x in xs for y in ys if QColor(image.pixel(x, y)).name() == colour)


def test_the_lock_screen_covers_the_desk(qapp: object, tmp_path: Path) -> None:
    out = tmp_path / "verrouillage.png"
    result = _cli("--view", "verrouillage", "--out", str(out), "--size", "1366x768")
    assert result.returncode == 0, result.stderr
    assert "impose une fenêtre" not in result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
    assert _distinct_colours(image) > 50  # the login form, not a blank page
    # The navigation column (navy) is gone: nothing of the desk shows behind the lock.
    assert _pixels_of(image, NAVY, range(0, 200, 4), range(60, 700, 4)) == 0


def test_the_notification_banner_is_rendered_above_the_view(qapp: object, tmp_path: Path) -> None:
    out = tmp_path / "notification.png"
    result = _cli("--view", "composer", "--notification", "--out", str(out), "--size", "1280x800")
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    # The banner's background spans the top of the page, beside the navigation.
    strip = _pixels_of(image, BANNER_BACKGROUND, range(270, 1270, 4), range(24, 80, 2))
    assert strip > 2000


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("--view", "composer", "--notification", "--operateur", "opp34"), 1, "chef de quart"),
        (("--view", "login", "--notification"), 2, "ne s'appliquent pas à la vue login"),
    ],
)
def test_the_banner_needs_a_chef_de_quart_s_desk(
    tmp_path: Path, args: tuple[str, ...], code: int, said: str
) -> None:
    out = tmp_path / "x.png"
    result = _cli(*args, "--out", str(out))
    assert result.returncode == code
    assert said in result.stderr
    assert not out.exists()
