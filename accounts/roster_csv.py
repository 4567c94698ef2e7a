"""Reading a roster CSV (`email,name,role[,student_id]`, separated by commas, semicolons or
tabs): each row checked into a RosterRow or an InvalidRow with its reason. Pure: compares
nothing with the database. The fourth column, the university's student ID, is optional
(files from before it existed have three columns)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.models import RosterEntry, RosterRole
from core.lib.csv_rows import CsvRow, read_rows, sniff_delimiter

ROSTER_CSV_HEADER = ("email", "name", "role", "student_id")
NAME_MAX = RosterEntry._meta.get_field("name").max_length or 200
STUDENT_ID_MAX = RosterEntry._meta.get_field("student_id").max_length or 64
# Letters, digits and . _ - @ / : what SIS numbers and logins are made of. Starting with a
# letter or digit, it cannot be read as a formula by a spreadsheet the export opens in.
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@/-]*")
EMAIL_MAX = RosterEntry._meta.get_field("email").max_length or 254

# What staff may write in the role column (any case); a blank role means student.
ROLE_WORDS: dict[str, str] = {
    "": RosterRole.STUDENT,
    "student": RosterRole.STUDENT,
    "staff": RosterRole.STAFF,
    "instructor": RosterRole.STAFF,
    "ta": RosterRole.STAFF,
    "teaching assistant": RosterRole.STAFF,
    "auditor": RosterRole.AUDITOR,
    "audit": RosterRole.AUDITOR,
}
ROLE_LABELS = dict(RosterRole.choices)


@dataclass(frozen=True)
class InvalidRow:
    line: int
    raw: str
    reason: str


@dataclass(frozen=True)
class RosterRow:
    """A valid row of the file."""

    line: int
    email: str
    name: str
    role: str
    student_id: str = ""

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= EMAIL_MAX


def _check_row(row: CsvRow) -> RosterRow | str:
    """The row as a RosterRow, or the reason it cannot be used."""
    if len(row.values) > len(ROSTER_CSV_HEADER):
        return "expected at most four columns: email,name,role,student_id"
    email, name, role_word, student_id = row.values
    if not email:
        return "the email is missing"
    if not _is_email(email):
        return f"{email!r} is not a valid email address"
    if len(name) > NAME_MAX:
        return f"the name is longer than {NAME_MAX} characters"
    role = ROLE_WORDS.get(" ".join(role_word.lower().split()))
    if role is None:
        return f"unknown role {role_word!r} (use student, staff or auditor)"
    if student_id and not (len(student_id) <= STUDENT_ID_MAX and STUDENT_ID.fullmatch(student_id)):
        return (
            f"the student ID {student_id!r} is not valid: use letters, digits and . _ - @ / "
            f"(at most {STUDENT_ID_MAX} characters)"
        )
    return RosterRow(
        line=row.line, email=email.lower(), name=name, role=role, student_id=student_id
    )


def parse_roster(text: str) -> tuple[list[RosterRow], list[InvalidRow], set[str]]:
    """The valid rows of a roster CSV, the invalid ones with their reason, and every
    well-formed email the file mentions (valid row or not: a row with a bad role still
    means its person stays on the roster). The delimiter (comma, semicolon or tab) is
    sniffed from the file. Raises ValidationError for text that is not CSV.
    """
    rows: list[RosterRow] = []
    invalid: list[InvalidRow] = []
    mentioned: set[str] = set()
    first_line: dict[str, int] = {}
    delimiter = sniff_delimiter(text)
    rows_read = read_rows(text, header=ROSTER_CSV_HEADER, delimiter=delimiter, optional=1)
    for csv_row in rows_read:
        checked = _check_row(csv_row)
        email = csv_row.values[0].lower()
        if _is_email(email):
            mentioned.add(email)
        if isinstance(checked, RosterRow) and email in first_line:
            checked = f"duplicate: {email} is already on line {first_line[email]}"
        if isinstance(checked, str):
            invalid.append(InvalidRow(line=csv_row.line, raw=csv_row.raw, reason=checked))
            continue
        first_line[email] = csv_row.line
        rows.append(checked)
    return rows, invalid, mentioned
