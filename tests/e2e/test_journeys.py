from tests.conftest import PASSWORD
from tests.e2e.conftest import login


def test_student_logs_in_and_reads_the_open_week(page, live_server, student, week):
    login(page, live_server, student.email, PASSWORD)
    page.goto(f"{live_server.url}/s/{week.seminar.slug}/w/{week.slug}/")
    assert page.locator("h1").first.inner_text().strip().startswith(week.title)
    assert "Question" in page.content()


def test_anonymous_visitor_cannot_see_an_enrolled_only_week(page, live_server, week):
    response = page.goto(f"{live_server.url}/s/{week.seminar.slug}/w/{week.slug}/")
    assert response.status == 404
