"""The production shape on one machine: app hosts under gunicorn behind the shipped nginx, TLS.

Used by tests/deploy and bench/slow_clients.py. Everything listens on 127.0.0.1 at free ports;
nginx runs in the foreground from its own prefix in a temporary directory, with a throwaway
self-signed certificate for SERVER_NAME (made with openssl). Browsers reach SERVER_NAME through
Chromium's --host-resolver-rules, Python clients through `Connection` below.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from deploy.render import Site, write_prefix

ROOT = Path(__file__).resolve().parent.parent
SERVER_NAME = "criteria.test"  # .test is reserved: it never resolves on the internet
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
OPENSSL = "/usr/bin/openssl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode} before it listened")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not listen on port {port}") from None
            time.sleep(0.1)


def missing_tools() -> list[str]:
    return [tool for tool in (NGINX, OPENSSL) if not os.access(tool, os.X_OK)]


class Certificate:
    """A throwaway self-signed certificate for SERVER_NAME, and its pin for Chromium."""

    def __init__(self, where: Path):
        self.cert, self.key = where / "cert.pem", where / "key.pem"
        subprocess.run([OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                        "-subj", f"/CN={SERVER_NAME}",
                        "-addext", f"subjectAltName=DNS:{SERVER_NAME}",
                        "-keyout", str(self.key), "-out", str(self.cert)],
                       check=True, capture_output=True)

    def spki_pin(self) -> str:
        """base64(sha256(SubjectPublicKeyInfo)): what --ignore-certificate-errors-spki-list
        takes, so Chromium trusts this certificate as valid (and so keeps HSTS)."""
        spki = subprocess.run([OPENSSL, "x509", "-in", str(self.cert), "-pubkey", "-noout"],
                              check=True, capture_output=True).stdout
        der = subprocess.run([OPENSSL, "pkey", "-pubin", "-outform", "der"], input=spki,
                             check=True, capture_output=True).stdout
        return base64.b64encode(hashlib.sha256(der).digest()).decode()

    def context(self) -> ssl.SSLContext:
        """A client TLS context that trusts only this certificate, and checks the name."""
        return ssl.create_default_context(cafile=str(self.cert))


class AppHost:
    """One app host: `gunicorn -c gunicorn.conf.py wsgi:app` on a free port, its own process
    group (so `kill()` takes the master and its workers at once, like a host that dies)."""

    def __init__(self, logs: Path, name: str, secret: str, workers: int = 2,
                 trusted_proxies: int = 1):
        self.port, self.name = free_port(), name
        self.log = logs / f"{name}.log"
        env = {**os.environ, "SECRET_KEY": secret, "TRUSTED_PROXIES": str(trusted_proxies),
               "WEB_CONCURRENCY": str(workers), "ACCESS_LOG": "-"}
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                 "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def wait(self) -> AppHost:
        wait_for_port(self.port, self.proc, f"gunicorn {self.name}")
        return self

    def requests(self) -> list[str]:
        """Its access log lines so far ("GET /step/pain HTTP/1.0" 200 ...)."""
        return [line for line in self.log.read_text().splitlines() if '" ' in line]

    def kill(self) -> None:
        """The host is gone: SIGKILL to the master and every worker."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Nginx:
    """The shipped deploy/nginx configuration in front of `upstreams`, in the foreground."""

    def __init__(self, prefix: Path, cert: Certificate, upstreams: Sequence[str]):
        self.https_port, self.http_port = free_port(), free_port()
        site = Site(server_name=SERVER_NAME, cert=cert.cert, key=cert.key, upstreams=upstreams,
                    https_listen=f"127.0.0.1:{self.https_port}",
                    http_listen=f"127.0.0.1:{self.http_port}")
        conf = write_prefix(prefix, site)
        self.log = prefix / "error.log"
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [NGINX, "-p", str(prefix), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(self.https_port, self.proc, "nginx")

    @property
    def base_url(self) -> str:
        return f"https://{SERVER_NAME}:{self.https_port}"

    def errors(self) -> str:
        return self.log.read_text()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: finish open requests
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


class Deployment:
    """`with Deployment(hosts=2) as d:` hosts, nginx in front, one certificate, one secret."""

    def __init__(self, hosts: int = 1, workers: int = 2, cert: Certificate | None = None):
        self.count, self.workers, self.given_cert = hosts, workers, cert

    def __enter__(self) -> Deployment:
        # Not pytest's tmp_path: it is mode 0700 under root, and nginx's workers drop privileges.
        self.dir = Path(tempfile.mkdtemp(prefix="questionnaire-deploy-"))
        self.dir.chmod(0o755)
        try:
            self.cert = self.given_cert or Certificate(self.dir)
            secret = base64.b64encode(os.urandom(32)).decode()
            self.hosts = [AppHost(self.dir, f"host{i + 1}", secret, self.workers)
                          for i in range(self.count)]
            for host in self.hosts:
                host.wait()
            self.nginx = Nginx(self.dir / "nginx", self.cert, [h.address for h in self.hosts])
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if hasattr(self, "nginx"):
            self.nginx.stop()
        for host in getattr(self, "hosts", []):
            host.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def connection(self, timeout: float = 10.0) -> Connection:
        return Connection(self.nginx.https_port, self.cert.context(), timeout)


class Connection(http.client.HTTPSConnection):
    """HTTPS to nginx on 127.0.0.1 as if SERVER_NAME resolved there (SNI and Host included)."""

    def __init__(self, port: int, context: ssl.SSLContext, timeout: float = 10.0):
        super().__init__(SERVER_NAME, port, context=context, timeout=timeout)

    def connect(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        # http.client writes a POST's headers and body separately; without this, Nagle's
        # algorithm and the server's delayed ACK add 40 ms to each POST (browsers set it too).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self._context.wrap_socket(sock, server_hostname=SERVER_NAME)
