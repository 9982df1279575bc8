"""The lock of the push journal and the audit anchor, shared by a workstation's processes."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import portalocker
import pytest

from stopcamb_desk.private_files import PrivateLock

ROOT = Path(__file__).resolve().parent.parent


def taken_elsewhere(path: Path) -> bool:
    """Whether another holder has the lock: a non-blocking try on a file handle of our own (an
    flock belongs to its open file, so this conflicts even within this process)."""
    with open(path, "ab") as probe:
        try:
            portalocker.lock(
                probe, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING
            )
        except portalocker.LockException:
            return True
        portalocker.unlock(probe)
        return False


def test_another_process_holding_the_lock_excludes_this_one(tmp_path: Path) -> None:
    path = tmp_path / "donnees" / "journal.lock"
    script = textwrap.dedent(
        f"""
        import sys
        from stopcamb_desk.private_files import PrivateLock
        with PrivateLock({str(path)!r}):
            print("tenu", flush=True)
            sys.stdin.readline()
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None and holder.stdin is not None
        try:
            assert holder.stdout.readline().strip() == "tenu"
            assert taken_elsewhere(path)
        finally:
            holder.stdin.write("\n")
            holder.stdin.close()
            assert holder.wait(timeout=30) == 0
    assert not taken_elsewhere(path)
    with PrivateLock(path):
        assert taken_elsewhere(path)


def test_the_lock_is_reentrant_and_released_by_the_outermost_exit(tmp_path: Path) -> None:
    lock = PrivateLock(tmp_path / "a.lock")
    with lock:
        with lock:
            assert taken_elsewhere(lock.path)
        assert taken_elsewhere(lock.path)  # still held by the outer block
    assert not taken_elsewhere(lock.path)
    if os.name == "posix":
        assert stat.S_IMODE(lock.path.stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="Windows does not delete a file held open")
def test_a_lock_file_or_folder_removed_while_open_is_made_again(tmp_path: Path) -> None:
    folder = tmp_path / "donnees"
    lock = PrivateLock(folder / "anchor.lock")
    with lock:
        pass
    lock.path.unlink()  # someone tidies the data folder while the desk runs
    with lock:
        assert taken_elsewhere(lock.path)  # the file other processes open, not a deleted one
    shutil.rmtree(folder)
    with lock:
        assert folder.is_dir() and taken_elsewhere(lock.path)
