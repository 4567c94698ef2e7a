"""The open week's general thread: comments on no question, one of them by the lead."""

from __future__ import annotations

from demo.posts.post import LEAD, Post

GENERAL_POSTS: tuple[Post, ...] = (
    Post(
        "general-lead",
        LEAD,
        47,
        body="""\
Welcome to week 2! A few notes from your lead team:

- Please post answers to different questions as **separate comments**, so replies stay
  on topic.
- Read the existing answers before writing yours: if someone already made your point,
  reply to them with what you would add instead.
- The Ngo et al. paper is long; sections 2–4 are the ones the questions are about.

See you in class.""",
    ),
    Post(
        "general-gabriel",
        7,
        20,
        body="""\
Something the questions don't cover: the Red Teaming paper (Ganguli et al.) found that
RLHF models got *harder* to red team as they scaled, while plain language models and
rejection-sampling models did not show that trend. Their released dataset of ~39k attacks
is also worth skimming — the taxonomy of what people actually try (offensive language,
violence, fraud, soliciting PII) is more mundane than the jailbreak papers suggest.""",
    ),
)
