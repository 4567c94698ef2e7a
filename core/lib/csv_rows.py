"""Reading the team and rotation CSV files staff upload: shape only, no database."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MAX_CSV_BYTES = 1_000_000


@dataclass(frozen=True)
class CsvRow:
    line: int  # 1-based line number in the file, as a spreadsheet shows it
    values: tuple[str, ...]

    @property
    def raw(self) -> str:
        return ",".join(self.values)


def decode_upload(data: bytes) -> str:
    """The text of an uploaded CSV file (UTF-8, with or without a byte-order mark)."""
    if len(data) > MAX_CSV_BYTES:
        raise ValidationError("The file is too large (at most 1 MB).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("The file is not UTF-8 text; save it as CSV (UTF-8).") from exc


def read_rows(text: str, *, header: tuple[str, ...]) -> list[CsvRow]:
    """Non-blank rows of `text`, cells stripped and padded to the header's width.

    A first row equal to `header` (in any case) is skipped; rows with more cells than the
    header keep them, so the caller can name the row as malformed. Raises ValidationError
    for text that is not CSV: an unclosed quote (which would swallow every later row into
    one cell) or a NUL character (binary data, and PostgreSQL cannot store it).
    """
    if "\0" in text:
        raise ValidationError("The file contains a NUL character; upload a CSV text file.")
    rows: list[CsvRow] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), strict=True)
    try:
        for values in reader:
            cells = tuple(cell.strip() for cell in values)
            if not any(cells):
                continue
            if not rows and tuple(c.lower() for c in cells) == header:
                continue
            cells += ("",) * (len(header) - len(cells))
            rows.append(CsvRow(line=reader.line_num, values=cells))
    except csv.Error as exc:
        raise ValidationError(f"Line {reader.line_num}: not valid CSV ({exc}).") from exc
    return rows


def split_emails(cell: str) -> list[str]:
    """The `;`-separated emails of one cell, lower-cased, blanks dropped."""
    return [part.strip().lower() for part in cell.split(";") if part.strip()]
