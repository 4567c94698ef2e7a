"""What the discussions layer tells the layers above it (connected in their ready()).

Sent inside the posting transaction: what a receiver writes commits with the post.
"""

from __future__ import annotations

from django.dispatch import Signal

# A comment (answer, reply or general comment) was just saved. Sent with `comment`.
comment_posted = Signal()
