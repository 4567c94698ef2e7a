"""Who may do what: the one permissions module, asked by views, templates and the admin.

- `standing`: SeminarAccess and WeekAccess, a user's standing and every capability
  (`can_view`, `can_post`, `can_moderate`, ...) as templates ask them;
- `lookups`: the seminar or week from a URL as the user may see it (404 / 403);
- `decorators`: view preconditions that resolve the access object and check a capability;
- `admin`: the mixins that keep staff inside the seminars they are staff of, and
  `admin_scope`: the seminars an admin request may reach and each model's path to one.

No view, template or admin class reads roles, duties or `is_staff` by itself.
"""

from core.access.admin import (
    SeminarScopedAdmin,
    SeminarScopedInline,
    SuperuserOnlyAdmin,
    superuser_only,
)
from core.access.decorators import seminar_view, week_view
from core.access.lookups import (
    admin_seminars,
    may_use_admin,
    may_use_editor,
    memberships,
    require,
    seminar_access,
    seminar_for_user,
    seminars_for_user,
    staff_seminars,
    week_access,
    week_for_user,
    weeks_visible,
)
from core.access.standing import AnyUser, BlogPost, Comment, SeminarAccess, WeekAccess

__all__ = [
    "AnyUser",
    "admin_seminars",
    "may_use_admin",
    "may_use_editor",
    "BlogPost",
    "Comment",
    "SeminarAccess",
    "SeminarScopedAdmin",
    "SeminarScopedInline",
    "SuperuserOnlyAdmin",
    "WeekAccess",
    "require",
    "memberships",
    "seminar_access",
    "seminar_for_user",
    "seminar_view",
    "seminars_for_user",
    "staff_seminars",
    "superuser_only",
    "week_access",
    "week_for_user",
    "week_view",
    "weeks_visible",
]
