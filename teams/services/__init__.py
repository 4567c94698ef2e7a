"""Forming a seminar's teams (forming.py) and writing the week-by-week rotation of lead and
blogging teams (rotation.py); what both use is in common.py.

Every writer validates before saving and runs in one transaction; the CSV flows come in
pairs, a read-only `*_preview` and an `*_apply` that recomputes the same preview inside the
transaction and writes only its valid rows, so applying twice changes nothing the second time.
"""

from teams.services.common import InvalidRow
from teams.services.forming import (
    TEAM_CSV_HEADER,
    TEAM_NAME_MAX,
    TeamImportPreview,
    TeamRowChange,
    team_create,
    team_delete,
    team_member_add,
    team_member_remove,
    team_rename,
    teams_from_csv_apply,
    teams_from_csv_preview,
    teams_generate,
)
from teams.services.rotation import (
    ROTATION_CSV_HEADER,
    RotationCsvRow,
    RotationImportPreview,
    RotationRow,
    RotationSummary,
    rotation_apply_csv,
    rotation_generate,
    rotation_plan,
    rotation_preview_csv,
    week_team_add,
    week_team_remove,
    week_team_swap,
)

__all__ = [
    "ROTATION_CSV_HEADER",
    "TEAM_CSV_HEADER",
    "TEAM_NAME_MAX",
    "InvalidRow",
    "RotationCsvRow",
    "RotationImportPreview",
    "RotationRow",
    "RotationSummary",
    "TeamImportPreview",
    "TeamRowChange",
    "rotation_apply_csv",
    "rotation_generate",
    "rotation_plan",
    "rotation_preview_csv",
    "team_create",
    "team_delete",
    "team_member_add",
    "team_member_remove",
    "team_rename",
    "teams_from_csv_apply",
    "teams_from_csv_preview",
    "teams_generate",
    "week_team_add",
    "week_team_remove",
    "week_team_swap",
]
