"""Week files: the markdown course pages with TOML front matter that weeks are imported
from and exported to. `parse_week_file` is pure; `weeks.importer` writes to the database."""

from weeks.weekfile.parsed import (
    ParsedReading,
    ParsedSection,
    ParsedWeek,
    WeekExistsError,
    WeekFileError,
)
from weeks.weekfile.parser import parse_week_file

__all__ = [
    "ParsedReading",
    "ParsedSection",
    "ParsedWeek",
    "WeekExistsError",
    "WeekFileError",
    "parse_week_file",
]
