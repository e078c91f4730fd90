"""Anonymous client feedback: a one-time link from a case, the survey without login in three languages,
answers never linked to the client, results per service and month with the small-cell rule."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from reporting.feedback import feedback_answer, feedback_invite
from reporting.models import FeedbackInvitation, FeedbackResponse, Survey
from tests.factories import make_case, make_user, region, set_rules

pytestmark = pytest.mark.django_db


def survey_answers(survey, *, satisfied=5, quick="yes", text=""):
    questions = list(survey.questions.order_by("position"))
    return {
        f"q{questions[0].pk}": satisfied,
        f"q{questions[2].pk}": quick,
        f"q{questions[4].pk}": text,
    }


def test_a_printed_link_opens_without_login_and_works_once(client, specialist):
    case = make_case(specialist)
    client.force_login(specialist)
    response = client.post(f"/reporting/cases/{case.pk}/feedback/", {"service": "counselling", "channel": "print"})
    assert response.status_code == 302 and response["Location"] == "/reporting/feedback/slip/"
    slip = client.get("/reporting/feedback/slip/")
    url = re.search(r'class="slip-url">([^<]+)<', slip.content.decode()).group(1)
    assert "<svg" in slip.content.decode()
    assert "slip-url" not in client.get("/reporting/feedback/slip/").content.decode()  # shown once
    path = url.split("testserver")[1]
    # Nothing of the case or the person is kept with the link.
    invitation = FeedbackInvitation.objects.get()
    assert {field.name for field in FeedbackInvitation._meta.fields} == {
        "id",
        "token_hash",
        "survey",
        "region",
        "service",
        "month",
        "expires_on",
    }
    assert invitation.token_hash not in url
    assert (invitation.expires_on + timedelta(days=1)).day == 1  # valid to a month's end: it tells no day

    public = Client()
    page = public.get(path, {"lang": "ru"})
    assert page.status_code == 200 and "Насколько вы довольны" in page.content.decode()
    survey = Survey.objects.get(active=True, purpose="client_feedback")
    refused = public.post(path, {"lang": "ru"})
    assert refused.status_code == 400 and "Пожалуйста, ответьте" in refused.content.decode()
    assert not FeedbackResponse.objects.exists()
    done = public.post(path, {"lang": "ru", **survey_answers(survey, text="Спасибо")})
    assert done.status_code == 302 and done["Location"].endswith("?lang=ru")
    answer = FeedbackResponse.objects.get()
    assert answer.region == case.region and answer.service == "counselling" and answer.language == "ru"
    assert {field.name for field in FeedbackResponse._meta.fields} == {
        "id",
        "survey",
        "region",
        "service",
        "month",
        "language",
        "answers",
    }
    # The link cannot be used again: the same neutral page as for a link that never existed.
    again = public.post(path, {"lang": "ru", **survey_answers(survey)})
    unknown = public.get("/reporting/feedback/no-such-token/")
    assert again.status_code == 410 and unknown.status_code == 410
    assert FeedbackResponse.objects.count() == 1
    assert not FeedbackInvitation.objects.exists()  # used: gone, nothing left to set beside the answer


def test_two_tabs_submitting_at_once_store_one_answer(specialist):
    case = make_case(specialist)
    token = feedback_invite(actor=specialist, case=case, service="aid")
    assert feedback_answer(token=token, language="et", answers={1: 5}) is not None
    assert feedback_answer(token=token, language="et", answers={1: 4}) is None
    assert FeedbackResponse.objects.count() == 1


def test_an_emailed_link_only_where_the_rules_allow_email(client, specialist, django_capture_on_commit_callbacks):
    case = make_case(specialist)
    client.force_login(specialist)
    set_rules(specialist, case.client, email_allowed=False)
    refused = client.post(f"/reporting/cases/{case.pk}/feedback/", {"service": "counselling", "channel": "email"})
    assert refused.status_code == 400 and not FeedbackInvitation.objects.exists()
    case.client.email = "mari@example.ee"
    case.client.save()
    set_rules(specialist, case.client, email_allowed=True)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/reporting/cases/{case.pk}/feedback/", {"service": "counselling", "channel": "email"})
    assert sent.status_code == 302
    assert mail.outbox[-1].to == ["mari@example.ee"] and "/reporting/feedback/" in mail.outbox[-1].body


def test_someone_outside_the_case_gets_no_link(client, specialist, outsider):
    case = make_case(specialist)
    client.force_login(outsider)
    assert (
        client.post(f"/reporting/cases/{case.pk}/feedback/", {"service": "aid", "channel": "print"}).status_code == 404
    )
    assert not FeedbackInvitation.objects.exists()


def test_results_hide_small_groups_and_show_free_text_to_managers(client, specialist, manager):
    survey = Survey.objects.get(active=True, purpose="client_feedback")
    case = make_case(specialist)
    for index in range(9):
        token = feedback_invite(actor=specialist, case=case, service="counselling")
        feedback_answer(
            token=token,
            language="et",
            answers={
                key[1:]: value
                for key, value in survey_answers(survey, satisfied=4 + index % 2, text=f"Vastus {index}").items()
            },
        )
    token = feedback_invite(actor=specialist, case=case, service="volunteer")
    feedback_answer(token=token, language="et", answers={str(survey.questions.first().pk): 1})
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    page = client.get("/reporting/statistics/feedback/")
    results = page.context["results"]
    services = {line["label"]: line for line in results["services"]}
    assert services["a support person (volunteer)"]["count_text"] == "<5"
    assert services["a support person (volunteer)"]["cells"][0]["value"] is None  # one answer: no average
    assert services["counselling by victim support"]["count_text"] == "x"  # else 10 - 9 gives the one back
    assert results["total"]["count_text"] == "10"
    assert all(cell["value"] is None for cell in services["counselling by victim support"]["cells"])  # hidden count
    assert results["texts"] == sorted(results["texts"])
    assert "Vastus 3" in page.content.decode()  # the manager's own region
    analyst = make_user("analyst")
    client.force_login(analyst)
    national = client.get("/reporting/statistics/feedback/")
    assert national.status_code == 200 and "Vastus 3" not in national.content.decode()


def test_a_quarter_hidden_on_its_page_cannot_be_taken_from_the_year(client, manager):
    """Eighteen answers in the first quarter and two in the second: the year's twenty minus the quarters
    shown would give the two back, so every feedback page of the year is protected at once."""
    survey = Survey.objects.get(active=True, purpose="client_feedback")
    year = timezone.localdate().year
    text = survey.questions.get(kind="text")
    for index, month in enumerate([1] * 6 + [2] * 6 + [3] * 6 + [5] * 2):
        FeedbackResponse.objects.create(
            survey=survey,
            region=region("pohja"),
            service="counselling",
            month=date(year, month, 1),
            language="et",
            answers={str(text.pk): f"Vastus {index}"},
        )
    client.force_login(manager)
    client.cookies["django_language"] = "en"

    texts, withheld = {}, {}

    def shown(**period):
        """The page's number of answers in all and for counselling."""
        page = client.get("/reporting/statistics/feedback/", {"year": year, "region": region("pohja").pk, **period})
        assert page.status_code == 200
        results = page.context["results"]
        texts[period.get("quarter", "year")] = results["texts"]
        withheld[period.get("quarter", "year")] = results["texts_withheld"]
        counselling = next(line for line in results["services"] if line["label"] == "counselling by victim support")
        return results["total"]["count_text"], counselling["count_text"]

    pages = {quarter: shown(period="quarter", quarter=quarter) for quarter in (1, 2, 3, 4)}
    pages["year"] = shown(period="year")
    assert pages[2] == ("<5", "<5")
    for line in (0, 1):  # else 20 - 18 - 0 - 0 = 2
        assert any(not pages[key][line].isdigit() for key in ("year", 1, 3, 4)), pages
    # The year's 20 texts would give the second quarter's two (less the first's, where those are shown).
    assert pages["year"][0] == "20" and texts["year"] == [] and withheld["year"]
    assert texts[2] == []
    months = client.get("/reporting/statistics/feedback/", {"period": "month", "year": year, "month": 5})
    assert months.status_code == 400 and "a quarter or a year" in months.content.decode()
