"""Start-up benchmark: medians of several runs, ours next to a bare Qt baseline.

(a) process start → login window painted, against a bare ``QApplication`` + empty
    ``QMainWindow`` process doing the same (goal: ratio ≤ 1.5). Both processes print a wall-clock
    timestamp on the event-loop turn after their first paint and exit at once.
(b) login accepted → composer painted, in-process (goal ≤ 300 ms): the real login window, the
    database opened in the background as in production, the operator clicking « Se connecter »;
    measured from the accepted authentication to the composer's first paint.

Our package is byte-compiled first, as it is installed (the frozen build ships bytecode): a
development tree under ``PYTHONDONTWRITEBYTECODE`` would otherwise recompile it at each start.

Usage: python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_RATIO = 1.5
GOAL_LOGIN_MS = 300.0

BASELINE = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

def done():
    print(f"painted {time.time():.6f}", flush=True)
    os._exit(0)

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, done)
        return False

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("baseline")
hook = FirstPaint()
window.installEventFilter(hook)
window.show()
app.exec()
"""


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["STOPCAMB_DATA_DIR"] = str(data_dir)
    env["STOPCAMB_CONFIG"] = str(data_dir / "settings.toml")
    for name in ("STOPCAMB_DATABASE_URL", "STOPCAMB_FCM_CREDENTIALS"):
        env.pop(name, None)
    return env


def _time_to_paint(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.time()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=False)
    line = next((x for x in result.stdout.splitlines() if x.startswith("painted ")), None)
    if line is None:
        raise SystemExit(f"no paint reported by {cmd}:\n{result.stderr}")
    parts = line.split()
    return (float(parts[1]) - start) * 1000.0, (parts[2] if len(parts) > 2 else "")


def _desk_command() -> list[str]:
    script = Path(sys.executable).with_name("stopcamb-desk")
    if script.exists():
        return [str(script), "gui", "--demo"]
    return [sys.executable, "-m", "stopcamb_desk", "gui", "--demo"]


# The same window without the CLI dispatcher (which imports every sub-command to build --help):
# shows how much of the start-up the dispatcher costs.
DIRECT = (
    "import sys\n"
    "from stopcamb_desk.config import load_settings\n"
    "from stopcamb_desk.ui.app import run_gui\n"
    "sys.exit(run_gui(load_settings().with_demo()))\n"
)


def bench_paint(runs: int, data_dir: Path) -> tuple[dict[str, list[float]], set[str]]:
    env = _env(data_dir)
    ours_env = dict(env, STOPCAMB_BENCH_EXIT_AFTER_PAINT="1")
    commands = {
        "baseline": ([sys.executable, "-c", BASELINE], env),
        "ours": (_desk_command(), ours_env),
        "direct": ([sys.executable, "-c", DIRECT], ours_env),
    }
    for cmd, cmd_env in commands.values():  # warm the file cache
        _time_to_paint(cmd, cmd_env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    heavy: set[str] = set()
    for _ in range(runs):  # interleaved, so machine load hits all alike
        for name, (cmd, cmd_env) in commands.items():
            elapsed, loaded = _time_to_paint(cmd, cmd_env)
            samples[name].append(elapsed)
            if name != "baseline":
                heavy.add(loaded.removeprefix("heavy="))
    return samples, heavy


def child_login(data_dir: Path) -> None:
    """One login → composer measurement in this (fresh) process; prints milliseconds."""
    os.environ.update(_env(data_dir))
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from stopcamb_desk.config import load_settings
    from stopcamb_desk.ui.app import Desk
    from stopcamb_desk.ui.errors import ErrorHandler
    from stopcamb_desk.ui.tasks import QtTaskRunner
    from stopcamb_desk.ui.theme import apply_theme

    app = QApplication(sys.argv[:1])
    apply_theme(app)
    errors = ErrorHandler()
    errors.install()
    desk = Desk(load_settings().with_demo(), QtTaskRunner(on_unhandled=errors.report), errors)
    marks: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and "painted" not in marks:
                QTimer.singleShot(0, lambda: marks.setdefault("painted", time.perf_counter()))
            return False

    hook = FirstPaint()

    def timed_open(services: object, principal: object) -> None:
        marks["accepted"] = time.perf_counter()
        window = desk.open_shell(services, principal)  # type: ignore[arg-type]
        window.composer().installEventFilter(hook)

    desk.flow.logged_in.disconnect(desk.open_shell)
    desk.flow.logged_in.connect(timed_open)
    desk.start()

    def wait(condition: object, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
            app.processEvents()
            time.sleep(0.005)

    wait(lambda: desk.flow.services is not None, 60)
    wait(lambda: False, 1.0)  # the operator is still typing: the warm-up finishes meanwhile
    desk.login.fill("chef74", "demo-chef74")
    desk.login.submit_button.click()
    wait(lambda: "painted" in marks, 60)
    if "painted" not in marks:
        raise SystemExit("composer never painted")
    print(f"{(marks['painted'] - marks['accepted']) * 1000.0:.1f}", flush=True)
    os._exit(0)


def bench_login(runs: int, data_dir: Path) -> list[float]:
    samples: list[float] = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, __file__, "--child-login", str(data_dir)],
            capture_output=True,
            text=True,
            env=_env(data_dir),
            timeout=180,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"login measurement failed:\n{result.stderr}")
        samples.append(float(result.stdout.strip().splitlines()[-1]))
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child-login", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_login:
        child_login(args.child_login)
        return 0
    # As installed (the frozen build and a pip install ship bytecode, as PySide6 has it here):
    # a development tree under PYTHONDONTWRITEBYTECODE would recompile our sources at each start.
    compileall.compile_dir(str(ROOT / "stopcamb_desk"), quiet=1)
    data_dir = Path(tempfile.mkdtemp(prefix="stopcamb-bench-"))
    try:
        samples, heavy = bench_paint(args.runs, data_dir)
        login = bench_login(max(3, args.runs // 2), data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    b = statistics.median(samples["baseline"])
    o = statistics.median(samples["ours"])
    d = statistics.median(samples["direct"])
    lg = statistics.median(login)
    ratio = o / b
    print(f"(a) process start → first window painted, median of {args.runs} runs (min)")
    low = {name: min(values) for name, values in samples.items()}
    print(
        f"    baseline  bare QApplication + empty QMainWindow  {b:6.0f} ms ({low['baseline']:.0f})"
    )
    print(f"    ours      stopcamb-desk gui --demo (login)       {o:6.0f} ms ({low['ours']:.0f})")
    verdict = "OK" if ratio <= GOAL_RATIO else "ABOVE GOAL"
    print(f"    ratio     {ratio:.2f}  (goal ≤ {GOAL_RATIO})  {verdict}")
    print(
        f"    without the CLI dispatcher (run_gui directly)    {d:6.0f} ms ({low['direct']:.0f})"
        f"  ratio {d / b:.2f}"
    )
    print(f"    heavy modules imported before the paint: {', '.join(sorted(heavy))}")
    verdict = "OK" if lg <= GOAL_LOGIN_MS else "ABOVE GOAL"
    print(f"(b) login accepted → composer painted, median of {len(login)} runs")
    print(f"    ours      {lg:7.0f} ms  (goal ≤ {GOAL_LOGIN_MS:.0f} ms)  {verdict}")
    print(f"    samples   {', '.join(f'{x:.0f}' for x in login)} ms")
    return 0 if ratio <= GOAL_RATIO and lg <= GOAL_LOGIN_MS else 1


if __name__ == "__main__":
    sys.exit(main())
