"""Writing a prediction table: CSV (6 significant digits, for people and spreadsheets) or
JSON (full precision, with the notes on how the numbers were made)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def table_json(table: pd.DataFrame) -> dict[str, Any]:
    rows = [{k: _plain(v) for k, v in row.items()} for row in table.to_dict(orient="records")]
    return {"notes": list(table.attrs.get("notes", [])), "rows": rows}


def write_table(table: pd.DataFrame, path: str | Path | None) -> str:
    """The table as CSV text (no path), or written to a .csv or .json file."""
    if path is not None and Path(path).suffix.lower() == ".json":
        text = json.dumps(table_json(table), indent=2)
    else:
        text = table.to_csv(index=False, float_format="%.6g")
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
