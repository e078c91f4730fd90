"""A training's participant on a phone (390 px): the code on the screen opens the knowledge check without
login, in Russian if they like; they answer and are thanked; the planner sees that one answer came, not
its score (fewer than five are not shown). Nothing scrolls sideways."""

import pytest
from django.utils import timezone

from prevention.models import ActivityAnswer
from prevention.services import plans as services
from tests.browser.helpers import log_in, no_sideways_scrolling, serious_accessibility_problems
from tests.conftest import screenshot
from tests.factories import make_user
from tests.prevention.test_plans import add, make_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_participant_answers_the_knowledge_check_on_a_phone(phone, page):
    planner = make_user("service_organiser", "pohja")
    plan = services.plan_create(actor=planner, year=timezone.localdate().year, aims="Partnerid teavad.")
    check = make_check()
    activity = add(planner, plan, knowledge_check=check, title="Koolitus " + "Ж" * 180)
    activity = services.answers_open(actor=planner, activity=activity, open=True)

    phone.goto(f"{phone.base_url}/prevention/answer/{activity.answer_key}/before/")
    phone.click("text=по-русски")
    phone.wait_for_selector("text=Знания перед обучением")
    assert no_sideways_scrolling(phone)
    phone.check("input[name=agency][value=police]")
    for question, answer in zip(check.questions.order_by("position"), ["yes", "yes", "yes", "no"], strict=True):
        phone.check(f"input[name=q{question.pk}][value={answer}]")
    screenshot(phone, "training-01-check-390")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("text=Спасибо")
    assert no_sideways_scrolling(phone)
    stored = ActivityAnswer.objects.get()
    assert (stored.score, stored.out_of, stored.agency_kind, stored.language) == (3, 4, "police", "ru")

    log_in(page, planner)
    page.goto(f"{page.base_url}/prevention/activities/{activity.pk}/")
    # One answer: counted, its share not shown (the answers are anonymous).
    assert "alla 5 vastuse: ei näidata" in page.content() and "75%" not in page.content()
    assert no_sideways_scrolling(page)
    assert serious_accessibility_problems(page) == []
    screenshot(page, "training-02-results")
