"""Lazy imports live in one place (``stopcamb_desk/lazy.py``, the command table of
``stopcamb_desk/cli``): no import hides inside a function, and the libraries bound lazily are
really imported only when used, so the desk and each command start without what they do not use.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from stopcamb_desk.cli import COMMANDS, main

PACKAGE = Path(__file__).resolve().parents[1] / "stopcamb_desk"
# Where imports are written at the top of modules: the whole package.
SCOPE = ("cli", "push", "geo", "domain", "services", "models", "ui")
# Imports that must stay inside a function: (module path, imported module) → why. Keep it short:
# a library too heavy for the start goes in stopcamb_desk/lazy.py, an import cycle is fixed by
# moving the code to its proper home.
ALLOWED: dict[tuple[str, str], str] = {}


def _scoped_files() -> list[Path]:
    files = sorted(PACKAGE.glob("*.py"))
    for directory in SCOPE:
        files += sorted((PACKAGE / directory).rglob("*.py"))
    return files


def _function_imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) of each import written inside a function of ``path``."""
    found: dict[int, tuple[int, str]] = {}
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found[id(node)] = (node.lineno, alias.name)
            elif isinstance(node, ast.ImportFrom):
                found[id(node)] = (node.lineno, "." * node.level + (node.module or ""))
    return sorted(found.values())


def test_no_import_is_written_inside_a_function() -> None:
    hidden = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {module}"
        for path in _scoped_files()
        for line, module in _function_imports(path)
        if (str(path.relative_to(PACKAGE.parent)), module) not in ALLOWED
    ]
    assert hidden == [], "imports inside functions (see stopcamb_desk/lazy.py):\n" + "\n".join(
        hidden
    )


def test_the_type_checker_and_the_run_time_see_the_same_lazy_libraries() -> None:
    tree = ast.parse((PACKAGE / "lazy.py").read_text(encoding="utf-8"))
    checked = next(n for n in tree.body if isinstance(n, ast.If))  # if TYPE_CHECKING: … else: …
    typed = {
        alias.asname or alias.name: alias.name
        for node in checked.body
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    lazy = {
        node.targets[0].id: node.value.args[0].value
        for node in checked.orelse
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.args[0], ast.Constant)
    }
    assert typed == lazy
    assert lazy


# Imports every light module (domain, geo but the map's projection, push, the settings, the
# logs), runs the CLI's --version and --help; prints the lazy libraries and the command modules
# imported by then, and the lazy libraries imported once an outline, a payload and a commune
# search have been asked for.
_PROBE = """
import importlib, io, json, pkgutil, sys, contextlib
from stopcamb_desk import lazy
libraries = sorted(m.__name__ for m in vars(lazy).values() if isinstance(m, lazy._LazyModule))
names = ["stopcamb_desk.config", "stopcamb_desk.logs", "stopcamb_desk.private_files"]
for package in ("domain", "geo", "push"):
    root = importlib.import_module(f"stopcamb_desk.{package}")
    names += [m.name for m in pkgutil.walk_packages(root.__path__, root.__name__ + ".")]
for name in names:
    if name != "stopcamb_desk.geo.projection":
        importlib.import_module(name)
from stopcamb_desk.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    assert main(["--version"]) == 0
    assert main(["--help"]) == 0
at_start = [name for name in libraries if name in sys.modules]
light = {"stopcamb_desk.cli.common", "stopcamb_desk.cli.french_argparse"}
commands = [m for m in sys.modules if m.startswith("stopcamb_desk.cli.") and m not in light]
commands += [m for m in sys.modules if m.startswith(("stopcamb_desk.services", "stopcamb_desk.ui"))]
from stopcamb_desk.geo.communes import search_communes
from stopcamb_desk.geo.departements import departement_at
from stopcamb_desk.push.payload import AlertPush, build_payload
assert departement_at(6.13, 45.9).code == "74"
assert build_payload(AlertPush(1, "Cambriolages à Annecy.", "74"))["topic"]
assert search_communes("meythet")
used = [name for name in libraries if name in sys.modules]
print(json.dumps({"at_start": at_start, "commands": commands, "used": used}))
"""


def test_the_lazy_libraries_load_when_first_used_and_not_before() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["at_start"] == []
    assert report["commands"] == []
    assert {"shapely", "numpy", "firebase_admin.messaging"} <= set(report["used"])


def test_help_lists_every_command() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--help"]) == 0
    for name, (help_text, _where) in COMMANDS.items():
        assert name in out.getvalue()
        assert help_text.split()[0] in out.getvalue()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_command_declares_its_arguments_when_it_runs(command: str) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([command, "--help"]) == 0
    assert f"stopcamb-desk {command}" in out.getvalue()
