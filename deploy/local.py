"""`make proxy`: the shipped nginx configuration in front of `make serve`, on this machine.

    TRUSTED_PROXIES=1 make serve     # in one terminal: gunicorn on 127.0.0.1:8000
    make proxy                       # in another: nginx on https://localhost:8443

Makes a throwaway self-signed certificate for localhost in instance/nginx/ (once), renders
deploy/nginx/ there and runs nginx in the foreground (Ctrl-C stops it). Browsers will warn about
the certificate: it is for trying the production shape, not for serving anyone.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .render import ROOT, Site, write_prefix

NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
PREFIX = ROOT / "instance" / "nginx"


def certificate(where: Path) -> tuple[Path, Path]:
    cert, key = where / "localhost.pem", where / "localhost-key.pem"
    if not cert.is_file():
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "30",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
        key.chmod(0o600)
    return cert, key


def main() -> int:
    PREFIX.mkdir(parents=True, exist_ok=True)
    cert, key = certificate(PREFIX)
    https = os.environ.get("PROXY_HTTPS", "127.0.0.1:8443")
    http = os.environ.get("PROXY_HTTP", "127.0.0.1:8080")
    upstream = os.environ.get("BIND", "127.0.0.1:8000")
    conf = write_prefix(
        PREFIX,
        Site(
            server_name="localhost",
            cert=cert,
            key=key,
            upstreams=(upstream,),
            https_listen=[https],
            http_listen=[http],
        ),
    )
    print(
        f"nginx on https://localhost:{https.rpartition(':')[2]} -> {upstream} "
        "(run `TRUSTED_PROXIES=1 make serve` next to it); Ctrl-C stops it",
        flush=True,
    )
    os.execv(
        NGINX, [NGINX, "-p", str(PREFIX), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"]
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
