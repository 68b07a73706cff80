"""Loading a labelled set: one JSONL file or every *.jsonl of a folder, with ids unique."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

Row = TypeVar("Row")


class LabelledSetError(ValueError):
    """A labelled set that cannot be read; the message names the file and line."""


def load_rows(path: Path, parse: Callable[[str, str], Row]) -> list[Row]:
    """Rows of one JSONL file, or of every *.jsonl in a folder (sorted by name), each parsed
    by `parse(line, "FILE:LINE")`; a repeated `id` is an error naming both places."""
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise LabelledSetError(f"{path}: no *.jsonl files")
    elif path.is_file():
        files = [path]
    else:
        raise LabelledSetError(f"{path}: no such file or folder")
    rows: list[Row] = []
    seen: dict[str, str] = {}
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{file}:{number}"
            row = parse(line, where)
            if row.id in seen:
                raise LabelledSetError(f"{where}: id {row.id!r} already used at {seen[row.id]}")
            seen[row.id] = where
            rows.append(row)
    return rows
