"""Hostile rule files are refused with a clear message, in bounded time and memory.

Each file is read the way `make run` reads one (`load_rules` on a path), with the time taken and
the peak memory Python allocated while refusing it measured.
"""

from __future__ import annotations

import time
import tracemalloc

import pytest

from questionnaire.engine import RulesError, load_rules

pytestmark = pytest.mark.slow  # left out of `make quick`; `make test` runs it

MAX_SECONDS = 2.0
MAX_PEAK_MB = 64

BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
    f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
    f"*{chr(97 + i)},*{chr(97 + i)}]\n"
    for i in range(9)
)

HOSTILE = [
    pytest.param(b"meta: [unclosed\n", "not valid YAML", id="invalid_yaml"),
    pytest.param(
        b"meta: 5\ncriteria: text\nsteps: {}\noutcomes: 1\nrules: null\n",
        "wrong type",
        id="wrong_types_everywhere",
    ),
    pytest.param(b"x: " + b"a" * 3_000_000 + b"\n", "larger than 2 MB", id="huge_file"),
    pytest.param(
        ("a: " + "[" * 200_000 + "]" * 200_000).encode(), "nested more than 64", id="deep_nesting"
    ),
    pytest.param(BOMB.encode(), "more than 200000 values", id="billion_laughs"),
    pytest.param(b"meta:\n  title: caf\xe9\n", "not valid UTF-8", id="not_utf8"),
    pytest.param(b"\x00\x01\x02binary", "not valid YAML", id="binary_junk"),
    pytest.param(("- " * 50_000 + "x\n").encode(), "nested more than 64", id="deep_block_list"),
    pytest.param(
        (b"k: !!python/object/apply:os.system ['echo hacked']\n"),
        "is not allowed in a rule file",
        id="python_object_tag",
    ),
]


@pytest.mark.parametrize(("data", "fragment"), HOSTILE)
def test_hostile_rule_file_is_refused_quickly_and_cheaply(tmp_path, data, fragment):
    path = tmp_path / "rules.yaml"
    path.write_bytes(data)
    started = time.perf_counter()
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    seconds = time.perf_counter() - started
    tracemalloc.start()  # a second run for memory: tracing slows allocation, so not timed
    try:
        with pytest.raises(RulesError):
            load_rules(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert fragment in message, message[:500]
    assert f"{path}:" in message, "the message names the file and line"
    assert "Traceback" not in message
    assert seconds < MAX_SECONDS, f"took {seconds:.2f} s"
    assert peak < MAX_PEAK_MB * 1024 * 1024, f"peak memory {peak / 1e6:.0f} MB"
