"""A seminar's fixed teams of students, which take turns leading and blogging weeks.

Teams are the roster of the rotation only: who leads or blogs a given week is recorded
per week in `core.models.WeekDuty`, which the rotation services write.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.models import Enrollment, Seminar


class TeamQuerySet(models.QuerySet["Team"]):
    def with_members(self) -> TeamQuerySet:
        return self.prefetch_related("memberships__user")


class Team(models.Model):
    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the rotation: the first team leads the first week."
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ("seminar", "position", "name")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("seminar", "name"), name="team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    """A student in a team. `seminar` copies the team's so one constraint keeps a
    student in at most one team per seminar."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    seminar = models.ForeignKey(
        Seminar, on_delete=models.CASCADE, related_name="team_memberships", editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seminar_teams"
    )

    class Meta:
        ordering = ("team", "user__email")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("team", "user"), name="team_membership_unique"),
            models.UniqueConstraint(
                fields=("seminar", "user"), name="team_membership_one_team_per_seminar"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.seminar_id = self.team.seminar_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        try:
            team = self.team
        except Team.DoesNotExist:
            return
        if not self.user_id:
            return
        enrolled = Enrollment.objects.filter(
            seminar_id=team.seminar_id, user_id=self.user_id, role=Enrollment.Role.STUDENT
        ).exists()
        if not enrolled:
            raise ValidationError({"user": "Teams are made of students enrolled in this seminar."})
        other = (
            TeamMembership.objects.filter(seminar_id=team.seminar_id, user_id=self.user_id)
            .exclude(team_id=team.pk)
            .select_related("team")
            .first()
        )
        if other is not None:
            raise ValidationError(
                {"user": f"Already in {other.team.name}; remove them there first."}
            )
