"""Readings in a walk: one block → one reading (or several, when a citation lost its list
marker), with the shapes hand-written pages use to say which readings are optional: a
sentence saying the ones after it are "not required but may be helpful", an "Optionally,
also explore [link]" sentence, and "Choose one of the following papers" over required ones.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from core.weekfile.blocks import Block
from core.weekfile.parsed import OPTIONAL, ParsedReading
from core.weekfile.readings import AUX_LINK_TEXT, BARE_URL, LINK, parse_reading
from core.weekfile.state import OPT, REQ, WalkState
from core.weekfile.walk_text import TextMixin

URL_VALIDATOR = URLValidator(schemes=["http", "https"])
# "The readings below are not required but may be helpful": the ones after it are optional.
OPTIONAL_SENTENCE = re.compile(
    r"\bnot\s+(?:required|mandatory)\b|\bmay\s+be\s+(?:helpful|useful)\b|\b(?:are|is)\s+optional\b",
    re.IGNORECASE,
)
# "Optionally, also explore [the feature browser](…)": a reading of its own, optional.
OPTIONALLY = re.compile(
    r"^\s*[*_]*optionally[*_]*,?\s+(?:(?:also|you\s+(?:can|may|could))\s+)*"
    r"(?:explore|see|read|look\s+at|check\s+out|try|skim|watch|listen\s+to)?\s*[:\-–—]?\s*",
    re.IGNORECASE,
)
# "Choose **one** (or more) of the following papers:" over a list of required readings.
CHOOSE = re.compile(
    r"^\s*(?:please\s+)?(?:choose|pick|select|read)\s+[*_]*(?:one|two|three|any|\d+)\b.*"
    r"\b(?:following|below|these|list)\b",
    re.IGNORECASE,
)
GROUP_MAX = 200
# A line that starts a citation of its own: authors (no link), then a linked title.
AUTHORS_THEN_LINK = re.compile(r"^(?P<authors>[^\[\]()<>`#>]{3,300}?)\s*[*_\"“]*\[")


def group_text(sentence: str) -> str:
    """A sentence used as a group name: one line, no emphasis markers, no final colon."""
    text = " ".join(sentence.split()).replace("**", "").replace("__", "")
    return text.rstrip(" :").strip()


class ReadingsMixin(TextMixin):
    s: WalkState

    def set_group(self, group: str, block: Block) -> None:
        """The readings after `block` belong to `group` (a day, "Optional", a sentence)."""
        self.close_group()
        self.s.group, self.s.open_group = group, (group, block)

    def close_group(self) -> None:
        """A group heading with no reading under it is kept in the notes, not lost."""
        if self.s.open_group is not None:
            group, block = self.s.open_group
            self.s.open_group = None
            self.keep_in_notes(block, f"**{group}**")

    def reading_sentence(self, block: Block) -> bool:
        """A sentence among readings that says what the next ones are; True if it was one."""
        s = self.s
        text = block.text
        if LINK.search(text) or BARE_URL.search(text):
            return False
        if s.mode == REQ and OPTIONAL_SENTENCE.search(text):
            group = group_text(text)
            if len(group) > GROUP_MAX:
                return False
            s.mode, s.optional_level = OPT, 7
            self.set_group(group, block)
            self.guess(block, f"{_snip(text)!r} introduces optional readings: those after it")
            return True
        if s.mode in (REQ, OPT) and CHOOSE.match(text) and "\n" not in text.strip():
            group = group_text(text)
            if len(group) > GROUP_MAX:
                return False
            s.mode = REQ
            self.set_group(group, block)
            self.guess(block, f"{_snip(text)!r} names the group of the required readings after it")
            return True
        return False

    def reading(self, block: Block) -> None:
        """One reading, or one per line that starts a citation of its own."""
        for part in self._citations(block):
            self._one_reading(part)

    def _citations(self, block: Block) -> list[Block]:
        lines = block.text.split("\n")
        starts = [0]
        for index in range(1, len(lines)):
            before = "\n".join(lines[starts[-1] : index])
            if _starts_citation(lines[index]) and LINK.search(before):
                starts.append(index)
        if len(starts) == 1:
            return [block]
        parts = []
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(lines)
            text = "\n".join(lines[start:end])
            extra = block.extra if end == len(lines) else []
            number = block.number if n == 0 else None
            parts.append(Block("item", block.line + start, text, number=number, extra=extra))
            if n:
                self.guess(
                    parts[-1],
                    f"{_snip(lines[start])!r} has no list marker but starts a citation:"
                    " read as a reading of its own",
                )
        return parts

    def _one_reading(self, block: Block) -> None:
        s = self.s
        text, kind = block.full_text, None
        if (match := OPTIONALLY.match(text)) is not None and match.end() < len(text):
            head = text[: match.end()]
            text, kind = text[match.end() :], OPTIONAL
            self.guess(block, f"{_snip(head)!r}: read as an optional reading")
        parts = parse_reading(text)
        if not parts.url:
            s.warnings.append(f"line {block.line}: reading {parts.title[:60]!r} has no link")
        url = self._usable_url(parts.url, block)
        if parts.url and not url:
            parts.citation = " ".join(p for p in (parts.citation, f"(link: {parts.url})") if p)
        parts.url = url
        s.open_group = None
        s.readings.append(
            ParsedReading(
                kind=kind or parts.kind or s.mode, group=s.group, position=len(s.readings),
                number=block.number, title=parts.title, url=parts.url, citation=parts.citation,
                note=parts.note, abstract=parts.abstract,
            )
        )  # fmt: skip

    def _usable_url(self, url: str, block: Block) -> str:
        """A link the Reading.url field accepts: `arxiv.org/abs/1` gains https://; a link that
        is not a web address (`/local.pdf`) stays in the citation only, with a warning."""
        if not url or len(url) > 1000:
            return url
        for candidate in (url, f"https://{url}"):
            try:
                URL_VALIDATOR(candidate)
            except ValidationError:
                continue
            if candidate != url:
                self.s.warnings.append(f"line {block.line}: link {url!r} read as {candidate!r}")
            return candidate
        self.s.warnings.append(
            f"line {block.line}: link {url!r} is not a web address; kept in the reading's text"
        )
        return ""


def _starts_citation(line: str) -> bool:
    """ "Bai, Hui, and Robb Willer. [Title](url)…": authors, then a linked title."""
    match = AUTHORS_THEN_LINK.match(line.strip())
    if match is None or line.strip().startswith(">"):
        return False
    authors = match.group("authors")
    link = LINK.search(line)
    if link is None or link.group("text").strip(" []*_.").lower() in AUX_LINK_TEXT:
        return False
    return ("," in authors or " and " in authors or "et al" in authors) and len(authors) >= 5


def _snip(text: str) -> str:
    return " ".join(text.split())[:70]
