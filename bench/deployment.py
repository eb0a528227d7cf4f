"""The production shape on one machine: app hosts under gunicorn behind the shipped nginx, TLS.

Used by tests/deploy and bench/. Everything listens on 127.0.0.1 at free ports; nginx runs in the
foreground from its own prefix in a temporary directory, with a throwaway self-signed certificate
for SERVER_NAME (openssl). Browsers reach it through Chromium's --host-resolver-rules.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import random
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
IP = shutil.which("ip") or "/usr/sbin/ip"  # iproute2, for hosts in network namespaces


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(
    port: int, proc: subprocess.Popen, what: str, timeout: float = 30.0, host: str = "127.0.0.1"
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode} before it listened")
        try:
            socket.create_connection((host, port), timeout=1).close()
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
        subprocess.run(
            [
                OPENSSL,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "2",
                "-subj",
                f"/CN={SERVER_NAME}",
                "-addext",
                f"subjectAltName=DNS:{SERVER_NAME}",
                "-keyout",
                str(self.key),
                "-out",
                str(self.cert),
            ],
            check=True,
            capture_output=True,
        )

    def spki_pin(self) -> str:
        """base64(sha256(SubjectPublicKeyInfo)): what --ignore-certificate-errors-spki-list
        takes, so Chromium trusts this certificate as valid (and so keeps HSTS)."""
        spki = subprocess.run(
            [OPENSSL, "x509", "-in", str(self.cert), "-pubkey", "-noout"],
            check=True,
            capture_output=True,
        ).stdout
        der = subprocess.run(
            [OPENSSL, "pkey", "-pubin", "-outform", "der"],
            input=spki,
            check=True,
            capture_output=True,
        ).stdout
        return base64.b64encode(hashlib.sha256(der).digest()).decode()

    def context(self) -> ssl.SSLContext:
        """A client TLS context that trusts only this certificate, and checks the name."""
        return ssl.create_default_context(cafile=str(self.cert))


def ip(*args: str) -> None:
    subprocess.run([IP, *args], check=True, capture_output=True)


def netns_works() -> bool:
    """Can this process make network namespaces (root, with CAP_NET_ADMIN and CAP_SYS_ADMIN)?"""
    if os.geteuid() != 0 or not os.access(IP, os.X_OK):
        return False
    name = f"qs-probe-{os.getpid()}"
    try:
        ip("netns", "add", name)
    except (OSError, subprocess.CalledProcessError):
        return False
    ip("netns", "del", name)
    return True


class Netns:
    """A host of its own on this machine: a network namespace with one address, joined to this
    namespace by a veth pair. `unplug()` pulls its cable: packets to it vanish, nothing answers."""

    def __init__(self, index: int):
        tag = f"{os.getpid() % 100000:05d}{index}"  # interface names have at most 15 characters
        self.name, self.outer, self.inner = f"qs-{tag}", f"qso{tag}", f"qsi{tag}"
        taken = subprocess.run([IP, "-o", "addr"], capture_output=True, text=True).stdout
        while True:  # a /30 of 10.200.0.0/13 that no interface here uses
            base = f"10.{random.randint(200, 207)}.{random.randint(0, 255)}"
            last = random.randrange(0, 256, 4)
            self.gateway, self.address = f"{base}.{last + 1}", f"{base}.{last + 2}"
            if f" {self.gateway}/" not in taken and f" {self.address}/" not in taken:
                break
        ip("netns", "add", self.name)
        try:
            ip("link", "add", self.outer, "type", "veth", "peer", "name", self.inner)
            ip("link", "set", self.inner, "netns", self.name)
            ip("addr", "add", f"{self.gateway}/30", "dev", self.outer)
            ip("link", "set", self.outer, "up")
            for command in (
                ("addr", "add", f"{self.address}/30", "dev", self.inner),
                ("link", "set", self.inner, "up"),
                ("link", "set", "lo", "up"),
            ):
                ip("netns", "exec", self.name, IP, *command)
        except BaseException:
            self.remove()
            raise

    def command(self, argv: list[str]) -> list[str]:
        return [IP, "netns", "exec", self.name, *argv]

    def unplug(self) -> None:
        ip("netns", "exec", self.name, IP, "link", "set", self.inner, "down")

    def remove(self) -> None:
        """After its processes are gone: the namespace, and the veth pair with it."""
        subprocess.run([IP, "netns", "del", self.name], capture_output=True)
        subprocess.run([IP, "link", "del", self.outer], capture_output=True)


class AppHost:
    """One app host: `gunicorn -c gunicorn.conf.py wsgi:app` in its own process group (so
    `kill()` takes the master and its workers at once, like a host that dies), either on a free
    port of 127.0.0.1 or, given a Netns, on port 8000 of that namespace's own address."""

    def __init__(
        self,
        logs: Path,
        name: str,
        secret: str,
        workers: int = 2,
        trusted_proxies: int = 1,
        netns: Netns | None = None,
        env: dict[str, str] | None = None,
    ):
        self.name, self.netns = name, netns
        self.host, self.port = (netns.address, 8000) if netns else ("127.0.0.1", free_port())
        self.log = logs / f"{name}.log"
        env = {
            **os.environ,
            "SECRET_KEY": secret,
            "TRUSTED_PROXIES": str(trusted_proxies),
            "WEB_CONCURRENCY": str(workers),
            "ACCESS_LOG": "-",
            **(env or {}),
        }
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "-b",
            self.address,
            "wsgi:app",
        ]
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                netns.command(argv) if netns else argv,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def wait(self) -> AppHost:
        wait_for_port(self.port, self.proc, f"gunicorn {self.name}", host=self.host)
        return self

    def unplug(self) -> None:
        """The host drops off the network: it still runs, but nothing reaches it."""
        assert self.netns, "only a host in its own network namespace can be unplugged"
        self.netns.unplug()

    def requests(self) -> list[str]:
        """Its access log lines so far ('127.0.0.1 [...] "GET /step/pain HTTP/1.1" 200 ...').
        A worker writes each line just after it has answered: the newest may be missing."""
        return [line for line in self.log.read_text().splitlines() if '" ' in line]

    def kill(self) -> None:
        """The host is gone: SIGKILL to the master and every worker. Returns once connections
        are refused: until the last worker has died, the listening socket still accepts them
        (and then resets them, as a host does that dies while a request is on its way)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection((self.host, self.port), timeout=1).close()
            except ConnectionRefusedError:
                return
            except OSError:
                return  # unreachable: gone as well
            time.sleep(0.02)
        raise RuntimeError(f"{self.name} still accepts connections after SIGKILL")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Nginx:
    """The shipped deploy/nginx configuration in front of `upstreams`, in the foreground."""

    def __init__(
        self,
        prefix: Path,
        cert: Certificate,
        upstreams: Sequence[str],
        server_names: str = SERVER_NAME,
    ):
        self.https_port, self.http_port = free_port(), free_port()
        self.prefix, self.server_name = prefix, server_names.split()[0]
        site = Site(
            server_name=server_names,
            cert=cert.cert,
            key=cert.key,
            upstreams=upstreams,
            https_listen=[f"127.0.0.1:{self.https_port}"],
            http_listen=[f"127.0.0.1:{self.http_port}"],
        )
        conf = write_prefix(prefix, site)
        self.log = prefix / "error.log"
        extra = " user root;" if os.geteuid() == 0 else ""  # `nobody` can't read a 700 home
        command = [NGINX, "-p", str(prefix), "-c", str(conf), "-e", "stderr"]
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [*command, "-g", "daemon off;" + extra],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for_port(self.https_port, self.proc, "nginx")

    @property
    def base_url(self) -> str:
        return f"https://{self.server_name}:{self.https_port}"

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
    """`with Deployment(hosts=2) as d:` hosts, nginx in front, one certificate, one secret.

    Each host gets a port of its own on 127.0.0.1, or with `isolation="netns"` (root only) a
    network namespace of its own with its own address, as separate machines would have. The
    tests use ports: creating network interfaces makes every running Chromium abort what it is
    loading (net::ERR_NETWORK_CHANGED), other test runs' browsers included."""

    def __init__(
        self,
        hosts: int = 1,
        workers: int = 2,
        cert: Certificate | None = None,
        isolation: str | None = None,
        env: dict[str, str] | None = None,
        server_names: str = SERVER_NAME,
    ):
        """`env`: more environment for every host (CLINICIAN_PASSWORD, ...); `server_names`:
        nginx's (add `localhost` for a client that cannot be told where SERVER_NAME is: wrk)."""
        self.count, self.workers, self.given_cert, self.env = hosts, workers, cert, env
        self.server_names = server_names
        self.isolation = isolation or os.environ.get("DEPLOY_ISOLATION", "ports")
        if self.isolation == "netns" and not netns_works():
            raise RuntimeError("isolation='netns' needs root and a working 'ip netns'")
        self.namespaces: list[Netns] = []

    def __enter__(self) -> Deployment:
        # Not pytest's tmp_path: it is mode 0700 under root, and nginx's workers drop privileges.
        self.dir = Path(tempfile.mkdtemp(prefix="questionnaire-deploy-"))
        self.dir.chmod(0o755)
        try:
            self.cert = self.given_cert or Certificate(self.dir)
            secret = base64.b64encode(os.urandom(32)).decode()
            if self.isolation == "netns":
                self.namespaces = [Netns(i) for i in range(self.count)]
            self.hosts = [
                AppHost(
                    self.dir,
                    f"host{i + 1}",
                    secret,
                    self.workers,
                    netns=self.namespaces[i] if self.namespaces else None,
                    env=self.env,
                )
                for i in range(self.count)
            ]
            for host in self.hosts:
                host.wait()
            upstreams = [h.address for h in self.hosts]
            self.nginx = Nginx(self.dir / "nginx", self.cert, upstreams, self.server_names)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if hasattr(self, "nginx"):
            self.nginx.stop()
        for host in getattr(self, "hosts", []):
            host.stop()
        for namespace in self.namespaces:
            namespace.remove()
        shutil.rmtree(self.dir, ignore_errors=True)

    def connection(self, timeout: float = 10.0, source: str | None = None) -> Connection:
        """`source`: another loopback address to send from (127.0.0.2, ...), so nginx sees
        another client (its limits are per address)."""
        return Connection(self.nginx.https_port, self.cert.context(), timeout, source)


class Connection(http.client.HTTPSConnection):
    """HTTPS to nginx on 127.0.0.1 as if SERVER_NAME resolved there (SNI and Host included)."""

    def __init__(
        self,
        port: int,
        context: ssl.SSLContext,
        timeout: float = 10.0,
        source: str | None = None,
    ):
        super().__init__(SERVER_NAME, port, context=context, timeout=timeout)
        self.source = (source, 0) if source else None

    def connect(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout, self.source)
        # http.client writes a POST's headers and body separately; without this, Nagle's
        # algorithm and the server's delayed ACK add 40 ms to each POST (browsers set it too).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self._context.wrap_socket(sock, server_hostname=SERVER_NAME)
