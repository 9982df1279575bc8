"""The ``--json`` output of the commands.

Apart from :mod:`.common` because the command-line dispatcher imports that one before any
command, the GUI's too: ``json`` (~2 ms, its regular expressions) waits for a command printing
JSON.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
