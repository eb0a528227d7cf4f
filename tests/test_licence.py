"""The project may legally be run by others: the code's licence, and the rule files' own."""

import json
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def test_the_code_is_apache_2_with_its_full_text_and_a_notice():
    licence = (ROOT / "LICENSE").read_text()
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    assert "END OF TERMS AND CONDITIONS" in licence  # the full text, not a pointer to it
    assert "Apache License, Version 2.0" in (ROOT / "NOTICE").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "Apache-2.0"
    assert json.loads((ROOT / "package.json").read_text())["license"] == "Apache-2.0"
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"][""]["license"] == "Apache-2.0"


def top_comment(path: Path) -> str:
    """The comment block before a file's first key, as one line."""
    block = path.read_text().split("\n\n")[0]
    return " ".join(line.lstrip("# ") for line in block.splitlines())


def test_every_rule_file_says_at_its_top_that_its_text_is_cc_by_but_not_the_quotes():
    rule_files = sorted(p for p in ROOT.glob("*.yaml") if not p.name.startswith("."))
    assert {"rules.yaml", "rules.es.yaml"} <= {path.name for path in rule_files}
    for path in rule_files:
        top = top_comment(path)
        assert "CC BY 4.0" in top, f"{path.name} does not say its licence"
        # the quoted words of sources stay their owners'; a translation may say so through the
        # English file it translates (its quotes stay in English, in that file)
        english = path.with_name(path.name.replace(".es.yaml", ".yaml"))
        assert "their owners'" in top or "their owners'" in top_comment(english), path.name
    assert CC_BY in top_comment(ROOT / "rules.yaml")


def test_the_readme_says_which_licence_covers_what():
    readme = (ROOT / "README.md").read_text()
    licence = readme.split("\n## Licence\n")[1].split("\n## ")[0]
    assert "[Apache License 2.0](LICENSE)" in licence and CC_BY in licence
    assert "quoted excerpts of sources" in licence and "their owners'" in licence
