"""Start-up contract: the login window paints before any heavy library is imported."""

from __future__ import annotations

import os
import subprocess
import sys


def test_login_window_paints_before_sqlalchemy_and_firebase_are_imported() -> None:
    env = dict(os.environ, STOPCAMB_BENCH_EXIT_AFTER_PAINT="1", QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "stopcamb_desk", "gui", "--demo"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("painted "))
    assert line.endswith("heavy=-"), line  # no sqlalchemy, firebase_admin, shapely, alembic
