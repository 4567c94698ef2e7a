"""Week files: the markdown course pages with TOML front matter that weeks are imported
from and exported to. `parse_week_file` is pure; `core.importer` writes to the database.

The format is the course's own page (see tests/fixtures/weekfiles/week2-alignment.md):

    +++
    date = "03 Sep 2023"        # class date; deadline sentences take their year from it
    draft = false
    title = "Week 2: Alignment"
    slug = "week2"              # optional: from the title
    number = 2                  # optional: from "week2" / "Week 2"
    deadline = 2023-09-03T17:29:00-04:00   # optional: overrides the deadline sentence
    [[sections]]                # optional, one per question section, in order
    day = "Monday"
    deadline = 2023-09-03 17:29 # no offset: the seminar's time zone
    required_answers = 1
    reading = "Exact reading title"
    +++

then `# Readings` (numbered, bullets or paragraphs; `Required:` / `Optional` tags;
`> quoted` lines under a reading are its abstract), `## Optional Additional Readings` with
`###`, `**Bold:**` or `Background:` groups, and `# Discussion Questions`: the posting rule
with its deadline sentence, then sections opened by `---`, headings, "Questions about
`Title`" or "Paper 1:" lines, each with numbered questions. Exports write this same shape,
filling in the optional front-matter keys (status, publish times, timezone, cut-off, late
policy, lock, staff-run, notes, [rule], and per section its title and reveal policy: the
full list is in docs/week-files.md).
"""

from core.weekfile.parsed import (
    ParsedReading,
    ParsedSection,
    ParsedWeek,
    WeekExistsError,
    WeekFileError,
)
from core.weekfile.parser import parse_week_file

__all__ = [
    "ParsedReading",
    "ParsedSection",
    "ParsedWeek",
    "WeekExistsError",
    "WeekFileError",
    "parse_week_file",
]
