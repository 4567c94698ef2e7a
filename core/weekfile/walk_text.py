"""The text a walk keeps as written: the week's intro, the posting rule, section intros and
the notes (lines it could not place). Consecutive blocks of one text are copied from the
source with the blank lines between them, so an exported week reads back byte for byte."""

from __future__ import annotations

from core.weekfile.blocks import Block
from core.weekfile.deadlines import Deadline, find_deadline
from core.weekfile.state import WalkState


class TextMixin:
    s: WalkState
    lines: list[str]
    first_line: int

    def raw(self, block: Block) -> str:
        """The block as written in the file (its markers, indents and line breaks)."""
        start = block.line - self.first_line
        end = block.last_line - self.first_line + 1
        if start < 0 or end > len(self.lines):
            return block.full_text
        return "\n".join(self.lines[start:end]).strip("\n")

    def add_text(self, target: list[str], block: Block, text: str | None = None) -> None:
        """Append `block` (as written, or as `text`) to a list of paragraphs; a block right
        after the previous one of the same list joins it with the source's own spacing."""
        s = self.s
        text = self.raw(block) if text is None else text
        tail = s.tail
        if target and tail is not None and tail[0] == id(target) and tail[1] is s.last_block:
            gap = max(1, block.line - tail[1].last_line)
            target[-1] += "\n" * gap + text
        else:
            target.append(text)
        s.tail = (id(target), block)

    def keep_as_intro(self, block: Block, text: str | None = None) -> None:
        self.add_text(self.s.intro, block, text)

    def keep_in_notes(self, block: Block, text: str | None = None) -> None:
        """Text the walk cannot place: kept in the week's notes, and reported."""
        self.add_text(self.s.notes, block, text)
        snippet = " ".join((text if text is not None else self.raw(block)).split())[:70]
        self.s.warnings.append(f"line {block.line}: kept in the week's notes: {snippet!r}")

    def deadline_in(self, text: str) -> Deadline | None:
        s = self.s
        deadline = find_deadline(text, tz=s.tz, near=s.class_date)
        if deadline is not None:
            s.warnings.extend(deadline.warnings())
        return deadline

    def intro_deadline(self, text: str) -> None:
        deadline = find_deadline(text, tz=self.s.tz, near=self.s.class_date)
        if deadline is not None:
            self.s.intro_deadlines.append(deadline)

    def guess(self, block: Block, what: str) -> None:
        self.s.guesses.append(f"line {block.line}: {what}")
