"""One way to run background work (after anki's QueryOp and picard's ``util/thread.py``).

Database work goes to a single worker thread (SQLite wants one writer; ordering is kept: the
connection opened at start-up is ready before the login that follows it). Network work (FCM,
geocoding) goes to a small pool. Callbacks always run on the GUI thread, delivered through a
queued Qt signal. Views receive a :class:`TaskRunner` and never create threads themselves;
tests may pass :class:`ImmediateTaskRunner`, which runs everything synchronously.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, Signal, Slot
from shiboken6 import isValid

from stopcamb_desk.lazy import futures

T = TypeVar("T")
Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]


class TaskRunner(Protocol):
    """What views use to run work off the GUI thread."""

    def run_db(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Failure | None = None,
        *,
        owner: QObject | None = None,
    ) -> futures.Future[T]:
        """Run ``fn`` on the database worker; the callbacks run on the GUI thread.

        Without ``on_failure`` an exception goes to the application's error handler. When
        ``owner`` is given and has been deleted by the time the result arrives, the callbacks
        are dropped (the view that asked is gone).
        """
        ...

    def run_net(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Failure | None = None,
        *,
        owner: QObject | None = None,
    ) -> futures.Future[T]:
        """Same as :meth:`run_db`, on the network pool (calls may run in parallel)."""
        ...

    def shutdown(self) -> None: ...


def _report_default(exc: BaseException) -> None:
    raise exc


class _Dispatcher(QObject):
    """Lives in the GUI thread; a queued signal carries callables from workers to it."""

    deliver = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        # Auto connection: emitted from a worker thread, so queued to this (GUI) thread.
        self.deliver.connect(self._run)

    @Slot(object)
    def _run(self, callback: Callable[[], None]) -> None:
        callback()


class QtTaskRunner:
    """Thread-backed runner. Create it on the GUI thread, after the QApplication."""

    def __init__(self, on_unhandled: Failure | None = None, net_workers: int = 4) -> None:
        self._on_unhandled = on_unhandled or _report_default
        self._net_workers = net_workers
        # Pools are created on first use: nothing to start before the first paint.
        self._db: futures.ThreadPoolExecutor | None = None
        self._net: futures.ThreadPoolExecutor | None = None
        self._dispatcher = _Dispatcher()
        self._closed = False

    def _pools(self) -> tuple[futures.ThreadPoolExecutor, futures.ThreadPoolExecutor]:
        if self._db is None or self._net is None:
            self._db = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="stopcamb-db")
            self._net = futures.ThreadPoolExecutor(
                max_workers=self._net_workers, thread_name_prefix="stopcamb-net"
            )
        return self._db, self._net

    def run_db(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Failure | None = None,
        *,
        owner: QObject | None = None,
    ) -> futures.Future[T]:
        return self._submit(0, fn, on_success, on_failure, owner)

    def run_net(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Failure | None = None,
        *,
        owner: QObject | None = None,
    ) -> futures.Future[T]:
        return self._submit(1, fn, on_success, on_failure, owner)

    def shutdown(self) -> None:
        """Drop pending callbacks and stop accepting work (running jobs finish on their own)."""
        self._closed = True
        for pool in (self._db, self._net):
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)

    def _submit(
        self,
        pool_index: int,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None,
        on_failure: Failure | None,
        owner: QObject | None,
    ) -> futures.Future[T]:
        if self._closed:  # the desk is closing (a late change notice): the work is dropped
            dropped: futures.Future[T] = futures.Future()
            dropped.cancel()
            return dropped
        pool = self._pools()[pool_index]
        failure = on_failure or self._on_unhandled

        def post(callback: Callable[[], None]) -> None:
            if self._closed:
                return

            def guarded() -> None:
                if self._closed or (owner is not None and not isValid(owner)):
                    return
                callback()

            self._dispatcher.deliver.emit(guarded)

        def job() -> T:
            try:
                result = fn()
            except BaseException as exc:
                error = exc
                post(lambda: failure(error))
                raise
            if on_success is not None:
                post(lambda: on_success(result))
            return result

        return pool.submit(job)


class ImmediateTaskRunner:
    """Synchronous fake for tests and screenshots: work and callbacks run at once, in order."""

    def __init__(self, on_unhandled: Failure | None = None) -> None:
        self._on_unhandled = on_unhandled or _report_default

    def run_db(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Failure | None = None,
        *,
        owner: QObject | None = None,
    ) -> futures.Future[T]:
        return self._run(fn, on_success, on_failure)

    run_net = run_db

    def shutdown(self) -> None:
        pass

    def _run(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None,
        on_failure: Failure | None,
    ) -> futures.Future[T]:
        future: futures.Future[T] = futures.Future()
        try:
            result = fn()
        except Exception as exc:
            future.set_exception(exc)
            (on_failure or self._on_unhandled)(exc)
            return future
        future.set_result(result)
        if on_success is not None:
            on_success(result)
        return future
