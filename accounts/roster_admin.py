"""The roster in the admin: entries per seminar, and the CSV import with its preview.

`admin:accounts_roster_import` (args: seminar id) uploads a CSV and shows what it would
change; "Apply" posts the same text back with the preview's fingerprint, so a roster that
changed in between is previewed again instead of applied blind. A file whose rows are
mostly invalid gets no "Apply" (and a posted one is refused); a large removal is applied
only with the "Yes, remove N people" box ticked for the preview's N.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode

from accounts import roster
from accounts.http import AuthenticatedHttpRequest
from accounts.models import RosterEntry
from core.access import admin_seminars
from core.access.admin import SeminarScopedAdmin
from core.hooks import mailer
from core.lib.csv_rows import decode_csv_upload
from core.models import Seminar

MAX_TEXT_CHARS = 1_000_000


def may_manage(user: Any, seminar: Seminar) -> bool:
    return admin_seminars(user).filter(pk=seminar.pk).exists()


class RosterUploadForm(forms.Form):
    csv_file = forms.FileField(
        label="CSV file",
        required=False,
        help_text="Columns email,name,role and optionally student_id (a header row is "
        "optional), separated by commas, semicolons or tabs; UTF-8, UTF-16 or Latin-1. "
        "Role is student, staff or auditor; blank means student.",
    )
    csv_text = forms.CharField(
        label="…or paste the CSV",
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload = data.get("csv_file")
        if upload:
            if upload.size and upload.size > MAX_TEXT_CHARS:
                raise ValidationError("The file is too large (at most 1 MB).")
            data["text"], data["note"] = decode_csv_upload(upload.read())
        elif (data.get("csv_text") or "").strip():
            data["text"] = data["csv_text"]
        elif not self.errors:
            raise ValidationError("Choose a CSV file or paste the roster.")
        return data


class RosterApplyForm(forms.Form):
    csv_text = forms.CharField(widget=forms.HiddenInput, max_length=MAX_TEXT_CHARS, strip=False)
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # The template draws it as the "Yes, remove N people" checkbox (value N) when the
    # removal is large; roster.apply_import compares it with the recomputed count.
    confirm_removals = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class RosterEntryForm(forms.ModelForm):
    class Meta:
        model = RosterEntry
        fields = ("seminar", "email", "name", "role", "student_id")

    def clean_email(self) -> str:
        """Stored lower-case, so "Ann@X" and "ann@x" are the same person on one roster."""
        return self.cleaned_data["email"].strip().lower()


@admin.register(RosterEntry)
class RosterEntryAdmin(SeminarScopedAdmin, admin.ModelAdmin):
    seminar_path = "seminar"
    form = RosterEntryForm
    list_display = ("email", "name", "role", "student_id", "seminar", "has_account", "invited_at")
    list_filter = ("seminar", "role", ("user", admin.EmptyFieldListFilter), "invited_at")
    search_fields = ("email", "name", "student_id", "user__email", "user__display_name")
    list_select_related = ("seminar", "user")
    raw_id_fields = ("user",)
    readonly_fields = ("user", "invited_at", "created_at")
    fields = ("seminar", "email", "name", "role", "student_id", "user", "invited_at", "created_at")
    actions = ("resend_invitations",)
    change_list_template = "admin/accounts/rosterentry/change_list.html"

    # Scope (SeminarScopedAdmin): staff see the rosters of the seminars they teach, and
    # pick only those seminars for a new entry.

    # --- single entries keep their Enrollment in step ---------------------------------

    @admin.display(boolean=True, description="account")
    def has_account(self, entry: RosterEntry) -> bool:
        return entry.user_id is not None

    def save_model(self, request: HttpRequest, obj: RosterEntry, form: Any, change: bool) -> None:
        roster.save_entry(obj)

    def delete_model(self, request: HttpRequest, obj: RosterEntry) -> None:
        with transaction.atomic():
            roster.withdraw([obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RosterEntry]) -> None:
        with transaction.atomic():
            roster.withdraw(queryset)

    @admin.action(description="Re-send the invitation email (people without an account)")
    def resend_invitations(self, request: HttpRequest, queryset: QuerySet[RosterEntry]) -> None:
        with transaction.atomic():
            sent = mailer().write_invitations(queryset, resend=True)
        skipped = queryset.filter(user__isnull=False).count()
        self.message_user(
            request,
            f"Invitation queued for {sent} person(s)"
            + (f"; {skipped} already have an account." if skipped else "."),
            messages.SUCCESS if sent else messages.WARNING,
        )

    # --- the import -------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "import/",
                wrap(self.import_choose_view),
                name="accounts_roster_import_choose",
            ),
            path(
                "import/<int:seminar_id>/",
                wrap(self.import_view),
                name="accounts_roster_import",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        seminar_id = request.GET.get("seminar__id__exact", "")
        import_url = reverse("admin:accounts_roster_import_choose")
        if seminar_id.isdigit():
            import_url = reverse("admin:accounts_roster_import", args=[int(seminar_id)])
        extra_context = {**(extra_context or {}), "roster_import_url": import_url}
        return super().changelist_view(request, extra_context)

    def _context(self, request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def import_choose_view(self, request: HttpRequest) -> HttpResponse:
        seminars = list(admin_seminars(request.user))
        if not seminars:
            raise PermissionDenied("You manage no seminar's roster.")
        if len(seminars) == 1:
            return HttpResponseRedirect(
                reverse("admin:accounts_roster_import", args=[seminars[0].pk])
            )
        context = self._context(request, "Import a roster: choose the seminar", seminars=seminars)
        return TemplateResponse(request, "admin/accounts/roster_import_choose.html", context)

    def import_view(self, request: AuthenticatedHttpRequest, seminar_id: int) -> HttpResponse:
        seminar = get_object_or_404(Seminar, pk=seminar_id)
        if not may_manage(request.user, seminar):
            raise PermissionDenied("You do not manage this seminar's roster.")
        if request.method == "POST" and "apply" in request.POST:
            return self._apply(request, seminar)
        posted = request.method == "POST"
        form = RosterUploadForm(request.POST if posted else None, request.FILES if posted else None)
        plan = None
        if posted and form.is_valid():
            try:
                plan = roster.plan_import(seminar, form.cleaned_data["text"])
            except ValidationError as exc:
                form.add_error(None, exc)
            note = form.cleaned_data.get("note")
            if plan is not None and note:
                messages.warning(request, note)
        return self._render(request, seminar, form, plan)

    def _render(
        self,
        request: AuthenticatedHttpRequest,
        seminar: Seminar,
        form: RosterUploadForm,
        plan: roster.RosterPlan | None,
        text: str = "",
    ) -> HttpResponse:
        apply_form = None
        if plan is not None:
            text = text or form.cleaned_data["text"]
            if not plan.refusal:
                apply_form = RosterApplyForm(initial={"csv_text": text, "digest": plan.digest()})
            # The text stays editable below the preview: fix a row, preview again.
            form = RosterUploadForm(initial={"csv_text": text})
        context = self._context(
            request,
            f"Import the roster of {seminar}",
            seminar=seminar,
            form=form,
            plan=plan,
            apply_form=apply_form,
            roster_url=self._roster_url(seminar),
            removes_you=plan is not None and plan.takes_staff_role_from(request.user.pk),
        )
        return TemplateResponse(request, "admin/accounts/roster_import.html", context)

    def _roster_url(self, seminar: Seminar) -> str:
        return (
            reverse("admin:accounts_rosterentry_changelist")
            + "?"
            + urlencode({"seminar__id__exact": seminar.pk})
        )

    def _apply(self, request: AuthenticatedHttpRequest, seminar: Seminar) -> HttpResponse:
        apply_form = RosterApplyForm(request.POST)
        if not apply_form.is_valid():
            messages.error(request, "The preview was incomplete; upload the file again.")
            return HttpResponseRedirect(request.path)
        text = apply_form.cleaned_data["csv_text"]
        try:
            plan = roster.apply_import(
                seminar,
                text,
                expected_digest=apply_form.cleaned_data["digest"],
                confirm_removals=apply_form.cleaned_data["confirm_removals"],
            )
        except roster.StalePreview as stale:
            messages.warning(
                request,
                "The roster changed since this preview (someone else edited it). Nothing "
                "was applied: check the new preview below and apply again.",
            )
            return self._render(request, seminar, RosterUploadForm(), stale.plan, text=text)
        except roster.RemovalsUnconfirmed as unconfirmed:
            messages.error(
                request,
                f"Nothing was applied: this file removes {unconfirmed.count} people. Tick "
                f'"Yes, remove {unconfirmed.count} people" below to apply it.',
            )
            return self._render(request, seminar, RosterUploadForm(), unconfirmed.plan, text=text)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(request.path)
        messages.success(request, _summary(plan))
        return HttpResponseRedirect(self._roster_url(seminar))


def _summary(plan: roster.RosterPlan) -> str:
    if not plan.has_changes:
        return "No changes: the roster already matched the file."
    parts = [
        f"{len(plan.adds)} added",
        f"{len(plan.role_changes)} role change(s)",
        f"{len(plan.name_changes)} name change(s)",
        f"{len(plan.removals)} removed",
    ]
    if plan.id_changes:
        parts.insert(3, f"{len(plan.id_changes)} student ID change(s)")
    if plan.links:
        parts.append(f"{len(plan.links)} linked to their account")
    text = "Roster updated: " + ", ".join(parts) + "."
    if plan.invitations:
        text += f" Invitations are on their way to {plan.invitations} person(s) without an account."
    if plan.invalid:
        text += f" {len(plan.invalid)} invalid row(s) were skipped."
    return text
