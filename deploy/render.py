"""Fill in deploy/nginx/site.conf (and nginx.conf) for one deployment, and write nginx's own
error pages next to it.

    python -m deploy.render --server-name criteria.example.org \\
        --cert /etc/letsencrypt/live/criteria.example.org/fullchain.pem \\
        --key /etc/letsencrypt/live/criteria.example.org/privkey.pem \\
        --upstream 10.0.0.11:8000 --upstream 10.0.0.12:8000 > /etc/nginx/conf.d/questionnaire.conf

The error pages (one per status nginx answers itself, as a page and as JSON for /api/) have one
source: the template deploy/nginx/error-page.html and the words in deploy/nginx/error-pages.toml.
They are written at every render (into deploy/nginx/errors/ unless --error-pages says where), so
nginx serves static files and no copy of them is kept in git. The tests render the same files
with free ports and a throwaway certificate.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
NGINX = DEPLOY / "nginx"


@dataclass(frozen=True)
class Site:
    """What differs between deployments of site.conf."""

    server_name: str
    cert: Path
    key: Path
    upstreams: Sequence[str] = ("127.0.0.1:8000",)
    # Where nginx listens, each an nginx `listen` address; IPv4 and IPv6 by default.
    https_listen: Sequence[str] = ("443", "[::]:443")
    http_listen: Sequence[str] = ("80", "[::]:80")
    static_root: Path = ROOT / "static"
    fail_timeout: str = "10s"
    # Where nginx finds its own error pages (write_error_pages fills it).
    error_pages: Path = NGINX / "errors"

    def values(self) -> dict[str, str | list[str]]:
        https_port = self.https_listen[0].rpartition(":")[2]
        servers = "\n".join(
            f"    server {address} max_fails=1 fail_timeout={self.fail_timeout};"
            for address in self.upstreams
        )
        return {
            "UPSTREAM_SERVERS": servers,
            "SERVER_NAME": self.server_name,
            "HTTP_LISTEN": list(self.http_listen),
            "HTTPS_LISTEN": list(self.https_listen),
            "HTTPS_PORT_SUFFIX": "" if https_port == "443" else f":{https_port}",
            "SSL_CERTIFICATE": str(self.cert),
            "SSL_CERTIFICATE_KEY": str(self.key),
            "STATIC_ROOT": str(self.static_root),
            "DEPLOY_ROOT": str(DEPLOY),
            "ERROR_PAGES": str(self.error_pages),
        }


PLACEHOLDER = re.compile(r"@([A-Z_]+)@")


def fill(template: str, values: dict[str, str | list[str]]) -> str:
    """Replace every @NAME@; a name without a value is an error, not a silent blank. A line
    whose placeholder has a list of values is repeated, once per value (`listen` lines)."""
    for name in PLACEHOLDER.findall(template):
        if name not in values:
            raise KeyError(f"no value for @{name}@")
    lines = []
    for line in template.splitlines(keepends=True):
        lists = [n for n in PLACEHOLDER.findall(line) if isinstance(values[n], list)]
        choices = values[lists[0]] if lists else [None]
        for choice in choices:

            def one(match: re.Match[str], choice: str | None = choice) -> str:
                value = values[match.group(1)]
                return choice if isinstance(value, list) else value

            lines.append(PLACEHOLDER.sub(one, line))
    return "".join(lines)


def site_conf(site: Site) -> str:
    return fill((NGINX / "site.conf").read_text(), site.values())


def nginx_conf(mime_types: Path = Path("/etc/nginx/mime.types")) -> str:
    """The standalone main configuration; it includes site.conf from the same directory."""
    return fill((NGINX / "nginx.conf").read_text(), {"MIME_TYPES": str(mime_types)})


def error_pages() -> dict[str, str]:
    """nginx's own answers by file name: `<status>.html`, error-page.html filled in with that
    status's words (English, then Spanish), and `<status>.json`, `{"status", "message"}` as the
    API's own errors, for every status in error-pages.toml."""
    table = tomllib.loads((NGINX / "error-pages.toml").read_text("utf-8"))
    template = Environment(
        loader=FileSystemLoader(NGINX),
        autoescape=True,
        undefined=StrictUndefined,  # a word missing from the table is an error, not a blank
        keep_trailing_newline=True,
    ).get_template("error-page.html")
    files = {}
    for page in table["page"]:
        html = template.render(page=page)
        for status, message in page["api"].items():
            files[f"{status}.html"] = html
            files[f"{status}.json"] = json.dumps({"status": int(status), "message": message}) + "\n"
    return files


def write_error_pages(directory: Path) -> None:
    """Each file is written whole and then renamed into place, so a running nginx never serves
    half a page while the pages are written again."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in error_pages().items():
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=directory, delete=False) as f:
            f.write(text)
        os.chmod(f.name, 0o644)  # nginx's workers run as another user
        os.replace(f.name, directory / name)


def write_prefix(prefix: Path, site: Site) -> Path:
    """A directory nginx can run from with `-p prefix -c prefix/nginx.conf`, its error pages in
    prefix/errors; returns the conf."""
    (prefix / "temp").mkdir(parents=True, exist_ok=True)
    site = replace(site, error_pages=prefix / "errors")
    write_error_pages(site.error_pages)
    (prefix / "site.conf").write_text(site_conf(site))
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf())
    return conf


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print deploy/nginx/site.conf, filled in.")
    parser.add_argument("--server-name", required=True, help="host name(s), space separated")
    parser.add_argument("--cert", required=True, type=Path, help="certificate chain (PEM)")
    parser.add_argument("--key", required=True, type=Path, help="private key (PEM)")
    parser.add_argument(
        "--upstream",
        action="append",
        default=[],
        help="an app host's address, host:port (repeat for each host); "
        "default 127.0.0.1:8000, where `make serve` listens",
    )
    parser.add_argument(
        "--https-listen",
        action="append",
        default=[],
        help="an nginx listen address for HTTPS (repeat); default 443 and [::]:443",
    )
    parser.add_argument(
        "--http-listen",
        action="append",
        default=[],
        help="the same for plain HTTP; default 80 and [::]:80",
    )
    parser.add_argument(
        "--error-pages",
        type=Path,
        default=NGINX / "errors",
        help="where to write nginx's own error pages (nginx must be able to read it); "
        "default deploy/nginx/errors",
    )
    args = parser.parse_args(argv)
    site = Site(
        server_name=args.server_name,
        cert=args.cert,
        key=args.key,
        upstreams=args.upstream or ("127.0.0.1:8000",),
        https_listen=args.https_listen or ("443", "[::]:443"),
        http_listen=args.http_listen or ("80", "[::]:80"),
        error_pages=args.error_pages.resolve(),
    )
    write_error_pages(site.error_pages)
    sys.stdout.write(site_conf(site))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
