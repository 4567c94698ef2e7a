"""Split a markdown body into blocks: headings, rules, list items and paragraphs.

A careful line-based reader rather than a full CommonMark parse: course pages written by
hand break list items over lines without indenting, mix loose and tight lists and put
links across line breaks, and every line must stay accounted for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
RULE = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
ORDERED = re.compile(r"^( {0,3})(\d{1,4})[.)](?:\s+(.*)|\s*$)")
BULLET = re.compile(r"^( {0,3})[-*+](?:\s+(.*)|\s*$)")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")


@dataclass
class Block:
    kind: str  # "heading", "rule", "item", "paragraph"
    line: int  # 1-based line number in the file
    text: str = ""  # heading text, or the item's / paragraph's text (lines joined by "\n")
    level: int = 0  # heading level
    number: int | None = None  # ordered item number
    extra: list[str] = field(default_factory=list)  # item continuation paragraphs
    end: int = 0  # 1-based number of its last line (0: the block is one line)

    @property
    def full_text(self) -> str:
        return "\n\n".join([self.text, *self.extra]).strip()

    @property
    def last_line(self) -> int:
        return max(self.end, self.line)


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


class _Reader:
    def __init__(self, first_line: int) -> None:
        self.blocks: list[Block] = []
        self.first_line = first_line
        self.current: Block | None = None  # open item or paragraph
        self.blank_before = False
        self.in_fence: str | None = None

    def feed(self, index: int, line: str) -> None:
        number = self.first_line + index
        if self.in_fence is not None:
            self._append(line)
            self._grow(number)
            if line.strip().startswith(self.in_fence):
                self.in_fence = None
            return
        if not line.strip():
            self.blank_before = True
            if self.current and self.current.kind == "paragraph":
                self.current = None
            return
        self._line(number, line)
        self._grow(number)
        self.blank_before = False

    def _grow(self, number: int) -> None:
        """The open item or paragraph (or the block just pushed) now ends at line `number`."""
        last = self.current or (self.blocks[-1] if self.blocks else None)
        if last is not None and last.line <= number:
            last.end = number

    def _line(self, number: int, line: str) -> None:
        item = self.current if self.current and self.current.kind == "item" else None
        if item and _indent(line) >= 2:
            self._continue_item(item, line)
            return
        paragraph = self.current if self.current and self.current.kind == "paragraph" else None
        underlined = paragraph and "\n" not in paragraph.text and len(paragraph.text) <= 100
        if (
            paragraph is not None
            and underlined
            and not self.blank_before
            and (match := SETEXT.match(line)) is not None
        ):
            # A short line underlined with === or --- is a heading; under a longer paragraph,
            # hand-written pages mean a rule (CommonMark would make it all one heading).
            paragraph.kind, paragraph.level = "heading", 1 if match.group(1)[0] == "=" else 2
            paragraph.text = paragraph.text.strip()
            self.current = None
        elif (match := HEADING.match(line)) is not None:
            self._push(
                Block("heading", number, (match.group(2) or "").strip(), len(match.group(1)))
            )
            self.current = None
        elif RULE.match(line):
            self._push(Block("rule", number))
            self.current = None
        elif (match := ORDERED.match(line)) is not None:
            self.current = self._push(
                Block("item", number, match.group(3) or "", number=int(match.group(2)))
            )
        elif (match := BULLET.match(line)) is not None:
            self.current = self._push(Block("item", number, match.group(2) or ""))
        elif item and not self.blank_before:
            item.text += "\n" + line.strip()  # a lazy continuation line
        elif self.current and self.current.kind == "paragraph":
            self.current.text += "\n" + line.rstrip()
        else:
            self.current = self._push(Block("paragraph", number, line.rstrip()))
        if (fence := FENCE.match(line)) and self.current is not None:
            self.in_fence = fence.group(1)

    def _continue_item(self, item: Block, line: str) -> None:
        text = line.strip()
        if self.blank_before:
            item.extra.append(text)
        elif item.extra:
            item.extra[-1] += "\n" + text
        else:
            item.text += "\n" + text
        if fence := FENCE.match(text):
            self.in_fence = fence.group(1)

    def _append(self, line: str) -> None:
        if self.current is None:
            return
        if self.current.kind == "item" and self.current.extra:
            self.current.extra[-1] += "\n" + line.strip()
        elif self.current.kind == "item":
            self.current.text += "\n" + line.strip()
        else:
            self.current.text += "\n" + line.rstrip()

    def _push(self, block: Block) -> Block:
        self.blocks.append(block)
        return block


def read_blocks(body: str, first_line: int = 1) -> list[Block]:
    reader = _Reader(first_line)
    for index, line in enumerate(body.splitlines()):
        reader.feed(index, line)
    return reader.blocks
