"""What the blog tells the layers above it (connected in their ready())."""

from __future__ import annotations

from django.dispatch import Signal

# A blog post moved through its review ("submitted", "changes_requested"), inside the
# step's transaction. Sent with `post`, `kind` and `actor` (None for the system).
blog_step = Signal()
