"""Gunicorn settings for bench/load.py and bench/soak.py: the project's gunicorn.conf.py (what
`make serve` runs) with the access log off, so the benchmark does not measure log writing.

bench/server.py sets the workers (WEB_CONCURRENCY) and the address (BIND) in the environment.
"""

import runpy
from pathlib import Path

_SERVE = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
globals().update({name: value for name, value in _SERVE.items() if not name.startswith("_")})
accesslog = None
