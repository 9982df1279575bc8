"""Nothing outside stopcamb_desk/ui imports Qt; the UI sits on top of the services; the whole
package type-checks with ``mypy --strict`` (both configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=ROOT, capture_output=True, text=True, check=False, timeout=600
    )


def test_import_linter_contracts_hold() -> None:
    result = _run(str(Path(sys.executable).with_name("lint-imports")), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken" in result.stdout


def test_mypy_strict_is_clean() -> None:
    result = _run(sys.executable, "-m", "mypy")  # files, strictness, overrides: [tool.mypy]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
