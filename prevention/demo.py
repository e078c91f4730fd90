"""A demo prevention plan of the current year: a knowledge check on domestic violence, two projects with
spending, and activities: two held (participants by agency, knowledge checked before and after,
feedback), one planned."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from prevention.models import Activity, AnswerPhase, PreventionPlan
from prevention.services import plans as services
from reporting.models import Survey, SurveyPurpose, SurveyQuestion
from victimsupport.history import acting_as
from victimsupport.models import User

CHECK = {
    "code": "teadmised-lahisuhtevagivald-1",
    "title_et": "Lähisuhtevägivald: teadmiste kontroll",
    "title_ru": "Насилие в близких отношениях: проверка знаний",
    "title_en": "Domestic violence: a knowledge check",
}
STATEMENTS = [
    (
        "yes",
        "Kas ohvriabi on tasuta ka siis, kui kuriteost pole politseile teatatud?",
        "Бесплатна ли помощь жертвам, если о преступлении не сообщили в полицию?",
        "Is victim support free even when the crime has not been reported to the police?",
    ),
    (
        "no",
        "Kas MARAC-i suunamiseks on alati vaja ohvri nõusolekut?",
        "Всегда ли нужно согласие жертвы для направления в MARAC?",
        "Is the victim's consent always needed for a MARAC referral?",
    ),
    (
        "yes",
        "Kas lähisuhtevägivald võib olla ka majanduslik kontroll?",
        "Может ли насилие в близких отношениях быть и экономическим контролем?",
        "Can domestic violence also be economic control?",
    ),
    (
        "no",
        "Kas vägivald lõpeb tavaliselt iseenesest, kui paar kolib kokku?",
        "Прекращается ли насилие обычно само, когда пара съезжается?",
        "Does violence usually stop by itself when a couple moves in together?",
    ),
]
# (phase, right answers of the four, how many answered so)
ANSWERS = [("before", 2, 9), ("before", 3, 6), ("after", 3, 5), ("after", 4, 10)]


def _check() -> Survey:
    survey = Survey.objects.filter(code=CHECK["code"]).first()
    if survey is None:
        survey = Survey.objects.create(purpose=SurveyPurpose.KNOWLEDGE_CHECK, active=True, **CHECK)
        for position, (right, text_et, text_ru, text_en) in enumerate(STATEMENTS, start=1):
            SurveyQuestion.objects.create(
                survey=survey,
                position=position,
                kind="yes_no",
                required=True,
                correct_answer=right,
                text_et=text_et,
                text_ru=text_ru,
                text_en=text_en,
            )
    return survey


def _answers(activity: Activity, check: Survey) -> None:
    statements = list(check.questions.all())
    kinds = activity.audiences
    for number, (phase, right, count) in enumerate(ANSWERS):
        for index in range(count):
            answers = {
                q.pk: q.correct_answer if i < right else ("no" if q.correct_answer == "yes" else "yes")
                for i, q in enumerate(statements)
            }
            services.answer_submit(
                activity=activity,
                phase=phase,
                language="ru" if index % 5 == 0 else "et",
                agency_kind=kinds[(number + index) % len(kinds)],
                answers=answers,
            )
    feedback = list(activity.feedback_survey.questions.all()) if activity.feedback_survey else []
    for index in range(12):
        answers = {q.pk: (4 + index % 2 if q.kind == "scale" else "yes") for q in feedback if q.kind != "text"}
        services.answer_submit(
            activity=activity,
            phase=AnswerPhase.FEEDBACK,
            language="et",
            agency_kind=kinds[index % len(kinds)],
            answers=answers,
        )


def seed(stdout) -> None:
    today = timezone.localdate()
    # The held activities lie in the past whatever the day: the plan is of the year of the first one.
    first = today - timedelta(days=80)
    year = first.year
    second = min(today - timedelta(days=40), date(year, 12, 31))
    planned = min(today + timedelta(days=30), date(year, 12, 31))
    if PreventionPlan.objects.filter(year=year).exists():
        stdout.write("prevention: the demo plan exists already, nothing to do")
        return
    organiser = User.objects.filter(username="teenused").first()
    trainer = User.objects.filter(username="spets.pohja").first()
    if organiser is None or trainer is None:
        return
    check = _check()
    with acting_as(organiser), transaction.atomic():
        plan = services.plan_create(
            actor=organiser,
            year=year,
            aims="Partnerid tunnevad lähisuhtevägivalla märke ja oskavad ohvri abi juurde suunata.\n"
            "Iga maakonna politsei ja kohaliku omavalitsuse töötajad on koolitatud.",
        )
        police = services.project_create(
            actor=organiser,
            plan=plan,
            name="Politsei ja KOV-i koolitused",
            aim="Eesliini töötajad suunavad ohvrid abi juurde.",
            method="Poolepäevased koolitused maakondades, teadmiste kontroll enne ja pärast.",
            starts_on=date(year, 1, 1),
            ends_on=date(year, 12, 31),
            budget=Decimal("12000.00"),
            lead=organiser,
        )
        campaign = services.project_create(
            actor=organiser,
            plan=plan,
            name="Teavituskampaania „Abi on olemas“",
            aim="Inimesed teavad, kust abi saada.",
            method="Plakatid, sotsiaalmeedia, infopäevad.",
            starts_on=date(year, 1, 1),
            ends_on=date(year, 12, 31),
            budget=Decimal("5000.00"),
            lead=organiser,
        )
        services.expense_record(
            actor=organiser,
            project=police,
            spent_on=first,
            description="Ruumi rent, Tartu",
            amount=Decimal("350.00"),
        )
        services.expense_record(
            actor=organiser,
            project=campaign,
            spent_on=second,
            description="Plakatite trükk",
            amount=Decimal("1840.50"),
        )
        common = {"trainer": trainer, "trainer_name": "", "ends_on": None, "notes": ""}
        feedback = Survey.objects.filter(purpose=SurveyPurpose.TRAINING_FEEDBACK, active=True).first()
        held = []
        for title, held_on, place, audiences in [
            ("Lähisuhtevägivalla märkamine", first, "Tartu politseimaja", ["police", "local_government"]),
            ("Ohvri suunamine abi juurde", second, "", ["local_government", "child_protection"]),
        ]:
            activity = services.activity_create(
                actor=organiser,
                plan=plan,
                kind="training",
                title=title,
                topic="domestic_violence",
                audiences=audiences,
                held_on=held_on,
                online=not place,
                place=place,
                feedback_survey=feedback,
                knowledge_check=check,
                project=police,
                **common,
            )
            held.append(activity)
        services.activity_create(
            actor=organiser,
            plan=plan,
            kind="information_event",
            title="Abi on olemas: infopäev",
            topic="victims_rights",
            audiences=["other"],
            held_on=planned,
            online=False,
            place="Narva raamatukogu",
            feedback_survey=feedback,
            **{**common, "trainer": None, "trainer_name": "Mari Maasikas, MTÜ Tugi"},
            **{"knowledge_check": None, "project": campaign},
        )
        for activity in held:
            activity = services.answers_open(actor=organiser, activity=activity, open=True)
            _answers(activity, check)
            services.answers_open(actor=organiser, activity=activity, open=False)
            activity = services.activity_held(actor=organiser, activity=activity)
            counts = {kind: 8 + 3 * index for index, kind in enumerate(activity.audiences)}
            services.participants_record(
                actor=organiser, activity=activity, expected_version=activity.version, counts=counts
            )
    stdout.write("prevention: a demo plan with two projects and three activities")
