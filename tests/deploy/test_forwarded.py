"""X-Forwarded-* headers are trusted exactly once: by the app, and only when TRUSTED_PROXIES says
how many proxies stand in front of it. Also: the shipped nginx files render and pass `nginx -t`."""

from __future__ import annotations

import http.client
import re
import subprocess

import pytest

from bench.deployment import NGINX, AppHost
from deploy.render import Site, fill, nginx_conf, write_prefix
from questionnaire import create_app
from questionnaire.app import ConfigError

FORWARDED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "criteria.example.org",
    "X-Forwarded-Port": "443",
    "X-Forwarded-For": "203.0.113.9",
}


def first_page(trusted: str):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "TRUSTED_PROXIES": trusted})
    return app.test_client().get("/step/warning_signs", headers=FORWARDED)


def test_by_default_the_app_believes_no_forwarded_header():
    response = first_page("0")
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers["Set-Cookie"]


def test_behind_one_trusted_proxy_the_app_sees_https():
    response = first_page("1")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("value", ["yes", "-1", "1.5", ""])
def test_a_trusted_proxies_value_that_is_not_a_count_stops_the_app(value):
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES=1"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "TRUSTED_PROXIES": value})


def test_gunicorn_itself_trusts_no_forwarded_header_even_from_localhost(tmp_path):
    """gunicorn's default would believe X-Forwarded-Proto from 127.0.0.1: with ProxyFix on top,
    the header would be applied twice. gunicorn.conf.py turns gunicorn's handling off."""
    host = AppHost(tmp_path, "direct", "secret", workers=1, trusted_proxies=0).wait()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", host.port, timeout=10)
        conn.request("GET", "/step/warning_signs", headers=FORWARDED)
        response = conn.getresponse()
        response.read()
        conn.close()
    finally:
        host.stop()
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") is None
    assert "Secure" not in response.getheader("Set-Cookie")


def test_the_production_rendering_passes_nginx_own_check(certificate, tmp_path):
    site = Site(
        server_name="criteria.example.org www.criteria.example.org",
        cert=certificate.cert,
        key=certificate.key,
        upstreams=("10.0.0.11:8000", "10.0.0.12:8000"),
    )
    conf = write_prefix(tmp_path, site)
    text = (tmp_path / "site.conf").read_text()
    assert not re.search(r"@[A-Z_]+@", text)
    assert "return 301 https://$host$request_uri;" in text  # no :443 in the redirect
    assert text.count("max_fails=1") == 2
    assert text.count("listen [::]:443 ssl http2") == 2 and text.count("listen 80") == 2
    check = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", "stderr"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    assert "@MIME_TYPES@" not in nginx_conf()


def test_a_placeholder_without_a_value_is_an_error_not_a_blank():
    with pytest.raises(KeyError, match="@SERVER_NAME@"):
        fill("server_name @SERVER_NAME@;", {})
