"""Requests to the shipped nginx as a client sends them (tests/deploy): through http.client, or
as raw bytes over TLS for what http.client will not send (TRACE, HTTP/2.0 over HTTP/1.1, an
unknown transfer coding, a request line or header over nginx's limits)."""

from __future__ import annotations

import socket
import ssl

from bench.deployment import SERVER_NAME, Deployment

SECURITY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
    "strict-transport-security",
    "permissions-policy",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
    "cache-control",
)


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def getheader(self, name: str) -> str | None:
        """As http.client's: any case, several of one name joined by ", "."""
        return self.headers.get(name.lower())

    def missing_headers(self) -> list[str]:
        return [name for name in SECURITY_HEADERS if name not in self.headers]


def send(
    stack: Deployment,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    source: str | None = None,
) -> Reply:
    conn = stack.connection(source=source)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    headers = {k.lower(): response.getheader(k) or "" for k, _ in response.getheaders()}
    return Reply(response.status, headers, data)


def raw(stack: Deployment, request: bytes) -> Reply:
    """Bytes as sent, over TLS, HTTP/1.1; the answer up to the connection's end."""
    sock = socket.create_connection(("127.0.0.1", stack.nginx.https_port), timeout=10)
    tls = stack.cert.context().wrap_socket(sock, server_hostname=SERVER_NAME)
    tls.sendall(request)
    reply = b""
    try:
        while chunk := tls.recv(65536):
            reply += chunk
    except (ssl.SSLError, ConnectionResetError):
        pass
    tls.close()
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    return Reply(int(lines[0].split()[1]), headers, body)


def get(path: str, *headers: str, version: str = "HTTP/1.1", method: str = "GET") -> bytes:
    lines = [f"{method} {path} {version}", f"Host: {SERVER_NAME}", *headers, "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
