"""What the discussions layer tells the layers above it (connected in their ready()).

Sent inside the posting transaction: what a receiver writes commits with the post.
"""

from __future__ import annotations

from django.dispatch import Signal

# A comment (answer, reply or general comment) was just saved. Sent with `comment`.
comment_posted = Signal()

# Its author changed a comment's text. Sent with `comment` (saved, with the new text).
comment_edited = Signal()

# A moderator acted on a comment (discussions.moderation): sent with `comment`, `action`
# (a ModerationAction.Action value), `actor` and `log` (the ModerationAction row).
comment_moderated = Signal()
