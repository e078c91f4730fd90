"""The prevention plan: projects with budget and spending, activities checked against the plan's year
and the project's timeline (every problem at once), held and cancelled, participants by agency, the
participants' anonymous answers through the activity's links (scored knowledge checks before and after,
feedback), and the effectiveness per topic and audience."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from prevention import selectors
from prevention.forms import ActivityForm
from prevention.models import ActivityAnswer, Material, Participation
from prevention.services import plans as services
from reporting.feedback import feedback_invite
from reporting.models import FeedbackInvitation, Survey, SurveyQuestion
from tests.factories import make_user
from victimsupport.concurrency import ConcurrentEdit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def planner(db):
    return make_user("service_organiser", "pohja", first_name="Pille", last_name="Planeerija")


@pytest.fixture
def plan(planner):
    return services.plan_create(actor=planner, year=YEAR, aims="Partnerid märkavad vägivalda.")


@pytest.fixture
def project(planner, plan):
    return services.project_create(
        actor=planner,
        plan=plan,
        name="Politsei koolitused",
        aim="Eesliin suunab abi juurde.",
        method="Koolitused maakondades.",
        starts_on=date(YEAR, 1, 1),
        ends_on=date(YEAR, 12, 31),
        budget=Decimal("1000.00"),
        lead=planner,
    )


@pytest.fixture
def check(db):
    return make_check()


def make_check() -> Survey:
    """A knowledge check of four statements: yes, no, yes, no are right."""
    survey = Survey.objects.create(code="kontroll", purpose="knowledge_check", active=True, title_et="Kontroll")
    for position, right in enumerate(["yes", "no", "yes", "no"], start=1):
        SurveyQuestion.objects.create(
            survey=survey,
            position=position,
            kind="yes_no",
            required=True,
            correct_answer=right,
            text_et=f"Väide {position}?",
            text_ru=f"Утверждение {position}?",
            text_en=f"Statement {position}?",
        )
    return survey


@pytest.fixture
def feedback(db):
    return Survey.objects.get(purpose="training_feedback", active=True)


def fields(**overrides):
    values = {
        "title": "Lähisuhtevägivalla märkamine",
        "kind": "training",
        "topic": "domestic_violence",
        "audiences": ["police", "local_government"],
        "held_on": TODAY,
        "ends_on": None,
        "place": "Tartu",
        "online": False,
        "trainer": None,
        "trainer_name": "Mari Maasikas",
        "project": None,
        "knowledge_check": None,
        "feedback_survey": None,
        "notes": "",
    }
    return values | overrides


def add(planner, plan, **overrides):
    return services.activity_create(actor=planner, plan=plan, **fields(**overrides))


def answer(client, activity, phase, data, language="et"):
    url = reverse("prevention:answer", args=[activity.answer_key, phase])
    return client.post(f"{url}?lang={language}", data)


class TestPlanAndProjects:
    def test_one_plan_a_year_and_only_planners(self, planner, plan, specialist):
        with pytest.raises(ValidationError) as error:
            services.plan_create(actor=planner, year=YEAR, aims="Teine")
        assert "year" in error.value.message_dict
        with pytest.raises(PermissionDenied):
            services.plan_create(actor=specialist, year=YEAR + 1, aims="Minu plaan")
        with pytest.raises(PermissionDenied):
            services.expense_record(actor=specialist, project=None, spent_on=TODAY, description="x", amount=Decimal(1))

    def test_spending_corrections_and_over_budget(self, planner, plan, project):
        services.expense_record(
            actor=planner, project=project, spent_on=TODAY, description="Ruum", amount=Decimal("700")
        )
        services.expense_record(
            actor=planner, project=project, spent_on=TODAY, description="Toitlustus", amount=Decimal("450.50")
        )
        services.expense_record(
            actor=planner, project=project, spent_on=TODAY, description="Parandus", amount=Decimal("-50.50")
        )
        for bad in ({"spent_on": TODAY + timedelta(days=1)}, {"amount": Decimal(0)}):
            values = {"spent_on": TODAY, "description": "Vale", "amount": Decimal(10)} | bad
            with pytest.raises(ValidationError) as error:
                services.expense_record(actor=planner, project=project, **values)
            assert set(error.value.message_dict) == set(bad)
        (row,) = selectors.plan_projects(plan)
        assert (row.spent, row.remaining) == (Decimal("1100.00"), Decimal("-100.00"))
        (listed,) = selectors.plan_list()
        assert (listed.projects_count, listed.budget) == (1, Decimal("1000.00"))

    def test_a_project_keeps_its_activities_inside_its_timeline(self, planner, plan, project):
        add(planner, plan, project=project, held_on=min(date(YEAR, 6, 1), TODAY))
        with pytest.raises(ValidationError) as error:
            services.project_update(
                actor=planner,
                project=project,
                expected_version=project.version,
                **{name: getattr(project, name) for name in services.PROJECT_FIELDS}
                | {"starts_on": date(YEAR, 12, 30), "ends_on": date(YEAR, 12, 31)},
            )
        assert "Lähisuhtevägivalla märkamine" in str(error.value)


class TestActivities:
    def test_every_problem_at_once(self, planner, plan, project, feedback, check):
        other = services.plan_create(actor=planner, year=YEAR + 1, aims="Järgmine aasta")
        with pytest.raises(ValidationError) as error:
            add(
                planner,
                other,
                project=project,
                trainer_name="  ",
                place="",
                held_on=date(YEAR, 3, 1),
                knowledge_check=feedback,
                feedback_survey=check,
            )
        assert {"held_on", "project", "trainer", "place", "knowledge_check", "feedback_survey"} <= set(
            error.value.message_dict
        )
        with pytest.raises(ValidationError) as error:
            add(planner, plan, project=project, audiences=[], held_on=date(YEAR, 1, 1), ends_on=date(YEAR - 1, 1, 1))
        assert {"audiences", "ends_on"} <= set(error.value.message_dict)
        online = add(planner, plan, place="", online=True, trainer=make_user("specialist", "pohja"))
        assert online.trainer_label.startswith("Test")

    def test_a_knowledge_check_needs_statements_with_a_right_answer(self, planner, plan, check):
        check.questions.update(correct_answer="")
        with pytest.raises(ValidationError) as error:
            add(planner, plan, knowledge_check=check)
        assert "knowledge_check" in error.value.message_dict

    def test_held_on_its_day_cancelled_only_when_planned_and_unanswered(self, planner, plan, feedback):
        later = add(planner, plan, held_on=min(TODAY + timedelta(days=1), date(YEAR, 12, 31)))
        if later.held_on > TODAY:
            with pytest.raises(ValidationError):
                services.activity_held(actor=planner, activity=later)
        activity = add(planner, plan, feedback_survey=feedback)
        services.answers_open(actor=planner, activity=activity, open=True)
        services.answer_submit(activity=activity, phase="feedback", language="et", agency_kind="", answers={})
        with pytest.raises(ValidationError):
            services.activity_cancel(actor=planner, activity=activity)
        services.activity_held(actor=planner, activity=activity)
        with pytest.raises(ValidationError):
            services.activity_held(actor=planner, activity=activity)
        # The forms stay as they were once answered.
        with pytest.raises(ValidationError):
            services.activity_update(
                actor=planner,
                activity=activity,
                expected_version=activity.version,
                **fields(feedback_survey=None),
            )
        cancelled = services.activity_cancel(actor=planner, activity=add(planner, plan))
        assert cancelled.is_cancelled and not cancelled.answers_open
        with pytest.raises(ValidationError):
            services.activity_update(
                actor=planner, activity=cancelled, expected_version=cancelled.version, **fields(title="Uus")
            )
        with pytest.raises(ValidationError):
            services.answers_open(actor=planner, activity=cancelled, open=True)

    def test_participants_by_agency_replace_and_refuse_a_stale_page(self, planner, plan):
        activity = add(planner, plan)
        with pytest.raises(ValidationError):
            services.participants_record(
                actor=planner, activity=activity, expected_version=activity.version, counts={"police": 3}
            )
        activity = services.activity_held(actor=planner, activity=activity)
        seen = activity.version
        services.participants_record(
            actor=planner, activity=activity, expected_version=seen, counts={"police": 12, "health": 3}
        )
        with pytest.raises(ConcurrentEdit):
            services.participants_record(actor=planner, activity=activity, expected_version=seen, counts={})
        with pytest.raises(ValidationError):
            services.participants_record(
                actor=planner, activity=activity, expected_version=activity.version, counts={"police": -1}
            )
        services.participants_record(
            actor=planner, activity=activity, expected_version=activity.version, counts={"police": 10, "health": 0}
        )
        assert list(Participation.objects.values_list("agency_kind", "count")) == [("police", 10)]

    def test_the_pages_save_what_was_typed(self, client, planner, plan, project):
        client.force_login(planner)
        url = reverse("prevention:activity-add", args=[YEAR])
        data = {
            "title": "Koolitus KOV-idele",
            "kind": "training",
            "topic": "children",
            "audiences": ["local_government", "child_protection"],
            "held_on": f"31.12.{YEAR - 1}",
            "place": "",
            "trainer_name": "",
        }
        response = client.post(url, data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "Koolitus KOV-idele" in page and 'value="child_protection"' in page
        for message in ("Choose a trainer from staff", "Write the place, or tick online", f"held in {YEAR}"):
            assert message in page
        response = client.post(url, data | {"held_on": f"02.01.{YEAR}", "place": "Narva", "trainer_name": "Mari"})
        assert response.status_code == 302
        activity = plan.activities.get()
        assert (activity.held_on, activity.audiences) == (date(YEAR, 1, 2), ["local_government", "child_protection"])
        response = client.post(
            reverse("prevention:expense-add", args=[project.pk]),
            {"spent_on": TODAY.strftime("%d.%m.%Y"), "description": "Ruum", "amount": "1 234.50 €"},
        )
        assert response.status_code == 302
        assert project.expenses.get().amount == Decimal("1234.50")


class TestAnswers:
    def test_answers_only_through_an_open_link(self, client, planner, plan, check, feedback):
        activity = add(planner, plan, knowledge_check=check)
        url = reverse("prevention:answer", args=[activity.answer_key, "before"])
        assert client.get(url).status_code == 410  # not taking answers yet
        services.answers_open(actor=planner, activity=activity, open=True)
        assert client.get(url).status_code == 200
        assert client.get(reverse("prevention:answer", args=[activity.answer_key, "feedback"])).status_code == 410
        assert client.get(reverse("prevention:answer", args=[activity.answer_key, "during"])).status_code == 410
        assert client.get(reverse("prevention:answer", args=["x" + activity.answer_key, "before"])).status_code == 410
        services.answers_open(actor=planner, activity=activity, open=False)
        assert client.get(url).status_code == 410

    def test_a_knowledge_check_is_scored_and_answered_once_per_browser(self, client, planner, plan, check):
        activity = services.answers_open(actor=planner, activity=add(planner, plan, knowledge_check=check), open=True)
        questions = list(check.questions.order_by("position"))
        given = dict(zip((f"q{q.pk}" for q in questions), ["yes", "yes", "yes", "yes"], strict=True))
        response = answer(client, activity, "before", {"agency": "police"} | dict(list(given.items())[:3]))
        assert response.status_code == 400  # every statement is required; nothing stored
        assert not ActivityAnswer.objects.exists()
        response = answer(client, activity, "before", {"agency": "police"} | given, language="ru")
        assert response.status_code == 302
        stored = ActivityAnswer.objects.get()
        assert (stored.phase, stored.score, stored.out_of, stored.agency_kind, stored.language) == (
            "before",
            2,
            4,
            "police",
            "ru",
        )
        again = client.get(reverse("prevention:answer", args=[activity.answer_key, "before"]))
        assert "juba vastanud" in again.content.decode()  # Estonian unless asked otherwise
        assert answer(client, activity, "before", given).status_code == 200
        assert ActivityAnswer.objects.count() == 1
        # The after check is another link: answered in the same browser.
        right = dict(zip(given, ["yes", "no", "yes", "no"], strict=True))
        assert answer(client, activity, "after", {"agency": "nobody"} | right).status_code == 400
        assert answer(client, activity, "after", {"agency": ""} | right).status_code == 302
        after = ActivityAnswer.objects.get(phase="after")
        assert (after.score, after.agency_kind) == (4, "")

    def test_the_page_speaks_the_participants_language(self, client, planner, plan, check):
        activity = services.answers_open(actor=planner, activity=add(planner, plan, knowledge_check=check), open=True)
        url = reverse("prevention:answer", args=[activity.answer_key, "after"])
        page = client.get(url + "?lang=ru").content.decode()
        assert "Знания после обучения" in page and "Где вы работаете?" in page and "Утверждение 1?" in page
        assert "Mari Maasikas" not in page  # the trainer is not the participants' business

    def test_many_answers_from_one_address_are_limited(self, client, planner, plan, feedback, settings):
        settings.TRAINING_ANSWERS_PER_HOUR = 2
        activity = services.answers_open(
            actor=planner, activity=add(planner, plan, feedback_survey=feedback), open=True
        )
        required = {f"q{q.pk}": "4" for q in feedback.questions.filter(required=True)}
        statuses = []
        for _ in range(3):
            client.cookies.clear()
            statuses.append(answer(client, activity, "feedback", required).status_code)
        assert statuses == [302, 302, 429]
        assert ActivityAnswer.objects.count() == 2

    def test_client_feedback_keeps_its_own_survey(self, specialist, case, feedback):
        """A training's feedback form is active beside the clients' one: links to clients use theirs."""
        feedback_invite(actor=specialist, case=case, service="counselling")
        assert FeedbackInvitation.objects.get().survey.purpose == "client_feedback"
        Survey.objects.create(code="koolitus-2", purpose="training_feedback", active=True, title_et="Teine")
        with pytest.raises(IntegrityError), transaction.atomic():
            Survey.objects.create(code="klient-2", purpose="client_feedback", active=True, title_et="Teine")
        with pytest.raises(IntegrityError), transaction.atomic():
            SurveyQuestion.objects.create(survey=feedback, position=99, kind="scale", correct_answer="yes")
        assert not feedback.has_answers()


class TestEffectiveness:
    def test_per_topic_and_audience_compared_where_checked_before_and_after(self, planner, plan, check, feedback):
        def run(topic, audiences, scores, ratings, participants):
            """scores: (phase, agency, right answers of four, how many answered so)"""
            activity = add(
                planner, plan, topic=topic, audiences=audiences, knowledge_check=check, feedback_survey=feedback
            )
            activity = services.answers_open(actor=planner, activity=activity, open=True)
            statements = list(check.questions.order_by("position"))
            scale = feedback.questions.filter(kind="scale").first()
            for phase, agency, right, times in sorted(scores, key=lambda row: row[0] != "before"):
                if phase == "after" and activity.is_planned:
                    activity = services.activity_held(actor=planner, activity=activity)
                given = {
                    q.pk: q.correct_answer if i < right else ("no" if q.correct_answer == "yes" else "yes")
                    for i, q in enumerate(statements)
                }
                for _ in range(times):
                    answer = services.answer_submit(
                        activity=activity, phase=phase, language="et", agency_kind=agency, answers=given
                    )
                    assert answer is not None
            for agency, rating, times in ratings:
                for _ in range(times):
                    services.answer_submit(
                        activity=activity,
                        phase="feedback",
                        language="et",
                        agency_kind=agency,
                        answers={scale.pk: rating},
                    )
            if activity.is_planned:
                activity = services.activity_held(actor=planner, activity=activity)
            services.participants_record(
                actor=planner, activity=activity, expected_version=activity.version, counts=participants
            )

        run(
            "domestic_violence",
            ["police"],
            [("before", "police", 1, 5), ("before", "police", 2, 5), ("after", "police", 4, 5), ("after", "", 3, 5)],
            [("police", 5, 5), ("", 3, 5), ("health", 4, 1)],
            {"police": 20},
        )
        # Children: one group checked only before, another only after: nothing to compare.
        run("children", ["child_protection", "police"], [("before", "child_protection", 2, 5)], [], {"police": 4})
        run("children", ["police"], [("after", "police", 4, 5)], [], {"police": 6})
        services.activity_cancel(actor=planner, activity=add(planner, plan, topic="crisis"))
        add(planner, plan, topic="trafficking")  # planned: not counted

        figures = selectors.effectiveness(YEAR)
        topics = {row.label: row for row in figures["topics"]}
        assert set(topics) == {"domestic violence", "children as victims and witnesses"}
        violence = topics["domestic violence"]
        assert (violence.activities, violence.participants) == (1, 20)
        assert (violence.before.percent, violence.after.percent, violence.change) == (38, 88, 50)
        assert (violence.rating, violence.feedback) == ("4,0", 11)
        children = topics["children as victims and witnesses"]
        assert (children.before.percent, children.after.percent, children.change) == (50, 100, None)
        audiences = {row.label: row for row in figures["audiences"]}
        police = audiences["police"]
        assert (police.activities, police.participants) == (3, 30)
        assert (police.before.percent, police.after.percent, police.change, police.rating) == (38, 100, 62, "5,0")
        protection = audiences["child protection"]
        assert (protection.before.percent, protection.participants, protection.change) == (50, 0, None)
        # One answer from health care: counted, never shown.
        health = audiences["health care"]
        assert (health.feedback, health.rating, health.activities) == (1, "", 0)
        assert audiences["not said"].after.percent == 75 and audiences["not said"].rating == "3,0"
        total = figures["total"]
        assert (total.activities, total.participants, total.before.count, total.change) == (3, 30, 15, 50)
        assert selectors.effectiveness(YEAR + 1)["topics"] == []

    def test_an_activity_with_few_answers_shows_no_shares_ratings_or_texts(self, planner, plan, check, feedback):
        activity = add(planner, plan, knowledge_check=check, feedback_survey=feedback)
        activity = services.answers_open(actor=planner, activity=activity, open=True)
        text = feedback.questions.get(kind="text")
        for _ in range(4):
            services.answer_submit(
                activity=activity, phase="feedback", language="et", agency_kind="", answers={text.pk: "Mina, Mari"}
            )
            services.answer_submit(activity=activity, phase="before", language="et", agency_kind="", answers={})
        results = selectors.activity_results(activity)
        assert results["feedback_hidden"] and results["questions"] == []
        assert results["effect"].before.percent is None and results["effect"].before.count == 4
        assert all(row["before"] is None for row in results["statements"])
        services.answer_submit(activity=activity, phase="feedback", language="et", agency_kind="", answers={})
        services.answer_submit(activity=activity, phase="before", language="et", agency_kind="", answers={})
        results = selectors.activity_results(activity)
        texts = next(line for line in results["questions"] if line["kind"] == "text")
        assert texts["texts"] == ["Mina, Mari"] * 4
        assert results["effect"].before.percent == 0 and results["statements"][0]["before"] == 0


class TestLinksFollowTheActivity:
    def test_before_while_planned_after_and_feedback_from_its_day(self, client, planner, plan, check, feedback):
        later = min(TODAY + timedelta(days=1), date(YEAR, 12, 31))
        activity = add(planner, plan, knowledge_check=check, feedback_survey=feedback, held_on=later)
        activity = services.answers_open(actor=planner, activity=activity, open=True)

        def status(phase, key=activity.answer_key):
            return client.get(reverse("prevention:answer", args=[key, phase])).status_code

        assert status("before") == 200
        if later > TODAY:
            assert (status("after"), status("feedback")) == (410, 410)  # not before its day
        activity = services.activity_update(
            actor=planner,
            activity=activity,
            expected_version=activity.version,
            **fields(held_on=TODAY) | {"knowledge_check": check, "feedback_survey": feedback},
        )
        services.activity_held(actor=planner, activity=activity)
        assert (status("before"), status("after"), status("feedback")) == (410, 200, 200)
        assert status("after", key="a\x00b") == 410  # no key: the same answer, never an error

    def test_a_check_without_statements_takes_no_answers(self, client, planner, plan, check):
        activity = services.answers_open(actor=planner, activity=add(planner, plan, knowledge_check=check), open=True)
        SurveyQuestion.objects.filter(survey=check).update(correct_answer="")
        assert client.get(reverse("prevention:answer", args=[activity.answer_key, "before"])).status_code == 410
        assert (
            services.answer_submit(activity=activity, phase="before", language="et", agency_kind="", answers={}) is None
        )

    def test_answers_to_a_form_that_changed_meanwhile_are_not_stored(self, planner, plan, check, feedback):
        activity = services.answers_open(
            actor=planner, activity=add(planner, plan, feedback_survey=feedback), open=True
        )
        kept = services.answer_submit(
            activity=activity, phase="feedback", language="et", agency_kind="", answers={}, survey_id=feedback.pk
        )
        lost = services.answer_submit(
            activity=activity, phase="feedback", language="et", agency_kind="", answers={}, survey_id=check.pk
        )
        assert kept is not None and lost is None


class TestEditsKeepWhatIsThere:
    def test_a_trainer_who_left_and_a_withdrawn_material_stay(self, planner, plan):
        trainer = make_user("specialist", "pohja")
        activity = add(planner, plan, trainer=trainer, trainer_name="")
        material = Material.objects.create(
            title="Juhend",
            kind="guide",
            audience="ohvrid",
            summary="S",
            owner=planner,
            created_by=planner,
            review_due_on=TODAY + timedelta(days=30),
            status="withdrawn",
        )
        activity.materials.add(material)
        trainer.is_active = False
        trainer.save()
        form = ActivityForm(user=planner, plan=plan, instance=activity)
        assert trainer in form.fields["trainer"].queryset and material in form.fields["chosen_materials"].queryset
        assert form.initial["chosen_materials"] == [material.pk]
        services.activity_update(
            actor=planner,
            activity=activity,
            expected_version=activity.version,
            materials=[material],
            **fields(trainer=trainer, trainer_name="", notes="Parandus"),
        )
        assert list(activity.materials.all()) == [material]
        with pytest.raises(ValidationError) as error:
            add(planner, plan, trainer=trainer, trainer_name="")
        assert "trainer" in error.value.message_dict

    def test_dates_of_held_activities_and_projects(self, planner, plan, project):
        activity = services.activity_held(actor=planner, activity=add(planner, plan, project=project))
        services.activity_cancel(actor=planner, activity=add(planner, plan, project=project, held_on=date(YEAR, 1, 1)))
        if date(YEAR, 12, 31) > TODAY:
            with pytest.raises(ValidationError) as error:
                services.activity_update(
                    actor=planner,
                    activity=activity,
                    expected_version=activity.version,
                    **fields(project=project, held_on=date(YEAR, 12, 31)),
                )
            assert "held_on" in error.value.message_dict
            activity.refresh_from_db()  # a refused edit leaves the stored row as it was
        with pytest.raises(ValidationError) as error:
            services.activity_update(
                actor=planner,
                activity=activity,
                expected_version=activity.version,
                **fields(project=project, ends_on=date(YEAR + 1, 1, 5)),
            )
        assert "The project runs from" in str(error.value)
        # A cancelled activity on 1 January does not keep the project from starting on the held one's day.
        project_fields = {name: getattr(project, name) for name in services.PROJECT_FIELDS}
        services.project_update(
            actor=planner, project=project, expected_version=project.version, **(project_fields | {"starts_on": TODAY})
        )
        project.refresh_from_db()
        project_fields = {name: getattr(project, name) for name in services.PROJECT_FIELDS}
        for bad, field in (
            ({"ends_on": TODAY - timedelta(days=1)}, "ends_on"),
            ({"starts_on": date(YEAR + 5, 1, 1), "ends_on": date(YEAR + 6, 1, 1)}, "starts_on"),
        ):
            project.refresh_from_db()  # a refused edit leaves the stored row as it was
            with pytest.raises(ValidationError) as error:
                services.project_update(
                    actor=planner, project=project, expected_version=project.version, **(project_fields | bad)
                )
            assert field in error.value.message_dict and "Constraint" not in str(error.value)
        with pytest.raises(ValidationError) as error:
            services.project_create(actor=planner, plan=plan, **project_fields)
        assert list(error.value.message_dict) == ["name"]

    def test_one_message_per_problem(self, planner, plan, feedback):
        with pytest.raises(ValidationError) as error:
            add(planner, plan, knowledge_check=feedback)
        assert error.value.message_dict["knowledge_check"] == ["Choose a form made for this."]

    def test_corrections_take_back_at_most_what_was_spent(self, planner, project):
        with pytest.raises(ValidationError):
            services.expense_record(
                actor=planner, project=project, spent_on=TODAY, description="Parandus", amount=Decimal("-1")
            )
        services.expense_record(actor=planner, project=project, spent_on=TODAY, description="Ruum", amount=Decimal(5))
        services.expense_record(
            actor=planner, project=project, spent_on=TODAY, description="Parandus", amount=Decimal(-5)
        )
        assert project.expenses.count() == 2

    def test_participants_have_history(self, planner, plan):
        activity = services.activity_held(actor=planner, activity=add(planner, plan))
        activity = services.participants_record(
            actor=planner, activity=activity, expected_version=activity.version, counts={"police": 3}
        )
        services.participants_record(
            actor=planner, activity=activity, expected_version=activity.version, counts={"police": 4}
        )
        assert list(Participation.history.order_by("history_id").values_list("count", "history_type")) == [
            (3, "+"),
            (4, "~"),
        ]


class TestConcurrentEdits:
    def test_typed_counts_and_chosen_materials_survive_a_conflict(self, client, planner, plan):
        activity = services.activity_held(actor=planner, activity=add(planner, plan))
        seen = activity.version
        services.participants_record(actor=planner, activity=activity, expected_version=seen, counts={"police": 3})
        client.force_login(planner)
        response = client.post(
            reverse("prevention:participants", args=[activity.pk]), {"version": seen, "police": "5", "health": "2"}
        )
        assert response.status_code == 409
        page = response.content.decode()
        assert 'name="police" value="5"' in page and 'name="health" value="2"' in page
        assert re.search(r"<td[^>]*>Police</td><td[^>]*>5</td><td[^>]*>3</td>", page)
        material = Material.objects.create(
            title="Voldik",
            kind="leaflet",
            audience="ohvrid",
            summary="S",
            owner=planner,
            created_by=planner,
            review_due_on=TODAY + timedelta(days=30),
        )
        activity.refresh_from_db()
        data = {
            "version": activity.version - 1,
            "title": activity.title,
            "kind": "training",
            "topic": "domestic_violence",
            "audiences": ["police"],
            "held_on": TODAY.strftime("%d.%m.%Y"),
            "place": "Tartu",
            "trainer_name": "Mari",
            "chosen_materials": [material.pk],
        }
        response = client.post(reverse("prevention:activity-edit", args=[activity.pk]), data)
        assert response.status_code == 409
        page = response.content.decode()
        assert f'value="{material.pk}" checked' in page.replace("\n", " ") or (
            f'value="{material.pk}"' in page and "checked" in page
        )
        assert re.search(r"<td[^>]*>Materials</td><td[^>]*>Voldik</td>", page.replace("\n", ""))


def test_the_admin_keeps_the_purpose_of_a_survey_in_use(planner, plan, check, rf):
    from django.contrib.admin.sites import site

    from reporting.admin import SurveyAdmin

    admin = SurveyAdmin(Survey, site)
    assert admin.get_readonly_fields(rf.get("/"), check) == ()
    add(planner, plan, knowledge_check=check)
    assert admin.get_readonly_fields(rf.get("/"), check) == ("purpose",)


def test_specialists_see_no_link_to_the_plans(client, specialist, planner):
    client.force_login(specialist)
    page = client.get(reverse("prevention:material-list")).content.decode()
    assert reverse("prevention:plan-list") + '"' not in page.split("<main", 1)[1]
    client.force_login(planner)
    page = client.get(reverse("prevention:material-list")).content.decode()
    assert 'href="' + reverse("prevention:plan-list") + '"' in page.split("<main", 1)[1]
