"""A real addok engine on loopback — the software behind the national address API — for tests.

addok (with the addok-fr and addok-france plugins) pins old versions of falcon and redis-py and
registers a pytest plugin of its own, so it lives in its own virtual environment, ``.venv-addok``,
created by ``make test`` (override: ``STOPCAMB_TEST_ADDOK=/path/to/bin/addok``). It needs a Redis
server (Debian's ``redis-server``): this module starts one of its own on a free loopback port,
keeping nothing on disk (the machine's Redis on 6379 is never touched), indexes
``tests/data/adresses-test.ndjson`` with ``tests/data/addok.conf``, then runs ``addok serve``
on another free loopback port.

When ``CI`` is set, a missing addok or redis-server fails the tests instead of skipping them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).with_name("data")
ADDOK_CONFIG = DATA / "addok.conf"
ADDRESSES = DATA / "adresses-test.ndjson"
START_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class AddokServer:
    url: str  # what [geocoder] url / STOPCAMB_GEOCODER_URL takes
    redis_port: int


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI (make test installs it)")
    pytest.skip(f"{what} not available")


def _addok_binary() -> str:
    configured = os.environ.get("STOPCAMB_TEST_ADDOK")
    path = Path(configured) if configured else ROOT / ".venv-addok" / "bin" / "addok"
    if not path.is_file():
        _missing(f"addok ({path}; run make test)")
    return str(path)


def _wait(ready: Callable[[], bool], process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if ready():
            return
        time.sleep(0.05)  # start-up polling, not test timing
    raise RuntimeError(f"{what} not ready after {START_TIMEOUT_SECONDS:g} s")


def _redis_ready(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _http_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/search/?q=lunel", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_addok(workdir: Path) -> Iterator[AddokServer]:
    addok = _addok_binary()
    redis = shutil.which("redis-server")
    if redis is None:
        _missing("redis-server (Debian package redis-server)")
    redis_port = _free_port()
    redis_process = subprocess.Popen(
        [
            str(redis),
            "--bind",
            "127.0.0.1",
            "--port",
            str(redis_port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
            "--protected-mode",
            "yes",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    serve: subprocess.Popen[bytes] | None = None
    try:
        _wait(lambda: _redis_ready(redis_port), redis_process, "redis-server")
        env = {
            **os.environ,
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(redis_port),
            "ADDOK_LOG_DIR": str(workdir),
        }
        base = [addok, "--config", str(ADDOK_CONFIG)]
        for command in (["batch", str(ADDRESSES)], ["ngrams"]):
            subprocess.run([*base, *command], env=env, check=True, capture_output=True, timeout=120)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        serve = subprocess.Popen(
            [*base, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(lambda: _http_ready(url), serve, "addok serve")
        yield AddokServer(url, redis_port)
    finally:
        if serve is not None:
            _stop(serve)
        _stop(redis_process)
