"""How much the property tests generate: PROPERTY_EXAMPLES scales every example count (120 is
the full count of `make test`; `make quick` sets 20, `make mutants` runs every test per mutant),
and shrinking, which can take minutes on nested files, is on only with PROPERTY_SHRINK=1."""

from __future__ import annotations

import os

from hypothesis import Phase

SCALE = float(os.environ.get("PROPERTY_EXAMPLES", "120")) / 120
PHASES = [Phase.explicit, Phase.reuse, Phase.generate] + (
    [Phase.shrink] if os.environ.get("PROPERTY_SHRINK") == "1" else []
)
