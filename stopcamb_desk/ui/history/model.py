"""A lazy Qt table model over keyset-paginated service queries (history, audit journal).

Qt asks ``canFetchMore``/``fetchMore`` when the view scrolls near the end; each call loads one
page after the last row held, through the shell's database worker (results come back on the
GUI thread). Nothing ever loads the whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from stopcamb_desk.ui.errors import expected_message

if TYPE_CHECKING:
    from stopcamb_desk.ui.tasks import TaskRunner

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 100
# A live refresh reloads at most this many rows from the top (the rest is fetched again lazily).
MAX_REFRESH_ROWS = 1000


@dataclass(frozen=True)
class Column(Generic[R]):
    header: str
    text: Callable[[R], str]
    tooltip: Callable[[R], str] | None = None


# fetch(cursor, limit) -> (rows, next_cursor); cursor None = from the top.
Fetch = Callable[[Any, int], tuple[Sequence[Any], Any]]


class LazyTableModel(QAbstractTableModel, Generic[R]):
    """Rows of type ``R`` loaded page by page; ``row_id(row)`` identifies a row across reloads."""

    loading_changed = Signal(bool)
    failed = Signal(str)

    def __init__(
        self,
        columns: Sequence[Column[R]],
        row_id: Callable[[R], int],
        runner: TaskRunner,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._row_id = row_id
        self._runner = runner
        self._page_size = page_size
        self._fetch: Fetch | None = None
        self._rows: list[R] = []
        self._cursor: Any = None
        self._exhausted = True
        self._loading = False
        self._generation = 0  # results of a superseded query are dropped
        self.row_style: Callable[[R, int], Any] | None = None

    # -- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.UserRole:
            return self._row_id(row)
        if self.row_style is not None:
            return self.row_style(row, role)
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or self._fetch is None:
            return
        fetch, cursor, generation = self._fetch, self._cursor, self._generation
        self._set_loading(True)
        self._runner.run_db(
            lambda: fetch(cursor, self._page_size),
            lambda result: self._append(generation, result),
            lambda exc: self._fail(generation, exc),
            owner=self,
        )

    # -- queries ----------------------------------------------------------------------------
    def set_query(self, fetch: Fetch) -> None:
        """Start over with a new query (new filters) and load its first page."""
        self._generation += 1
        self.beginResetModel()
        self._fetch = fetch
        self._rows = []
        self._cursor = None
        self._exhausted = False
        self._loading = False
        self.endResetModel()
        self.fetchMore()

    def refresh(self) -> None:
        """Reload from the top (another desk changed something), keeping as many rows as shown
        (bounded): new alerts appear at the top and changed statuses are updated."""
        if self._fetch is None or self._loading:
            return
        fetch, generation = self._fetch, self._generation
        limit = max(self._page_size, min(len(self._rows), MAX_REFRESH_ROWS))
        self._set_loading(True)
        self._runner.run_db(
            lambda: fetch(None, limit),
            lambda result: self._replace(generation, result),
            lambda exc: self._fail(generation, exc),
            owner=self,
        )

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, row_id: int) -> int:
        for i, row in enumerate(self._rows):
            if self._row_id(row) == row_id:
                return i
        return -1

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    # -- results ----------------------------------------------------------------------------
    def _append(self, generation: int, result: tuple[Sequence[R], Any]) -> None:
        if generation != self._generation:
            return
        rows, cursor = result
        self._set_loading(False)
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self._cursor = cursor
        self._exhausted = cursor is None

    def _replace(self, generation: int, result: tuple[Sequence[R], Any]) -> None:
        if generation != self._generation:
            return
        rows, cursor = result
        self._set_loading(False)
        self.layoutAboutToBeChanged.emit()
        old_ids = [self._row_id(r) for r in self._rows]
        self._rows = list(rows)
        new = {self._row_id(r): i for i, r in enumerate(self._rows)}
        # Keep selections and the current row attached to the same alert.
        for persistent in self.persistentIndexList():
            row = persistent.row()
            target = new.get(old_ids[row], -1) if 0 <= row < len(old_ids) else -1
            self.changePersistentIndex(
                persistent,
                self.index(target, persistent.column()) if target >= 0 else QModelIndex(),
            )
        self._cursor = cursor
        self._exhausted = cursor is None
        self.layoutChanged.emit()

    def _fail(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        self.failed.emit(expected_message(exc) or "Chargement impossible ; réessayez.")

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)
