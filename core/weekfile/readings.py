"""One reading line → title, url, citation, note, abstract and an inline required/optional tag.

Shapes seen in hand-written pages: `[Title](url) Authors. Venue (2022).`, author-first
`Authors (2022). [Title](url). Venue.`, `Note: [Title](url) - Blog post by X`,
`Title: https://bare.url (a note)`, `[Title](url) [[PDF](pdf-url)]`, `**Title** Authors`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.weekfile.parsed import OPTIONAL, REQUIRED

LINK = re.compile(
    r"\[(?P<text>(?:[^\[\]]|\[[^\]]*\])+)\]"
    r"\((?P<url><[^>]*>|(?:[^()\s]|\([^()\s]*\))+)(?:\s+\"[^\"]*\")?\)"
)
BARE_URL = re.compile(r"<?(?P<url>https?://[^\s<>]+)>?")
EMPHASIS = re.compile(
    r"\*\*([^*]+?)\*\*|(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])|(?<!\w)__?([^_]+?)__?(?!\w)"
    r"|\"([^\"]{4,}?)\"|“([^”]{4,}?)”"
)
LEAD_TAG = re.compile(r"^\s*[*_]*\s*(?P<kind>required|optional)\s*[*_]*\s*[:\-–—]\s*[*_]*\s*",
                      re.IGNORECASE)  # fmt: skip
INLINE_TAG = re.compile(
    r"`(?P<kind>required|optional)`|[(\[](?P<kind2>required|optional)[)\]](?!\()", re.IGNORECASE
)
ABSTRACT_LABEL = re.compile(r"^abstract\s*:\s*", re.IGNORECASE)
AUX_LINK_TEXT = {
    "pdf", "html", "slides", "video", "code", "paper", "link", "arxiv", "blog", "website",
    "site", "here", "abstract", "doi", "github", "talk", "youtube", "openreview", "preprint",
    "poster", "pdf link", "local copy", "mirror",
}  # fmt: skip
KIND_WORDS = re.compile(
    r"(?:^|\s)(?P<kind>(?:a\s+)?(?:blog\s+post|video|podcast|talk|article|essay))\s*$",
    re.IGNORECASE,
)
TITLE_MAX = 500
NOTE_MAX = 300


@dataclass
class ReadingParts:
    title: str
    url: str = ""
    citation: str = ""
    note: str = ""
    abstract: str = ""
    kind: str | None = None  # from an inline tag; None: the list's kind


def split_abstract(text: str) -> tuple[str, str]:
    """(reading text on one line, abstract) — `>` lines and `Abstract:` paragraphs are abstract."""
    main: list[str] = []
    abstract: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(">"):
            abstract.append(stripped[1:].removeprefix(" "))
        elif ABSTRACT_LABEL.match(stripped) or (abstract and stripped):
            abstract.append(ABSTRACT_LABEL.sub("", stripped))
        elif abstract and not stripped:
            abstract.append("")
        else:
            main.append(stripped)
    return " ".join(s for s in main if s), "\n".join(abstract).strip()


def parse_reading(text: str) -> ReadingParts:
    line, abstract = split_abstract(text)
    kind, line = _kind_tag(line)
    parts = _with_link(line) or _with_bare_url(line) or _with_emphasis(line) or _plain(line)
    parts.abstract = abstract
    parts.citation = " ".join(parts.citation.split())
    parts.kind = kind
    _clamp(parts)
    return parts


def _kind_tag(line: str) -> tuple[str | None, str]:
    kind = None
    if (match := LEAD_TAG.match(line)) is not None:
        kind = match.group("kind").lower()
        line = line[match.end() :]
    if (match := INLINE_TAG.search(line)) is not None:
        kind = (match.group("kind") or match.group("kind2")).lower()
        line = (line[: match.start()] + line[match.end() :]).strip()
        line = " ".join(line.split())
    return ({"required": REQUIRED, "optional": OPTIONAL}.get(kind or "")), line


def _clean_prefix(text: str) -> str:
    return text.strip().strip("*_").strip()


def _clean_suffix(text: str) -> str:
    return re.sub(r"^[\s*_]*[-–—,.;:]?\s*", "", text).strip()


def _split_prefix(prefix: str) -> tuple[str, str]:
    """Text before the title: (note, citation). `Inner alignment:` is a note; authors cite."""
    prefix = _clean_prefix(prefix)
    if prefix.endswith(":"):
        return prefix[:-1].strip(), ""
    return "", prefix


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _main_link(line: str) -> re.Match[str] | None:
    links = list(LINK.finditer(line))
    for match in links:
        if match.group("text").strip(" []*_.").lower() not in AUX_LINK_TEXT:
            return match
    return links[0] if links else None


def _with_link(line: str) -> ReadingParts | None:
    match = _main_link(line)
    if match is None:
        return None
    url = match.group("url").strip("<>")
    text = match.group("text").strip(" *_")
    prefix, suffix = line[: match.start()], line[match.end() :]
    if text.strip(" []*_.").lower() in AUX_LINK_TEXT and _clean_prefix(prefix):
        # `Some Title [PDF](url)`: the title is the text before the only link.
        aux = _join(f"[{text}]({url})", _clean_suffix(suffix))
        lifted = _with_emphasis(prefix)
        if lifted is not None:
            lifted.url, lifted.citation = url, _join(lifted.citation, aux)
            return lifted
        return ReadingParts(title=_clean_prefix(prefix).rstrip(":-– "), url=url, citation=aux)
    note, cited = _split_prefix(prefix)
    return ReadingParts(
        title=text, url=url, note=note, citation=_join(cited, _clean_suffix(suffix))
    )


def _with_bare_url(line: str) -> ReadingParts | None:
    match = BARE_URL.search(line)
    if match is None:
        return None
    url = _trim_url(match.group("url"))
    end = match.start("url") + len(url)
    before = line[: match.start()].strip()
    after = line[end:].lstrip(">").strip()
    lifted = _with_emphasis(before.rstrip(" -–—:"))
    if lifted is not None:
        note, rest = _parenthetical(after)
        lifted.url, lifted.note = url, lifted.note or note
        lifted.citation = _join(lifted.citation, rest)
        return lifted
    title = before.rstrip(" -–—:").strip().strip("*_").strip()
    citation = ""
    if (kind := KIND_WORDS.search(title)) is not None and title[: kind.start()].strip():
        title, citation = title[: kind.start()].strip(), kind.group("kind")
    if not title:
        title, after = (after.strip(" -–—:"), "") if after.strip(" -–—:") else (url, after)
    note, rest = _parenthetical(after)
    return ReadingParts(title=title, url=url, citation=_join(citation, rest), note=note)


def _trim_url(url: str) -> str:
    while url and url[-1] in ".,;:!?'\"*_":
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def _parenthetical(text: str) -> tuple[str, str]:
    """A trailing `(suggested if …):` is a note; anything else is citation text."""
    stripped = text.strip().rstrip(":.").strip()
    if stripped.startswith("(") and stripped.endswith(")") and stripped.count("(") == 1:
        return stripped[1:-1].strip(), ""
    return "", _clean_suffix(text)


def _emphasis(text: str) -> re.Match[str] | None:
    return EMPHASIS.search(text)


def _tidy(text: str) -> str:
    """Citation text left after lifting the title out of it: no doubled or orphan stops."""
    text = re.sub(r"\s+([.,;:])", r"\1", " ".join(text.split()))
    return re.sub(r"([.,;:])\1+", r"\1", text).strip(" ,;")


def _with_emphasis(line: str) -> ReadingParts | None:
    """`**Title** Authors`, `Authors. *Title*. 2022`, `Note: "Title" Authors`."""
    match = _emphasis(line)
    if match is None:
        return None
    title = next(g for g in match.groups() if g).strip()
    prefix, suffix = line[: match.start()], line[match.end() :]
    note, cited = _split_prefix(prefix)
    citation = _tidy(_join(cited, suffix)) if cited else _clean_suffix(suffix)
    return ReadingParts(title=title, note=note, citation=citation)


def _plain(line: str) -> ReadingParts:
    return ReadingParts(title=line.strip().strip("*_").strip())


def _clamp(parts: ReadingParts) -> None:
    """Keep over-long titles and notes whole by moving the overflow into the citation."""
    if len(parts.note) > NOTE_MAX:
        parts.citation = _join(parts.note + ":", parts.citation)
        parts.note = ""
    if len(parts.title) > TITLE_MAX:
        cut = parts.title.rfind(" ", 0, TITLE_MAX - 1)
        cut = cut if cut > 0 else TITLE_MAX - 1
        parts.citation = _join("…" + parts.title[cut:].strip(), parts.citation)
        parts.title = parts.title[:cut].strip() + "…"
