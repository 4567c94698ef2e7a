"""Reading the team and rotation CSV files staff upload: shape only, no database."""

from __future__ import annotations

import codecs
import csv
import io
import re
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


# Bytes no text file has: C0 controls other than tab, newline and carriage return, DEL
# and the C1 controls (which Latin-1 would otherwise accept from any binary file).
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NOT_TEXT_MESSAGE = (
    "The file is not text (UTF-8, UTF-16 or Latin-1); save it from the spreadsheet as CSV (UTF-8)."
)
LATIN1_NOTE = (
    "The file is not UTF-8: it was read as Latin-1 (ISO-8859-1). Check that accented names "
    "look right in the preview; if not, save it as CSV (UTF-8) and upload it again."
)


def decode_csv_upload(data: bytes) -> tuple[str, str]:
    """The text of an uploaded CSV file and a note for staff ("" when there is nothing to
    say). UTF-8 (with or without a byte-order mark) and UTF-16 with its byte-order mark
    are read silently; other bytes are read as Latin-1 with a note saying so; bytes that
    are no text at all (a spreadsheet, an image) are refused with a ValidationError."""
    if len(data) > MAX_CSV_BYTES:
        raise ValidationError("The file is too large (at most 1 MB).")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ValidationError(NOT_TEXT_MESSAGE) from exc
        note = ""
    else:
        try:
            text, note = data.decode("utf-8-sig"), ""
        except UnicodeDecodeError:
            text, note = data.decode("latin-1"), LATIN1_NOTE
    if _NOT_TEXT.search(text):
        raise ValidationError(NOT_TEXT_MESSAGE)
    return text, note


# The delimiters a spreadsheet's "Save as CSV" writes (a semicolon where the decimal
# separator is a comma; a tab for "text"), and how much of the file sniffing looks at.
DELIMITERS = ",;\t"
SNIFF_CHARS = 16_384


def sniff_delimiter(text: str) -> str:
    """The delimiter of `text`: csv.Sniffer restricted to DELIMITERS on the file's start;
    when it cannot tell, the one of them most frequent on the first non-blank line; a
    comma when that line has none (a one-column file)."""
    sample = text.lstrip("\ufeff")[:SNIFF_CHARS]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = ""
    if delimiter in DELIMITERS and delimiter:
        return delimiter
    first = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_rows(
    text: str, *, header: tuple[str, ...], delimiter: str = ",", optional: int = 0
) -> list[CsvRow]:
    """Non-blank rows of `text`, cells stripped and padded to the header's width.

    A first row equal to `header` (in any case) is skipped, or to the header without its
    last `optional` columns (a file from before they existed); rows with more cells than the
    header keep them, so the caller can name the row as malformed. Raises ValidationError
    for text that is not CSV: an unclosed quote (which would swallow every later row into
    one cell) or a NUL character (binary data, and PostgreSQL cannot store it).
    """
    if "\0" in text:
        raise ValidationError("The file contains a NUL character; upload a CSV text file.")
    rows: list[CsvRow] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter, strict=True)
    try:
        for values in reader:
            cells = tuple(cell.strip() for cell in values)
            if not any(cells):
                continue
            lowered = tuple(c.lower() for c in cells)
            short = len(header) - optional <= len(lowered) <= len(header)
            if not rows and short and lowered == header[: len(lowered)]:
                continue
            cells += ("",) * (len(header) - len(cells))
            rows.append(CsvRow(line=reader.line_num, values=cells))
    except csv.Error as exc:
        raise ValidationError(f"Line {reader.line_num}: not valid CSV ({exc}).") from exc
    return rows


def split_emails(cell: str) -> list[str]:
    """The `;`-separated emails of one cell, lower-cased, blanks dropped."""
    return [part.strip().lower() for part in cell.split(";") if part.strip()]
