"""What a browser would submit from a page's form, for tests that post a page back."""

from __future__ import annotations

from html.parser import HTMLParser


class FormValues(HTMLParser):
    """What a browser would submit from the page's form: inputs, selects and textareas,
    leaving out the inline templates (`__prefix__`) and unchecked boxes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and "__prefix__" not in name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.data[name] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select" and "__prefix__" not in name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and "__prefix__" not in name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def form_values(html: str) -> dict[str, str]:
    """The values of every named field in the page (inline templates left out)."""
    parser = FormValues()
    parser.feed(html)
    return parser.data


def admin_form_data(client, url: str) -> dict[str, str]:
    """The POST data the change page would send as it stands: main form and inlines."""
    response = client.get(url)
    assert response.status_code == 200
    data = form_values(response.content.decode())
    data.pop("csrfmiddlewaretoken", None)
    data.pop("action", None)
    # Textareas start with a newline the browser drops.
    return {k: v[1:] if v.startswith("\n") else v for k, v in data.items()}
