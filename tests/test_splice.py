"""The week page's threads are joined into it once, after the template engine
(core/lib/splice.py): the page is the one the engine would have built, and no text a user
writes can stand for a placeholder."""

from __future__ import annotations

import pytest
from django.utils.safestring import mark_safe

from core.lib import page_store, splice
from core.lib.splice import END, TOKEN, Splice
from tests.discussions.helpers import add_comment, base, client_for, first_question
from tests.test_page_store import same_page

pytestmark = pytest.mark.usefixtures("same_minute")


def test_placeholders_are_replaced_by_their_pieces_in_one_join():
    joined = Splice()
    first, second = joined.put("<p>one</p>"), joined.put("<p>two</p>")
    assert TOKEN in first and first != second
    assert joined.join(f"a{second}b{first}c") == "a<p>two</p>b<p>one</p>c"
    assert Splice().join("nothing to replace") == "nothing to replace"


def test_without_a_splice_a_tag_returns_its_markup():
    assert splice.put({}, "<p>x</p>") == "<p>x</p>"


@pytest.mark.django_db
def test_the_week_page_is_the_one_the_template_engine_builds(week, student, monkeypatch):
    add_comment(week, student, "SAM-ANSWER", question=first_question(week))
    client = client_for(student)
    client.get(base(week))  # sets the CSRF cookie
    spliced = client.get(base(week)).content.decode()
    page_store.STORE.clear()  # assembled again, the threads going through the engine
    monkeypatch.setattr(Splice, "put", lambda self, html: mark_safe(html))
    whole = client.get(base(week)).content.decode()
    assert "SAM-ANSWER" in spliced and TOKEN not in spliced
    assert same_page(spliced) == same_page(whole)


@pytest.mark.django_db
def test_a_comment_cannot_stand_for_a_placeholder(week, student, other_student):
    forged = f"{TOKEN}0{END} FORGED-TEXT"
    add_comment(week, other_student, forged, question=first_question(week))
    html = client_for(student).get(base(week)).content.decode()
    assert "FORGED-TEXT" in html
    assert TOKEN not in html  # sanitised or escaped, never a placeholder


@pytest.mark.django_db
def test_the_week_page_writes_numbers_plain_without_asking_the_locale(
    week, student, other_student, monkeypatch
):
    """The site is in English only: the week page writes its numbers (counts, question
    numbers, ids) as they are instead of asking the locale for each, and is the same page
    as with the locale."""
    add_comment(week, other_student, "OLIVE-ANSWER", question=first_question(week))
    client = client_for(student)
    client.get(base(week))  # sets the CSRF cookie
    page_store.STORE.clear()
    plain = client.get(base(week)).content.decode()
    page_store.STORE.clear()
    monkeypatch.setattr(splice, "LOCALIZE_NUMBERS", True)
    localized = client.get(base(week)).content.decode()
    assert "OLIVE-ANSWER" in plain
    assert same_page(plain) == same_page(localized)

    def no_locale(*args, **kwargs):
        raise AssertionError("a number of the week page went through the locale")

    monkeypatch.setattr(splice, "LOCALIZE_NUMBERS", False)
    monkeypatch.setattr("django.utils.formats.number_format", no_locale)
    page_store.STORE.clear()
    assert same_page(client.get(base(week)).content.decode()) == same_page(plain)
