"""Guards against Qt binding releases that would crash a desk during a long shift."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    changed = Signal()
    value = Signal(int)


def test_signal_emit_does_not_leak_references_to_true() -> None:
    """PySide6 6.12.0 loses one reference to ``True`` per emit: the process aborts
    (``bool_dealloc``) after a few thousand keystrokes or background tasks."""
    emitter = _Emitter()
    emitter.changed.connect(lambda: None)
    before = sys.getrefcount(True)
    for i in range(200):
        emitter.changed.emit()
        emitter.value.emit(i)
    assert sys.getrefcount(True) - before > -10
