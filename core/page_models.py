"""`PageGeneration`: counters that say "what a stored page shows may have changed".

core/lib/page_store.py keeps assembled week pages per viewer, keyed by these counters:
`site` moves after every committed write of anything a page can show, `user:<id>` after a
write to what only that user's pages show (their read marks, drafts and follows). Rows are
written only by page_store's flush, one upsert per counter after a transaction commits.
"""

from __future__ import annotations

from django.db import models


class PageGeneration(models.Model):
    name = models.CharField(max_length=40, primary_key=True)
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "page generation"

    def __str__(self) -> str:
        return f"{self.name}: {self.n}"
