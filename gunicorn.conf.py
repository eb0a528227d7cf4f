"""Gunicorn settings for `make serve`. Every value can be overridden from the environment."""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Requests are short and CPU-bound (no database): one sync worker per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
preload_app = True  # load and verify rules.yaml once, and refuse to start if it is broken
max_requests = 10000  # recycle workers now and then
max_requests_jitter = 1000

# Access log: method, path (never the query string), status, size, time. No bodies, no cookies.
accesslog = os.environ.get("ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
UNPRINTABLE = re.compile(r"[^\x21-\x7e]")


class OneLinePerRequest(Logger):
    """The access log's path is the path as sent, still percent-encoded (`RAW_URI` without its
    query), and any byte outside printable ASCII is percent-encoded too: gunicorn's `%(U)s` is
    the decoded path, where `%0A` starts a forged log line (CWE-117; attack report F7)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = str(environ.get("RAW_URI") or atoms["U"] or "").split("?", 1)[0]
        atoms["U"] = UNPRINTABLE.sub(lambda m: f"%{ord(m[0]):02X}", path)
        return atoms


logger_class = OneLinePerRequest
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# X-Forwarded-* headers are read in one place only: the app, when TRUSTED_PROXIES is set (see
# docs/deployment.md). Gunicorn itself trusts none, from any address: never applied twice.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}

# nginx refuses what is too big (a request line or a header over 8 KB, all headers over 32 KB:
# `large_client_header_buffers 4 8k`) with its own pages and the security headers; gunicorn's
# limits sit above those, so it never answers a request nginx let through with its own bare
# 414 or 431 (attack report F3). 0: no limit on the request line (gunicorn allows at most 8190).
limit_request_line = 0
limit_request_fields = 32768  # gunicorn's most; 32 KB of headers hold fewer
limit_request_field_size = 65536  # above nginx's 32 KB of headers in all (HTTP/2 joins cookies)

# No control socket (`gunicornc`): by default every instance of a user binds the same
# $HOME/.gunicorn/gunicorn.ctl, so a command meant for one would reach another (note I1).
# Signals (docs/deployment.md) do what we need: HUP, USR2, TERM to the master's pid.
control_socket_disable = True
