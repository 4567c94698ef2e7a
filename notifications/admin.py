"""Superusers see the outbox (read-only, with a resend of failed rows); staff set each
seminar's reminder timing in an inline on the seminar page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from core.access.admin import SeminarScopedInline, SuperuserOnlyAdmin
from core.admin import SeminarAdmin
from notifications.models import NotificationSettings, OutboxEmail
from notifications.outbox import send_after_commit
from notifications.status import delivery_status


class NotificationSettingsInline(SeminarScopedInline, admin.StackedInline):
    """On the seminar's admin page (added to core/admin.py's SeminarAdmin.inlines below)."""

    model = NotificationSettings
    seminar_path = "seminar"
    can_delete = False
    max_num = 1
    extra = 1
    verbose_name = "email reminders"
    verbose_name_plural = "email reminders"
    fields = ("reminder_hours", "lead_reminder_days", "blog_reminder_days")


@admin.register(OutboxEmail)
class OutboxEmailAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """Superusers only: an email is to a person, not a seminar (a reminder for one
    seminar, a digest of several), so no seminar's staff may read the whole outbox."""

    list_display = (
        "created_at",
        "kind",
        "to_email",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    )
    list_filter = ("status", "kind")
    search_fields = ("to_email", "subject", "subject_key")
    date_hierarchy = "created_at"
    actions = ("send_again",)
    readonly_fields = tuple(
        f.name for f in OutboxEmail._meta.get_fields() if f.concrete and f.name != "id"
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="last failure")
    def short_error(self, obj: OutboxEmail) -> str:
        return obj.last_error[:80]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Delivery failing: say so above the list, with counts and the last reason.
        if request.method == "GET":
            status = delivery_status()
            if status.is_failing:
                messages.warning(
                    request,
                    f"Email delivery is failing: {status.summary()} "
                    f"Last failure: {status.last_error or 'none (nothing is sending them)'}",
                )
        return super().changelist_view(request, extra_context)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_outboxemail")

    @admin.action(description="Try failed emails again", permissions=["resend"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxEmail]) -> None:
        ids = list(queryset.filter(status=OutboxEmail.Status.FAILED).values_list("pk", flat=True))
        OutboxEmail.objects.filter(pk__in=ids).update(
            status=OutboxEmail.Status.PENDING, attempts=0, claimed_at=None, next_attempt_at=None
        )
        send_after_commit(ids)
        messages.success(request, f"{len(ids)} failed email(s) queued again.")


# The seminar's admin page (core/admin.py) gets the reminder timing as one more inline.
SeminarAdmin.inlines = (*SeminarAdmin.inlines, NotificationSettingsInline)
