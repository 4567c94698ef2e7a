"""Downloading everything one wrote: a zip of JSON and markdown, with only one's own
writing, comments with their week, question, permalink, timestamps and earlier versions."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from django.utils import timezone

from discussions.models import CommentRevision
from tests.conftest import PASSWORD
from tests.discussions.helpers import add_comment, first_question

EXPORT = "/profile/export/"


def client_for(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def download(user) -> zipfile.ZipFile:
    response = client_for(user).get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="seminar-')
    return zipfile.ZipFile(io.BytesIO(response.content))


def exported(user) -> dict:
    return json.loads(download(user).read("data.json"))


def test_export_holds_each_comment_with_week_question_permalink_and_revisions(student, week):
    question = first_question(week)
    answer = add_comment(week, student, "My **final** answer", question=question)
    answer.edited_at = timezone.now()
    answer.save()
    CommentRevision.objects.create(comment=answer, body="My first answer", edited_by=student)

    data = exported(student)

    [comment] = data["comments"]
    assert comment["body"] == "My **final** answer"
    assert comment["kind"] == "answer"
    assert comment["week"] == {"number": 1, "slug": "week1", "title": "Week 1"}
    assert comment["seminar"]["slug"] == "llm-risks"
    assert comment["question"]["number"] == question.number
    assert comment["question"]["text"] == question.body
    assert comment["permalink"] == f"http://testserver{week.get_absolute_url()}#c{answer.pk}"
    assert comment["created_at"] and comment["edited_at"]
    assert [r["body"] for r in comment["revisions"]] == ["My first answer"]
    assert data["account"]["email"] == "student@example.edu"
    assert data["seminars"] == [{"slug": "llm-risks", "title": "LLM Risks", "role": "student"}]


def test_export_has_markdown_of_the_same_writing(student, week):
    answer = add_comment(
        week, student, "An answer about *alignment*", question=first_question(week)
    )
    add_comment(week, student, "A general remark")
    add_comment(week, student, "A reply", parent=answer)

    markdown = download(student).read("comments.md").decode()

    assert "## LLM Risks: week 1, Week 1" in markdown
    assert "### Answer to question 1" in markdown
    assert "An answer about *alignment*" in markdown
    assert "### General comment" in markdown
    assert "### Reply to question 1" in markdown
    assert f"#c{answer.pk}>" in markdown


def test_export_has_only_the_users_own_writing(student, other_student, week):
    add_comment(week, student, "Mine")
    add_comment(week, other_student, "Someone else's")

    archive = download(student)

    assert [c["body"] for c in json.loads(archive.read("data.json"))["comments"]] == ["Mine"]
    assert "Someone else's" not in archive.read("comments.md").decode()


def test_export_includes_blog_posts_the_user_wrote(blogger, week):
    blog = pytest.importorskip("blog.models")
    post = blog.BlogPost.objects.create(
        week=week, title="Week 1 summary", body="We discussed *control*.", created_by=blogger
    )
    blog.BlogRevision.objects.create(
        post=post, author=blogger, version=1, title=post.title, body=post.body
    )

    archive = download(blogger)

    [exported_post] = json.loads(archive.read("data.json"))["blog"]["posts"]
    assert exported_post["title"] == "Week 1 summary"
    assert exported_post["your_revisions"][0]["body"] == "We discussed *control*."
    assert "We discussed *control*." in archive.read("blog.md").decode()


def test_export_with_nothing_written_is_still_a_valid_archive(student):
    archive = download(student)

    assert "You have not written any comments." in archive.read("comments.md").decode()
    assert json.loads(archive.read("data.json"))["comments"] == []


def test_export_needs_login(student):
    response = Client().get(EXPORT)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("comments", [1, 30])
def test_export_query_count_does_not_grow_with_comments(
    comments, student, week, django_assert_max_num_queries
):
    client = client_for(student)
    for number in range(comments):
        comment = add_comment(week, student, f"Comment {number}", question=first_question(week))
        CommentRevision.objects.create(comment=comment, body="before", edited_by=student)

    with django_assert_max_num_queries(12):
        assert client.get(EXPORT).status_code == 200
