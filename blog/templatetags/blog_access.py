"""Capability questions templates ask about a post: `{% if access|can_edit:post %}`.

Each filter calls the WeekAccess method of the same name (core/access/), so the
rules stay in one place; templates never look at roles or statuses to decide.
"""

from __future__ import annotations

from django import template

from blog.models import BlogPost
from core.access import WeekAccess

register = template.Library()


def _ask(name: str):  # noqa: ANN202 - filter factory
    def check(access: WeekAccess, post: BlogPost | None) -> bool:
        return bool(getattr(access, f"{name}_post")(post))

    check.__name__ = name
    return check


for _name in ("can_see", "can_edit", "can_share", "can_submit", "can_withdraw", "can_comment"):
    register.filter(_name, _ask(_name))
for _name in ("can_review", "can_publish", "can_unpublish"):
    register.filter(_name, _ask(_name))
