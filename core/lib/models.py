"""Cross-app model helpers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.db import models

from core.lib.markdown import render_markdown


class RenderedMarkdownModel(models.Model):
    """Stores the sanitised HTML of its markdown fields, rendered once at save time.

    `markdown_fields` maps each markdown field to the field holding its HTML. Pages read
    the stored HTML, so a page view never parses markdown.
    """

    markdown_fields: ClassVar[dict[str, str]] = {}

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.render_markdown_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = {t for s, t in self.markdown_fields.items() if s in update_fields}
            kwargs["update_fields"] = set(update_fields) | extra
        super().save(*args, **kwargs)

    def render_markdown_fields(self) -> None:
        for source, target in self.markdown_fields.items():
            text = getattr(self, source)
            setattr(self, target, str(render_markdown(text, self.markdown_mentions(text))))

    def markdown_mentions(self, text: str) -> Mapping[str, str] | None:
        """Who `@handle` may mention in this text (handle -> link), for models whose text
        mentions people (discussion comments); None: no mentions."""
        return None
