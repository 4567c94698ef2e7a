"""The team downloads the week's whole discussion as one markdown file."""

from __future__ import annotations

from django.utils import timezone

from core.models import Question, QuestionSection, RevealPolicy
from discussions.models import Comment
from tests.blog.conftest import url


def answer(week, question, author, body, **extra) -> Comment:
    return Comment.objects.create(week=week, question=question, author=author, body=body, **extra)


def test_the_download_has_questions_then_answers_with_authors_and_permalinks(
    client, week, blogger, student, other_student
):
    q1, q2 = Question.objects.filter(section__week=week).order_by("section__position", "position")[
        :2
    ]
    first = answer(week, q1, student, "Reward hacking *generalises*.")
    Comment.objects.create(
        week=week, question=q1, parent=first, depth=1, author=other_student, body="Agreed, see §3."
    )
    answer(week, q2, other_student, "Backdoors persist.")
    Comment.objects.create(week=week, author=student, body="A general thought on the readings.")
    client.force_login(blogger)
    response = client.get(url("discussion", week))
    text = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert response["Content-Disposition"] == 'attachment; filename="llm-risks-week1-discussion.md"'
    assert text.startswith("# Week 1 — the discussion")
    assert (
        text.index("### Question 1") < text.index("Reward hacking") < text.index("### Question 2")
    )
    assert "**Answer by Sam Student**" in text
    assert f"[permalink](http://testserver/s/llm-risks/w/week1/#c{first.pk})" in text
    assert "> **Reply by Olive**" in text and "> Agreed, see §3." in text
    assert text.index("## General discussion") < text.index("A general thought")
    assert "### Question 3\n\nQuestion **3**?\n\n*No answers.*" in text


def test_hidden_and_deleted_comments_are_left_out(client, week, blogger, student):
    q1 = Question.objects.filter(section__week=week).first()
    answer(week, q1, student, "Visible answer")
    answer(week, q1, student, "Hidden answer", is_hidden=True, hidden_at=timezone.now())
    answer(week, q1, student, "Deleted answer", deleted_at=timezone.now())
    client.force_login(blogger)
    text = client.get(url("discussion", week)).content.decode()
    assert "Visible answer" in text
    assert "Hidden answer" not in text and "Deleted answer" not in text


def test_the_blogging_team_downloads_every_answer_whatever_the_reveal_policy(
    client, week, blogger, student
):
    QuestionSection.objects.filter(week=week).update(reveal_policy=RevealPolicy.AFTER_DEADLINE)
    q1 = Question.objects.filter(section__week=week).first()
    answer(week, q1, student, "Posted before the deadline")
    client.force_login(blogger)
    text = client.get(url("discussion", week)).content.decode()
    assert "Posted before the deadline" in text
    assert "not visible to you yet" not in text


def test_the_download_takes_the_same_queries_for_few_or_many_comments(
    client, week, blogger, student, django_assert_max_num_queries
):
    questions = list(Question.objects.filter(section__week=week))
    client.force_login(blogger)
    answer(week, questions[0], student, "one")
    with django_assert_max_num_queries(30) as few:
        client.get(url("discussion", week))
    for i in range(40):
        answer(week, questions[i % 4], student, f"answer {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        text = client.get(url("discussion", week)).content.decode()
    assert "answer 39" in text
