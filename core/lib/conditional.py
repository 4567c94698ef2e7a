"""Fewer bytes for a big private page: gzip, and "304 Not Modified" when it has not changed.

`private_page` wraps a view (the week page): its 200 answers get
`Cache-Control: private, no-cache` (a browser keeps the page, asks again every time, and no
shared cache stores it), an ETag, and are compressed with gzip when the browser accepts it.
A browser that sends the ETag of the page it holds gets an empty 304 when the page it
would get now is the same.

The ETag is a hash of the page as rendered for this request, leaving out what differs in
every response without changing what the page means: the CSRF token (Django masks it
differently each time; the page the browser holds keeps working, every mask of the same
secret is accepted) and the time the page was drawn that the "mark as read" form carries
(the held page marks read what it showed, as of when it was drawn), and the forms' fresh
one-time submission keys (core/lib/submission.py: a key is only ever used by a post that
adds the viewer's own comment to the page, so a page holding a used key differs from the
page now and gets a 200 with new keys): whatever the page shows (comments, read
markers, drafts, deadlines, the viewer's own controls, a message) is in the hash, so a
304 is never wrong, whoever adds what to the page. It saves bytes and the browser's work,
not the server's rendering (cheap since discussions/page_cache.py).

Compression and BREACH: see the README's Performance section (the token is masked per
response and Django's gzip pads every response with random bytes).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.gzip import gzip_page

# base.html sends the token with every htmx request: hx-headers='{"X-CSRFToken": "…"}'.
CSRF_IN_PAGE = re.compile(rb'"X-CSRFToken": "([A-Za-z0-9]{32,64})"')
# Values that change with every response and not its meaning (see above). One literal
# prefix, so the search is fast: an alternation of two prefixes is ~100x slower here.
PER_RESPONSE = re.compile(rb'name="(?:at|submission_key)" value="[0-9a-f]*"')


def page_etag(content: bytes) -> str:
    """A strong ETag of the page without its per-response values."""
    match = CSRF_IN_PAGE.search(content)
    if match:
        content = content.replace(match.group(1), b"")
    content = PER_RESPONSE.sub(b"", content)
    return f'"{hashlib.blake2b(content, digest_size=16).hexdigest()}"'


def private_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Cache-Control, ETag/304 and gzip for a view's private HTML page (see above)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.streaming:
            return response
        patch_cache_control(response, private=True, no_cache=True)
        if not response.has_header("ETag"):  # a stored page brings its own (page_store.py)
            response["ETag"] = page_etag(response.content)
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        return conditional if conditional is not None else response

    return gzip_page(wrapped)
