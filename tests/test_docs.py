"""The docs: the README stays a newcomer's guide whose links resolve, and the docs site
builds with warnings as errors (MkDocs, Material, mkdocstrings from the docstrings)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_is_short_and_its_links_resolve():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 350
    links = re.findall(r"\]\(([^)#]+)\)", text)
    assert links, "the README links the docs"
    for link in links:
        assert (ROOT / link).is_file(), link
    quickstart = text.split("## Quickstart")[1].split("\n## ")[0]
    commands = re.findall(r"```bash\n(.*?)```", quickstart, re.S)
    assert len(commands) == 1 and len(commands[0].strip().splitlines()) == 2


def test_the_docs_site_builds_with_warnings_as_errors(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    api = (tmp_path / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    assert "Study" in api and "load_predictor" in api and "from_yaml" in api
