"""Lazy imports in one place (after napari's ``install_lazy``, itself lazy_loader's ``attach``).

A package lists the attributes it serves and the module each comes from; the module is imported
the first time the attribute is read (PEP 562 module ``__getattr__``). ``stopcamb_desk/ui``
serves its main window and views this way, so the login window paints before any of them (or
SQLAlchemy, firebase-admin, shapely behind them) is imported: ``tests/test_ui_startup.py`` and
``bench/startup.py`` hold that line. Elsewhere a module imports what it uses at its top.

::

    __getattr__, __dir__, __all__ = install_lazy(__name__, {
        "MainWindow": "stopcamb_desk.ui.shell",                  # same name in the module
        "prepare_composer": "stopcamb_desk.ui.composer.view:prepare",  # module:attribute
    })
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def install_lazy(
    package: str, attributes: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``(__getattr__, __dir__, __all__)`` for ``package``: each name of ``attributes`` is
    ``"module"`` (same attribute name there) or ``"module:attribute"``."""
    table = {name: target.partition(":") for name, target in attributes.items()}
    names = sorted(table)

    def __getattr__(name: str) -> Any:
        try:
            module, _, attribute = table[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        return getattr(importlib.import_module(module), attribute or name)

    def __dir__() -> list[str]:
        return list(names)

    return __getattr__, __dir__, list(names)
