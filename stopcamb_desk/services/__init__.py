"""The desk's services over the database; ``open_services`` builds them all.

``open_services`` is served lazily (:func:`stopcamb_desk.lazy.install_lazy`): the login window
names it and paints before its module, and SQLAlchemy with it, is imported.
"""

from __future__ import annotations

from stopcamb_desk.lazy import install_lazy

__getattr__, __dir__, __all__ = install_lazy(
    __name__, {"open_services": "stopcamb_desk.services.container"}
)
