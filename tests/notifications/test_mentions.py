"""@mentions: links for the seminar's members only, one notice per person and comment, and
the members list behind the editor's autocomplete (members only)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.access import seminar_access, week_access
from core.models import Enrollment, RevealPolicy, Seminar
from discussions.mentions import members
from discussions.services import edit_comment, post_comment
from notifications.models import Notice
from tests.conftest import enroll, make_user
from tests.discussions.helpers import client_for, first_question

pytestmark = pytest.mark.django_db


def access_for(user, week):
    return week_access(seminar_access(user, week.seminar), week)


def post(user, week, body, parent=None):
    return post_comment(
        access_for(user, week), None if parent else first_question(week), parent, body
    )


def mentions_of(user) -> int:
    return Notice.objects.filter(recipient=user, kind=Notice.Kind.MENTION).count()


def test_a_mention_of_a_member_is_a_link_and_one_notice(week, student, other_student):
    comment = post(student, week, "What do you think, @Olive? Not `@Olive` in code.")
    schedule = reverse("teams:schedule", args=[week.seminar.slug])
    assert f'<a href="{schedule}" class="mention"' in comment.body_html
    assert comment.body_html.count('class="mention"') == 1
    assert "<code>@Olive</code>" in comment.body_html
    assert mentions_of(other_student) == 1
    edit_comment(access_for(student, week), comment, "What do you think, @olive? (edited)")
    assert mentions_of(other_student) == 1  # editing never notifies the same person again


def test_a_person_newly_mentioned_in_an_edit_hears_of_it_once(week, student, other_student):
    comment = post(student, week, "A first version.")
    edit_comment(access_for(student, week), comment, "Now with @Olive.")
    edit_comment(access_for(student, week), comment, "Now with @Olive, again.")
    assert mentions_of(other_student) == 1


def test_mentioning_a_non_member_does_nothing(week, student, outsider):
    other = Seminar.objects.create(title="Other", slug="other", timezone="UTC")
    elsewhere = enroll(make_user("zed@example.edu", first_name="Zed"), other, Enrollment.Role.STAFF)
    comment = post(student, week, "Hello @Zed and @outsider and @nobody.")
    assert 'class="mention"' not in comment.body_html
    assert not Notice.objects.filter(recipient__in=[elsewhere, outsider]).exists()


def test_a_mention_in_an_answer_withheld_from_the_person_does_not_reach_them(
    week, student, other_student
):
    section = first_question(week).section
    section.reveal_policy = RevealPolicy.AFTER_OWN
    section.save()
    post(student, week, "My answer, @Olive.")
    assert mentions_of(other_student) == 0


def test_handles_are_names_without_spaces_and_unique_in_the_seminar(seminar, student):
    twin = enroll(make_user("twin@example.edu", first_name="Sam", last_name="Student"), seminar)
    odd = enroll(make_user("odd@example.edu", display_name="<b>Ann-Marie</b>"), seminar)
    handles = {m.pk: m.handle for m in members(seminar.pk)}
    assert handles[student.pk] == "SamStudent"
    assert handles[twin.pk] == f"SamStudent{twin.pk}"
    assert handles[odd.pk] == "bAnnMarieb"


def test_the_members_list_is_for_members_of_this_seminar_only(
    week, seminar, student, other_student, outsider, client
):
    url = reverse("mentionable", args=[seminar.slug])
    data = client_for(student).get(url).json()
    assert {"handle": "Olive", "name": "Olive"} in data["members"]
    assert "email" not in str(data)
    assert client_for(outsider).get(url).status_code == 404
    other = Seminar.objects.create(title="Other", slug="other", timezone="UTC")
    foreign = enroll(make_user("f@example.edu", is_staff=True), other, Enrollment.Role.STAFF)
    assert client_for(foreign).get(url).status_code == 404
    assert client.get(url).status_code == 302  # to the login page
    public = Seminar.objects.create(title="Open", slug="open", visibility="public")
    assert client_for(outsider).get(reverse("mentionable", args=[public.slug])).status_code == 403


def test_the_editor_knows_where_to_find_the_members(week, student):
    page = client_for(student).get(week.get_absolute_url()).content.decode()
    assert f'data-mentions="{reverse("mentionable", args=[week.seminar.slug])}"' in page
    assert "js/mentions.js" in page
