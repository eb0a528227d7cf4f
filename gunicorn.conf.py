"""Gunicorn settings for `make serve`. Every value can be overridden from the environment."""

import multiprocessing
import os

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
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# X-Forwarded-* headers are read in one place only: the app, when TRUSTED_PROXIES is set (see
# docs/deployment.md). Gunicorn itself trusts none, from any address: never applied twice.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
