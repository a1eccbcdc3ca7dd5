"""What every report page shares: the Jinja2 environment (autoescaped, with a 4-digit
number filter) and writing a page where the study's report folder is."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from lstm_tune.errors import StudyError
from lstm_tune.spec import StudySpec

env = Environment(
    loader=PackageLoader("lstm_tune.report", "templates"),
    autoescape=select_autoescape(["html"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
env.filters["num"] = lambda v: f"{v:.4g}" if isinstance(v, float) else v


def write_page(path: Path, text: str, spec: StudySpec) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StudyError(spec.source, "report_dir", f"cannot write {str(path)!r} ({exc.strerror})",
                         "make the folder writable or set report_dir") from None
    return path
