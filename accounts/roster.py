"""A seminar's roster: who may join it, imported from an `email,name,role[,student_id]` CSV.

The import runs in two steps that share one pure function: `plan_import` reads the file
(accounts.roster_csv) and compares it with the roster (adds, role changes, name changes,
removals, invalid rows) without writing anything; `apply_import` recomputes that plan
inside a transaction, refuses to go on if it no longer matches what staff previewed, and
writes it. Applying the same file twice changes nothing the second time.

No file wipes a class by accident (issue "Nothing lost, nothing doubled"): the delimiter
and the encoding are detected, a file whose rows are mostly invalid (or that has no valid
row) is refused whole, removing many people (LARGE_REMOVAL) needs staff to confirm the
count, and the pending invitations of removed entries are cancelled in the same
transaction.

People are attached to a seminar through their roster entry: an account whose address is
verified (or that staff created) gets an Enrollment with the entry's role — at import time
when the account exists, otherwise when its owner registers and confirms the address.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower

from accounts.models import RosterEntry, RosterRole, User
from accounts.roster_csv import ROLE_LABELS, InvalidRow, RosterRow, parse_roster
from core.hooks import mailer
from core.models import Enrollment, Seminar

# A removal is "large" — it needs staff to type or tick its count — when it takes off more
# than 20 people or more than 10 % of the roster, whichever comes first.
LARGE_REMOVAL_PEOPLE = 20
LARGE_REMOVAL_PERCENT = 10


class RemovalsUnconfirmed(Exception):  # noqa: N818 — it is a condition, not a failure
    """A large removal was applied without confirming its count."""

    def __init__(self, plan: RosterPlan) -> None:
        self.count = len(plan.removals)
        super().__init__(
            f"This file removes {self.count} people from the roster: confirm "
            f'"Yes, remove {self.count} people" to apply it.'
        )
        self.plan = plan


class StalePreview(Exception):  # noqa: N818 — it is a condition, not a failure
    """The roster changed between the preview staff saw and their "Apply"."""

    def __init__(self, plan: RosterPlan) -> None:
        super().__init__("The roster changed since the preview; review the new preview.")
        self.plan = plan


@dataclass(frozen=True)
class RosterAdd:
    row: RosterRow
    user: User | None  # the existing account that gets enrolled right away


@dataclass(frozen=True)
class RosterChange:
    """A role or name that differs between the roster and the file."""

    entry: RosterEntry
    line: int
    old: str
    new: str

    @property
    def old_role(self) -> str:
        return ROLE_LABELS.get(self.old, self.old)

    @property
    def new_role(self) -> str:
        return ROLE_LABELS.get(self.new, self.new)


@dataclass(frozen=True)
class RosterLink:
    """An entry without an account whose person has since got one (verified)."""

    entry: RosterEntry
    user: User


@dataclass
class RosterPlan:
    seminar: Seminar
    adds: list[RosterAdd] = field(default_factory=list)
    role_changes: list[RosterChange] = field(default_factory=list)
    name_changes: list[RosterChange] = field(default_factory=list)
    id_changes: list[RosterChange] = field(default_factory=list)  # the student ID
    removals: list[RosterEntry] = field(default_factory=list)
    links: list[RosterLink] = field(default_factory=list)
    invalid: list[InvalidRow] = field(default_factory=list)
    unchanged: int = 0
    valid: int = 0  # valid rows in the file
    roster_size: int = 0  # entries on the roster before the import

    @property
    def refusal(self) -> str:
        """Why this file may not be applied at all ("" when it may): it has no valid row,
        or more than half of its rows are invalid (a wrong delimiter, a wrong file)."""
        total = self.valid + len(self.invalid)
        if not self.valid:
            return (
                "The file has no valid row, so it is not applied (it would only remove "
                "people). Check that it is the roster, with the columns email,name,role."
            )
        if len(self.invalid) * 2 > total:
            return (
                f"{len(self.invalid)} of {total} rows are invalid — more than half — so "
                "this file is not applied. Check that it is the roster, with the columns "
                "email,name,role, fix the rows below and preview again."
            )
        return ""

    @property
    def large_removal(self) -> bool:
        """Whether applying needs staff to confirm the number of removals."""
        count = len(self.removals)
        return count > LARGE_REMOVAL_PEOPLE or (
            count * 100 > LARGE_REMOVAL_PERCENT * self.roster_size
        )

    @property
    def has_changes(self) -> bool:
        return bool(
            self.adds
            or self.role_changes
            or self.name_changes
            or self.id_changes
            or self.removals
            or self.links
        )

    @property
    def invitations(self) -> int:
        """How many invitation emails applying would send (added people without accounts)."""
        return sum(1 for add in self.adds if add.user is None)

    def takes_staff_role_from(self, user_id: int) -> bool:
        """Whether applying would remove this user, or change their staff role, here — staff
        importing a student list that leaves themselves out should be told."""
        return any(entry.user_id == user_id for entry in self.removals) or any(
            c.entry.user_id == user_id and c.old == RosterRole.STAFF for c in self.role_changes
        )

    def digest(self) -> str:
        """A fingerprint of the changes, to tell whether an "Apply" still matches its preview."""
        parts: list[str] = [f"seminar:{self.seminar.pk}"]
        parts += [
            f"add:{a.row.email}:{a.row.role}:{a.row.name}:{a.row.student_id}:{_pk(a.user)}"
            for a in self.adds
        ]
        parts += [f"role:{c.entry.pk}:{c.old}:{c.new}" for c in self.role_changes]
        parts += [f"name:{c.entry.pk}:{c.old}:{c.new}" for c in self.name_changes]
        parts += [f"id:{c.entry.pk}:{c.old}:{c.new}" for c in self.id_changes]
        parts += [f"remove:{e.pk}:{e.email}" for e in self.removals]
        parts += [f"link:{link.entry.pk}:{link.user.pk}" for link in self.links]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _pk(user: User | None) -> str:
    return str(user.pk) if user is not None else "-"


# --- Accounts ---------------------------------------------------------------------------


def accounts_by_email(emails: Iterable[str]) -> dict[str, User]:
    """The accounts that may be attached to roster entries with these (lower-case) emails.

    An account counts when its address is verified, or when it has no allauth address
    record at all (made by staff in the admin or with createsuperuser). An unverified
    sign-up does not: whoever typed the address has not shown it is theirs.
    """
    emails = list(emails)
    if not emails:
        return {}
    unverified = EmailAddress.objects.filter(
        user_id=OuterRef("pk"), email__iexact=OuterRef("email"), verified=False
    )
    users = (
        User.objects.annotate(lower_email=Lower("email"))
        .filter(lower_email__in=emails, is_active=True)
        .exclude(Exists(unverified))
    )
    return {user.email.lower(): user for user in users}


# --- Planning and applying --------------------------------------------------------------


def plan_import(seminar: Seminar, text: str) -> RosterPlan:
    """What importing `text` into the seminar's roster would do. Writes nothing."""
    rows, invalid, mentioned = parse_roster(text)
    entries = {entry.email: entry for entry in RosterEntry.objects.filter(seminar=seminar)}
    new_emails = [row.email for row in rows if row.email not in entries]
    unlinked = [e.email for e in entries.values() if e.user_id is None and e.email in mentioned]
    accounts = accounts_by_email([*new_emails, *unlinked])
    plan = RosterPlan(seminar=seminar, invalid=invalid, valid=len(rows), roster_size=len(entries))
    for row in rows:
        entry = entries.get(row.email)
        if entry is None:
            plan.adds.append(RosterAdd(row=row, user=accounts.get(row.email)))
            continue
        changed = False
        if entry.role != row.role:
            plan.role_changes.append(RosterChange(entry, row.line, entry.role, row.role))
            changed = True
        if entry.name != row.name:
            plan.name_changes.append(RosterChange(entry, row.line, entry.name, row.name))
            changed = True
        # A blank student ID keeps the one on the roster (a file without the column, or a
        # row without it, loses nothing); staff clear one in the admin.
        if row.student_id and entry.student_id != row.student_id:
            plan.id_changes.append(RosterChange(entry, row.line, entry.student_id, row.student_id))
            changed = True
        plan.unchanged += not changed
    for entry in entries.values():
        if entry.email not in mentioned:
            plan.removals.append(entry)
        elif entry.user_id is None and entry.email in accounts:
            plan.links.append(RosterLink(entry=entry, user=accounts[entry.email]))
    return plan


def _lock_seminar(seminar: Seminar) -> None:
    # Two staff applying at once would race on the unique constraints; serialise per seminar.
    Seminar.objects.select_for_update().filter(pk=seminar.pk).first()


def _enroll(seminar: Seminar, roles: dict[int, str]) -> None:
    """Give each user id in `roles` an Enrollment in the seminar with that role."""
    if not roles:
        return
    existing = {e.user_id: e for e in Enrollment.objects.filter(seminar=seminar, user_id__in=roles)}
    changed = []
    for user_id, role in roles.items():
        enrollment = existing.get(user_id)
        if enrollment is not None and enrollment.role != role:
            enrollment.role = role
            changed.append(enrollment)
    Enrollment.objects.bulk_update(changed, ["role"])
    Enrollment.objects.bulk_create(
        Enrollment(seminar=seminar, user_id=user_id, role=role)
        for user_id, role in roles.items()
        if user_id not in existing
    )


def withdraw(entries: Iterable[RosterEntry]) -> None:
    """Take people off rosters: their entry and its Enrollment go, and their invitations
    not sent yet are cancelled (in the caller's transaction); the account and everything
    they wrote stay."""
    entries = list(entries)
    if not entries:
        return
    mailer().cancel_invitations([entry.pk for entry in entries])
    users_by_seminar: dict[int, list[int]] = defaultdict(list)
    for entry in entries:
        if entry.user_id is not None:
            users_by_seminar[entry.seminar_id].append(entry.user_id)
    for seminar_id, user_ids in users_by_seminar.items():
        Enrollment.objects.filter(seminar_id=seminar_id, user_id__in=user_ids).delete()
    RosterEntry.objects.filter(pk__in=[entry.pk for entry in entries]).delete()


@transaction.atomic
def apply_import(
    seminar: Seminar,
    text: str,
    *,
    expected_digest: str | None = None,
    confirm_removals: int | None = None,
) -> RosterPlan:
    """Import `text` into the seminar's roster, skipping invalid rows, and queue invitations
    (sent after commit) for everyone on the roster without an account not yet invited.

    Writes nothing and raises, in this order: StalePreview when the changes are no longer
    the ones of the preview staff confirmed (`expected_digest`); ValidationError when the
    file is refused (RosterPlan.refusal: mostly invalid rows); RemovalsUnconfirmed when
    the removal is large and `confirm_removals` is not its count.
    """
    _lock_seminar(seminar)
    plan = plan_import(seminar, text)
    if expected_digest is not None and plan.digest() != expected_digest:
        raise StalePreview(plan)
    if plan.refusal:
        raise ValidationError(plan.refusal)
    if plan.large_removal and confirm_removals != len(plan.removals):
        raise RemovalsUnconfirmed(plan)
    RosterEntry.objects.bulk_create(
        RosterEntry(
            seminar=seminar,
            email=add.row.email,
            name=add.row.name,
            role=add.row.role,
            student_id=add.row.student_id,
            user=add.user,
        )
        for add in plan.adds
    )
    for change in plan.role_changes:
        change.entry.role = change.new
    for change in plan.name_changes:
        change.entry.name = change.new
    for change in plan.id_changes:
        change.entry.student_id = change.new
    for link in plan.links:
        link.entry.user = link.user
    changes = [*plan.role_changes, *plan.name_changes, *plan.id_changes]
    touched = {c.entry.pk: c.entry for c in changes}
    touched |= {link.entry.pk: link.entry for link in plan.links}
    RosterEntry.objects.bulk_update(touched.values(), ["role", "name", "student_id", "user"])
    roles = {add.user.pk: add.row.role for add in plan.adds if add.user is not None}
    roles |= {e.user_id: e.role for e in touched.values() if e.user_id is not None}
    _enroll(seminar, roles)
    withdraw(plan.removals)
    queue_invitations(seminar)
    return plan


def queue_invitations(seminar: Seminar, *, resend_ids: Iterable[int] = ()) -> None:
    """In the caller's transaction, write an invitation to the email outbox for everyone
    on the seminar's roster who has no account and was never invited; `resend_ids` are
    invited again even if they were. They are sent after commit (or by the sweep)."""
    write_invitations = mailer().write_invitations
    write_invitations(RosterEntry.objects.filter(seminar=seminar))
    resend = list(resend_ids)
    if resend:
        write_invitations(RosterEntry.objects.filter(pk__in=resend), resend=True)


# --- Single entries (the admin) and registration ----------------------------------------


@transaction.atomic
def save_entry(entry: RosterEntry) -> None:
    """Save one entry as staff edited it and keep its Enrollment in step: attach an
    existing account, follow a role change, drop the old account's Enrollment if the
    email now names someone else."""
    previous = (
        RosterEntry.objects.filter(pk=entry.pk).values("user_id", "seminar_id").first()
        if entry.pk
        else None
    )
    entry.email = entry.email.strip().lower()
    if previous is not None and entry.user is not None and entry.user.email.lower() != entry.email:
        entry.user = None
    if entry.user_id is None:
        entry.user = accounts_by_email([entry.email]).get(entry.email)
    if (
        previous is not None
        and previous["user_id"]
        and (previous["user_id"] != entry.user_id or previous["seminar_id"] != entry.seminar_id)
    ):
        Enrollment.objects.filter(
            seminar_id=previous["seminar_id"], user_id=previous["user_id"]
        ).delete()
    entry.save()
    if entry.user_id is not None:
        _enroll(entry.seminar, {entry.user_id: entry.role})
    else:
        queue_invitations(entry.seminar)


@transaction.atomic
def attach_user(user: User, email: str) -> list[Seminar]:
    """Attach `user` to every roster entry for `email` (an address they have verified):
    set the entry's user and enroll them with its role. Returns the seminars joined."""
    entries = list(
        RosterEntry.objects.select_for_update()
        .filter(email=email.strip().lower(), user__isnull=True)
        .select_related("seminar")
    )
    for entry in entries:
        entry.user = user
        _enroll(entry.seminar, {user.pk: entry.role})
    RosterEntry.objects.bulk_update(entries, ["user"])
    return [entry.seminar for entry in entries]


def is_rostered(email: str) -> bool:
    """Whether some seminar's roster lists this email (any case)."""
    return RosterEntry.objects.filter(email=email.strip().lower()).exists()
