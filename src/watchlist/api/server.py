"""``watchlist serve``: a pre-fork server that shares one screening index among its workers.

The supervising process loads the screening index, opens the listening socket and forks
the workers (each runs uvicorn on the shared socket). Forked after the index is loaded,
the workers share its memory pages copy-on-write instead of each holding a copy
(``gc.freeze`` keeps the collector from touching, hence copying, them).

New list versions: the supervisor checks the store every ``refresh_seconds``; when the
current versions changed, it loads the new index (from the shared on-disk cache, or
builds it), forks a new generation of workers that share it, waits until they accept
connections, and only then tells the old generation to drain: an old worker stops
accepting, answers the requests it has, marks each response ``Connection: close`` so
that clients reconnect (to a new worker, through the same socket), and exits once its
connections are gone. The listening socket never closes, no request is cut off, and no
worker ever stalls to load an index while it serves.

Workers write their request counts to a shared-memory block (``api.metrics``) so that
``/metrics`` from any worker shows the whole service.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import select
import signal
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from types import FrameType
from typing import Any

from watchlist.api.live import IndexHolder, Served, Signature, load_served, signature_of
from watchlist.api.metrics import SharedMetrics
from watchlist.settings import Settings
from watchlist.store import ListStore, open_engine

log = logging.getLogger("watchlist.serve")

_READY_TIMEOUT = 120.0


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _draining_server_class() -> Any:
    import uvicorn

    class DrainingServer(uvicorn.Server):
        """uvicorn, plus: report readiness to the supervisor, and drain on SIGTERM."""

        def __init__(
            self,
            config: uvicorn.Config,
            draining: threading.Event,
            drain_seconds: float,
            ready_fd: int | None,
        ) -> None:
            super().__init__(config)
            self.draining = draining
            self.drain_seconds = drain_seconds
            self.ready_fd = ready_fd
            self.drain_requested = False

        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            if sig == signal.SIGTERM:
                self.drain_requested = True
            super().handle_exit(sig, frame)

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.ready_fd is not None and self.started:
                os.write(self.ready_fd, b"r")
                os.close(self.ready_fd)
                self.ready_fd = None

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            import asyncio

            if self.drain_requested and not self.force_exit:
                for server in self.servers:
                    server.close()  # stop accepting; the supervisor's socket stays open
                self.draining.set()  # every response from now on: Connection: close
                loop = asyncio.get_running_loop()
                deadline = loop.time() + self.drain_seconds
                while (
                    self.server_state.connections and loop.time() < deadline and not self.force_exit
                ):
                    await asyncio.sleep(0.05)
            await super().shutdown(sockets=sockets)

    return DrainingServer


@dataclass
class _Worker:
    pid: int
    slot: int
    generation: int


class Supervisor:
    def __init__(
        self, settings: Settings, sock: socket.socket, workers: int, log_level: str = "info"
    ) -> None:
        self.settings = settings
        self.sock = sock
        self.n = max(1, workers)
        self.log_level = log_level
        self.store = ListStore(open_engine(settings.db_url))
        self.metrics = SharedMetrics(2 * self.n)
        self.generation = 0
        self.signature: Signature | None = None  # of the index the current generation serves
        self.roll = False  # a worker died: start a whole new generation
        self.workers: dict[int, _Worker] = {}  # pid -> worker of the current generation
        self.old: dict[int, tuple[_Worker, float]] = {}  # pid -> (draining worker, since)
        self.stopping = False
        self.reload_now = False

    # ------------------------------------------------------------ signals

    def _on_stop(self, sig: int, _frame: FrameType | None) -> None:
        self.stopping = True

    def _on_hup(self, _sig: int, _frame: FrameType | None) -> None:
        self.reload_now = True

    # ------------------------------------------------------------ main loop

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_hup)
        served = self._load(0)
        if served is None:
            log.warning("no list loaded yet: workers answer /readyz 503 until one is loaded")
        started = self._start_generation(0, served)
        del served
        self._release()
        if not started:
            self._shutdown()
            return 1
        host, port = self.sock.getsockname()[:2]
        log.info(
            "watchlist serving on http://%s:%d with %d workers (pid %d)",
            host,
            port,
            self.n,
            os.getpid(),
        )
        last_check = time.monotonic()
        while not self.stopping:
            time.sleep(0.1)
            self._reap()
            if (
                self.reload_now
                or self.roll
                or time.monotonic() - last_check >= self.settings.refresh_seconds
            ):
                self.reload_now = False
                last_check = time.monotonic()
                try:
                    self._check_versions()
                except Exception:
                    log.exception(
                        "could not swap in the new screening index; the old one keeps serving"
                    )
        self._shutdown()
        return 0

    def _load(self, generation: int) -> Served | None:
        t = time.perf_counter()
        served = load_served(self.store, self.settings.cache_dir, generation)
        if served is not None:
            log.info(
                "screening index loaded: %d entities, %d names (%.1f s)",
                served.index.stats()["entities"],
                served.index.stats()["names"],
                time.perf_counter() - t,
            )
        return served

    def _check_versions(self) -> None:
        """Roll a new generation when the store's current versions changed (or a worker died)."""
        versions = self.store.current_versions()
        if not versions:
            return
        if not self.roll and signature_of(versions) == self.signature:
            return
        generation = self.generation + 1
        served = self._load(generation)
        if served is None:
            return
        started = self._start_generation(generation, served)
        del served
        self._release()
        if started:
            self.roll = False

    @staticmethod
    def _release() -> None:
        """Free the supervisor's copy of the index once the workers have theirs: otherwise,
        as the workers' reference counting unshares the pages, it would be a third copy."""
        gc.collect()
        try:
            import ctypes

            ctypes.CDLL("libc.so.6").malloc_trim(0)  # hand the freed heap back to the system
        except (OSError, AttributeError):
            pass

    def _start_generation(self, generation: int, served: Served | None) -> bool:
        """Fork ``n`` workers of a new generation serving ``served``; once all of them are
        ready, drain the old ones. The supervisor keeps no copy of the index afterwards."""
        # Workers of the generation before the previous one hold the slots we reuse.
        parity = generation % 2
        self._wait_old(lambda w: w.slot // self.n == parity)
        gc.collect()
        gc.freeze()  # the index's objects stay untouched by the collector: pages stay shared
        self.store.engine.dispose()  # no database connection crosses the fork
        read_fd, write_fd = os.pipe()
        new: dict[int, _Worker] = {}
        for i in range(self.n):
            slot = parity * self.n + i
            pid = self._fork(slot, generation, write_fd, served)
            new[pid] = _Worker(pid, slot, generation)
        os.close(write_fd)
        signature = served.signature if served is not None else None
        gc.unfreeze()  # the caller then drops the supervisor's copy (``_release``)
        ready = self._wait_ready(read_fd, len(new))
        os.close(read_fd)
        if ready < len(new):
            log.error(
                "only %d of %d new workers started; keeping the old generation", ready, len(new)
            )
            for w in new.values():
                self._kill(w.pid, signal.SIGKILL)
            for w in new.values():
                self._waitpid(w.pid)
            return False
        old, self.workers = self.workers, new
        self.generation = generation
        self.signature = signature
        now = time.monotonic()
        for w in old.values():
            self._kill(w.pid, signal.SIGTERM)  # drain: finish, close connections, exit
            self.old[w.pid] = (w, now)
        if old:
            log.info("generation %d serving; the previous one is draining", generation)
        return True

    def _wait_ready(self, fd: int, want: int) -> int:
        got = 0
        deadline = time.monotonic() + _READY_TIMEOUT
        while got < want and time.monotonic() < deadline and not self.stopping:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                data = os.read(fd, 64)
                if not data:
                    break  # every writer closed: the rest died
                got += len(data)
        return got

    def _fork(self, slot: int, generation: int, ready_fd: int, served: Served | None) -> int:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                code = self._worker(slot, generation, ready_fd, served)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        return pid

    def _worker(self, slot: int, generation: int, ready_fd: int, served: Served | None) -> int:
        import uvicorn

        from watchlist.api.app import create_app

        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(s, lambda *_: None)  # uvicorn installs its own while it serves
        store = ListStore(open_engine(self.settings.db_url))
        holder = IndexHolder(store, self.settings.cache_dir, served=served, watch=False)
        app = create_app(
            self.settings,
            holder=holder,
            metrics=self.metrics,
            slot=self.metrics.slot(slot, generation),
            store=store,
        )
        config = uvicorn.Config(
            app,
            lifespan="on",
            access_log=False,  # the request log records who called what
            log_level=self.log_level,
            timeout_keep_alive=5,
            server_header=False,
        )
        server = _draining_server_class()(
            config, app.state.service.draining, self.settings.drain_seconds, ready_fd
        )
        server.run(sockets=[self.sock])
        return 0

    # ------------------------------------------------------------ children

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.old:
                del self.old[pid]
                continue
            w = self.workers.pop(pid, None)
            if w is not None and not self.stopping:
                log.error(
                    "worker %d (slot %d) exited with status %d; starting a new generation",
                    pid,
                    w.slot,
                    status,
                )
                self.roll = True  # the others keep serving until the new generation is ready
        # Draining workers that overstay are stopped.
        limit = self.settings.drain_seconds + 10
        for pid, (_w, since) in list(self.old.items()):
            if time.monotonic() - since > limit:
                self._kill(pid, signal.SIGKILL)

    def _wait_old(self, which: Any, timeout: float | None = None) -> None:
        timeout = self.settings.drain_seconds + 10 if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while any(which(w) for w, _ in self.old.values()):
            self._reap()
            if time.monotonic() > deadline:
                for pid, (w, _) in list(self.old.items()):
                    if which(w):
                        self._kill(pid, signal.SIGKILL)
                        self._waitpid(pid)
                        self.old.pop(pid, None)
                break
            time.sleep(0.05)

    def _shutdown(self) -> None:
        log.info("stopping %d workers", len(self.workers))
        for pid in list(self.workers):
            self._kill(pid, signal.SIGTERM)
            self.old[pid] = (self.workers[pid], time.monotonic())
        self.workers = {}
        self._wait_old(lambda w: True)
        self.sock.close()

    @staticmethod
    def _kill(pid: int, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)

    @staticmethod
    def _waitpid(pid: int) -> None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def serve(settings: Settings, *, log_level: str = "info") -> int:
    """Run the service until SIGTERM or SIGINT. Returns the exit code."""
    logging.basicConfig(
        level=getattr(logging, log_level.upper(), logging.INFO),
        format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    sock = bind_socket(settings.api_host, settings.api_port)
    return Supervisor(settings, sock, settings.api_workers, log_level).run()
