"""The participation box refreshes itself after a post made in place: the discussion says
"comment-posted" (HX-Trigger) and the box fetches its fragment from the week page's
endpoint (pages, which may render participation; discussions may not)."""

from __future__ import annotations

from tests.discussions.helpers import HTMX, answer_url, client_for, first_question


def box_url(week) -> str:
    return f"{week.get_absolute_url()}participation-box/"


def test_posting_in_place_tells_the_page_a_comment_was_posted(week, student):
    question = first_question(week)
    url = answer_url(week, question)
    response = client_for(student).post(url, {"body": "An answer"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "comment-posted"


def test_the_box_listens_for_posts_and_its_fragment_shows_the_new_status(week, student):
    client = client_for(student)
    page = client.get(week.get_absolute_url()).content.decode()
    assert f'hx-get="{box_url(week)}" hx-trigger="comment-posted from:body"' in page
    assert "0 of 2 sections answered" in client.get(box_url(week)).content.decode()
    question = first_question(week)
    client.post(answer_url(week, question), {"body": "An answer"}, **HTMX)
    fragment = client.get(box_url(week)).content.decode()
    assert fragment.lstrip().startswith("<section")
    assert "1 of 2 sections answered" in fragment


def test_the_box_fragment_is_refused_to_outsiders_and_takes_no_post(week, outsider, student):
    assert client_for(outsider).get(box_url(week)).status_code == 404
    assert client_for(student).post(box_url(week)).status_code == 405


def test_lead_links_stay_on_the_page_not_in_the_fragment(week, lead):
    fragment = client_for(lead).get(box_url(week)).content.decode()
    assert "participation-links" not in fragment
    page = client_for(lead).get(week.get_absolute_url()).content.decode()
    assert "participation-links" in page
