"""Big pieces of a page joined once, outside the template engine.

Django's template engine builds a page by joining each node list's output into a string,
level by level (an include in a loop in a section in a block), and marks each result safe,
a copy each time. A week page's threads are ~95 % of its bytes, so each was copied about
ten times on the way up (~10 ms of a 500 KB page here). With a `Splice` in the context
(`render_spliced`), a tag hands its piece to the splice and writes a short placeholder; the
page is joined once at the end, each placeholder replaced by its piece.

A placeholder holds a random token of this process: no text a user writes can forge one
(and comments are escaped or sanitised anyway).

These pages also write their numbers plain (`LOCALIZE_NUMBERS`): the site is in English
only (LANGUAGE_CODE en-us, no per-user language), whose locale writes an integer as str()
does, yet Django asks the active language's formats for each number a template writes
(about 5-10 us each; a week page writes a few hundred). Measured: 1.1-1.4 ms of a 21 ms
first view.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import RequestContext, loader
from django.utils.safestring import SafeString, mark_safe

TOKEN = f"<!--splice-{secrets.token_hex(12)}-"
END = "-->"
# Numbers through Django's locale (its per-number format lookup) or plain, as str() writes
# them: the same text in this English-only site (see the module).
LOCALIZE_NUMBERS = False


class Splice:
    """The pieces of one page being rendered, in the order the tags handed them over."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def put(self, html: str) -> SafeString:
        """A placeholder for `html` (already safe: escaped or sanitised by its renderer)."""
        self.pieces.append(html)
        return mark_safe(f"{TOKEN}{len(self.pieces) - 1}{END}")  # noqa: S308 - our own token

    def join(self, rendered: str) -> str:
        """`rendered` with each placeholder replaced by its piece (one join)."""
        if not self.pieces:
            return rendered
        first, *rest = rendered.split(TOKEN)
        out = [first]
        for chunk in rest:
            index, _, after = chunk.partition(END)
            out += [self.pieces[int(index)], after]
        return "".join(out)


def put(context: Any, html: str) -> SafeString:
    """`html` for a template tag to return: a placeholder when the page is rendered with a
    splice (`render_spliced`), else the markup itself (an htmx fragment, an email)."""
    splice = context.get("splice")
    if isinstance(splice, Splice):
        return splice.put(html)
    return mark_safe(html)  # noqa: S308 - the caller's markup, escaped or sanitised there


def render_spliced(
    request: HttpRequest, template_name: str, context: dict[str, Any]
) -> HttpResponse:
    """As django.shortcuts.render, with a splice for the big pieces and numbers written
    plain (see the module)."""
    splice = Splice()
    template = loader.get_template(template_name)
    # As the backend's Template.render makes it (django.template.context.make_context),
    # with use_l10n, which that does not pass on.
    request_context = RequestContext(
        request,
        use_l10n=LOCALIZE_NUMBERS,
        autoescape=template.backend.engine.autoescape,  # type: ignore[attr-defined]
    )
    request_context.push({**context, "splice": splice})
    rendered = template.template.render(request_context)  # type: ignore[attr-defined]
    return HttpResponse(splice.join(rendered))
