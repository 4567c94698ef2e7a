"""The demo discussion's posts, as data (demo.discussions writes them): the open week's,
in the order they are created (parents before their replies), and the closed week's."""

from demo.posts.alignment import ALIGNMENT_POSTS
from demo.posts.attacks import ATTACK_POSTS
from demo.posts.closed_week import CLOSED_WEEK
from demo.posts.general import GENERAL_POSTS
from demo.posts.post import LEAD, Post

OPEN_WEEK: tuple[Post, ...] = (*ALIGNMENT_POSTS, *ATTACK_POSTS, *GENERAL_POSTS)

__all__ = ["CLOSED_WEEK", "LEAD", "OPEN_WEEK", "Post"]
