"""Fill in deploy/nginx/site.conf (and nginx.conf) for one deployment.

    python -m deploy.render --server-name criteria.example.org \\
        --cert /etc/letsencrypt/live/criteria.example.org/fullchain.pem \\
        --key /etc/letsencrypt/live/criteria.example.org/privkey.pem \\
        --upstream 10.0.0.11:8000 --upstream 10.0.0.12:8000 > /etc/nginx/conf.d/questionnaire.conf

The tests render the same files with free ports and a throwaway certificate.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent


@dataclass(frozen=True)
class Site:
    """What differs between deployments of site.conf."""

    server_name: str
    cert: Path
    key: Path
    upstreams: Sequence[str] = ("127.0.0.1:8000",)
    https_listen: str = "443"
    http_listen: str = "80"
    static_root: Path = ROOT / "static"
    fail_timeout: str = "10s"

    def values(self) -> dict[str, str]:
        https_port = self.https_listen.rpartition(":")[2]
        servers = "\n".join(f"    server {address} max_fails=1 fail_timeout={self.fail_timeout};"
                            for address in self.upstreams)
        return {
            "UPSTREAM_SERVERS": servers,
            "SERVER_NAME": self.server_name,
            "HTTP_LISTEN": self.http_listen,
            "HTTPS_LISTEN": self.https_listen,
            "HTTPS_PORT_SUFFIX": "" if https_port == "443" else f":{https_port}",
            "SSL_CERTIFICATE": str(self.cert),
            "SSL_CERTIFICATE_KEY": str(self.key),
            "STATIC_ROOT": str(self.static_root),
            "DEPLOY_ROOT": str(DEPLOY),
        }


def fill(template: str, values: dict[str, str]) -> str:
    """Replace every @NAME@; a name without a value is an error, not a silent blank."""
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"no value for @{name}@")
        return values[name]

    return re.sub(r"@([A-Z_]+)@", one, template)


def site_conf(site: Site) -> str:
    return fill((DEPLOY / "nginx" / "site.conf").read_text(), site.values())


def nginx_conf(mime_types: Path = Path("/etc/nginx/mime.types")) -> str:
    """The standalone main configuration; it includes site.conf from the same directory."""
    return fill((DEPLOY / "nginx" / "nginx.conf").read_text(), {"MIME_TYPES": str(mime_types)})


def write_prefix(prefix: Path, site: Site) -> Path:
    """A directory nginx can run from with `-p prefix -c prefix/nginx.conf`; returns the conf."""
    (prefix / "temp").mkdir(parents=True, exist_ok=True)
    (prefix / "site.conf").write_text(site_conf(site))
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf())
    return conf


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print deploy/nginx/site.conf, filled in.")
    parser.add_argument("--server-name", required=True, help="host name(s), space separated")
    parser.add_argument("--cert", required=True, type=Path, help="certificate chain (PEM)")
    parser.add_argument("--key", required=True, type=Path, help="private key (PEM)")
    parser.add_argument("--upstream", action="append", default=[],
                        help="an app host's address, host:port (repeat for each host); "
                             "default 127.0.0.1:8000, where `make serve` listens")
    parser.add_argument("--https-listen", default="443")
    parser.add_argument("--http-listen", default="80")
    args = parser.parse_args(argv)
    site = Site(server_name=args.server_name, cert=args.cert, key=args.key,
                upstreams=args.upstream or ("127.0.0.1:8000",),
                https_listen=args.https_listen, http_listen=args.http_listen)
    sys.stdout.write(site_conf(site))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
