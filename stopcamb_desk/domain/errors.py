"""The one error contract of the desk: every refusal or failure an operator reads.

Services, gateways and the CLI raise subclasses of :class:`DeskError`; the GUI and the CLI show
``exc.message`` and nothing else (a French sentence that says what to do next). Any other
exception is a bug: the error hook logs it and shows a generic message.
"""

from __future__ import annotations


class DeskError(Exception):
    """A refusal or failure shown to the operator; ``message`` is French and actionable."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
