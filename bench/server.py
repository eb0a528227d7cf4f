"""Start and stop gunicorn on 127.0.0.1 for the load benchmark and the soak.

Every app is served with the same settings: bench/gunicorn_settings.py (the project's
gunicorn.conf.py with the access log off), 2 sync workers, a free port on 127.0.0.1.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Path(__file__).resolve().parent / "gunicorn_settings.py"
WORKERS = 2
WRK = "/usr/bin/wrk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def need_wrk() -> str:
    """wrk's path; exit with a hint when it is not installed (this code installs nothing)."""
    if not os.access(WRK, os.X_OK):
        raise SystemExit(f"{WRK} not found: run 'make wrk' (installs Debian's wrk package).")
    return WRK


class Server:
    """`with Server("wsgi:app") as server:` gunicorn running until the block ends."""

    def __init__(self, app: str, *, workers: int = WORKERS, log: Path | None = None):
        self.app, self.workers = app, workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def settings(self) -> str:
        return (
            f"{self.workers} sync workers, settings {SETTINGS.relative_to(ROOT)} "
            f"(gunicorn.conf.py, access log off), bind 127.0.0.1:{self.port}"
        )

    def __enter__(self) -> Server:
        env = {
            **os.environ,
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(self.workers),
            "LOG_LEVEL": "warning",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32),
        }
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(SETTINGS), self.app],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
        if self.log:
            out.close()
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn for {self.app} exited with status "
                    f"{self.process.returncode}" + (f"; see {self.log}" if self.log else "")
                )
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn for {self.app} did not answer /healthz in {timeout:g} s")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by this gunicorn: the master, its live workers,
        and the workers it has reaped (max_requests recycles them). Linux /proc; NaN elsewhere."""
        master = self.process.pid if self.process else None
        ticks = 0
        try:
            entries = list(os.scandir("/proc"))
        except OSError:
            return float("nan")
        for entry in entries:
            if not entry.name.isdigit():
                continue
            try:
                fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a process that just ended
            if int(entry.name) == master:  # utime, stime, cutime, cstime
                ticks += sum(int(x) for x in fields[11:15])
            elif int(fields[1]) == master:  # a worker: utime, stime
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """SIGTERM to the gunicorn master we started; SIGKILL its process group if it hangs."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
