"""A seminar's teams and their members (the rotation roster)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from accounts.admin import STUDENT_AUTOCOMPLETES
from core.access.admin import SeminarScopedAdmin, SeminarScopedInline
from core.admin_mixins import KnownUserForm, UserAutocompleteMixin
from teams.models import Team, TeamMembership

# The user autocomplete of a team's members offers the team's seminar's students.
STUDENT_AUTOCOMPLETES[("teams", "teammembership")] = (Team, "teams_team_change")


class TeamMembershipInline(SeminarScopedInline, UserAutocompleteMixin, admin.TabularInline):
    """Members are enrolled students of the team's seminar, in one team per seminar;
    `TeamMembership.clean` says so on the row when they are not."""

    model = TeamMembership
    seminar_path = "team__seminar"
    form = KnownUserForm
    fields = ("user",)
    autocomplete_fields = ("user",)
    extra = 1

    def get_queryset(self, request: HttpRequest) -> QuerySet[TeamMembership]:
        return super().get_queryset(request).select_related("user", "team")


@admin.register(Team)
class TeamAdmin(SeminarScopedAdmin, admin.ModelAdmin):
    seminar_path = "seminar"
    list_display = ("name", "seminar", "position", "member_count")
    list_filter = ("seminar",)
    list_select_related = ("seminar",)
    search_fields = ("name", "memberships__user__email", "memberships__user__display_name")
    ordering = ("seminar", "position", "name")
    inlines = (TeamMembershipInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="Members", ordering="member_count")
    def member_count(self, team: Team) -> int:
        return team.member_count  # type: ignore[attr-defined]
