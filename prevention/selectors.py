"""Reads of materials (the staff's list, and what the public sees: published, not withdrawn, the
published version's files) and of the prevention plan (projects with their spending, activities with
their participants, the answers' results and the effectiveness per topic and audience)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from marac.models import AgencyKind
from prevention.models import (
    Activity,
    ActivityAnswer,
    ActivityStatus,
    AnswerPhase,
    Expense,
    Material,
    MaterialFile,
    MaterialStatus,
    Participation,
    PreventionPlan,
    Project,
    Topic,
)
from reporting.models import QuestionKind, SurveyQuestion


def material_list(*, status: str = "", overdue: bool = False) -> QuerySet[Material]:
    materials = Material.objects.select_related("owner")
    if status:
        materials = materials.filter(status=status)
    if overdue:
        materials = materials.filter(review_due_on__lt=timezone.localdate()).exclude(status=MaterialStatus.WITHDRAWN)
    return materials.order_by("title", "id")


def public_materials(language: str = "") -> QuerySet[Material]:
    files = MaterialFile.objects.filter(number=F("material__published_version")).order_by("language")
    if language:
        files = files.filter(language=language)
    materials = (
        Material.objects.filter(published_version__isnull=False)
        .exclude(status=MaterialStatus.WITHDRAWN)
        .prefetch_related(Prefetch("files", queryset=files, to_attr="public_files"))
        .order_by("published_title", "id")
    )
    if language:
        materials = materials.filter(files__language=language, files__number=F("published_version")).distinct()
    return materials


def public_file(material_id: int, language: str) -> MaterialFile | None:
    return (
        MaterialFile.objects.filter(
            material_id=material_id,
            language=language,
            number=F("material__published_version"),
            material__published_version__isnull=False,
        )
        .exclude(material__status=MaterialStatus.WITHDRAWN)
        .first()
    )


# --- the plan, projects, activities ---

ANSWER_KEY = re.compile(r"[A-Za-z0-9_-]{1,32}")
ACTIVITY_SORTS = {
    "date": ("held_on", "id"),
    "-date": ("-held_on", "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "topic": ("topic", "held_on", "id"),
    "-topic": ("-topic", "-held_on", "-id"),
    "status": ("status", "held_on", "id"),
    "-status": ("-status", "-held_on", "-id"),
}
DEFAULT_ACTIVITY_SORT = "date"


def plan_list() -> QuerySet[PreventionPlan]:
    activities = Activity.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
    projects = Project.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
    return PreventionPlan.objects.annotate(
        activities_count=Coalesce(Subquery(activities.annotate(n=Count("id")).values("n")[:1]), 0),
        held_count=Coalesce(
            Subquery(activities.filter(status=ActivityStatus.HELD).annotate(n=Count("id")).values("n")[:1]), 0
        ),
        projects_count=Coalesce(Subquery(projects.annotate(n=Count("id")).values("n")[:1]), 0),
        budget=Coalesce(Subquery(projects.annotate(total=Sum("budget")).values("total")[:1]), Decimal(0)),
    ).order_by("-year")


def plan_projects(plan: PreventionPlan) -> list[Project]:
    spent = Expense.objects.filter(project=OuterRef("pk")).order_by().values("project")
    activities = Activity.objects.filter(project=OuterRef("pk")).order_by().values("project")
    projects = list(
        plan.projects.select_related("lead").annotate(
            spent=Coalesce(Subquery(spent.annotate(total=Sum("amount")).values("total")[:1]), Decimal(0)),
            activities_count=Coalesce(Subquery(activities.annotate(n=Count("id")).values("n")[:1]), 0),
        )
    )
    for project in projects:
        project.remaining = project.budget - project.spent
    return projects


def with_participants(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    participants = Participation.objects.filter(activity=OuterRef("pk")).order_by().values("activity")
    return activities.annotate(
        participants_total=Coalesce(Subquery(participants.annotate(n=Sum("count")).values("n")[:1]), 0)
    )


def activity_list(
    *, year: int | None = None, topic: str = "", kind: str = "", status: str = "", audience: str = "", sort: str = ""
) -> QuerySet[Activity]:
    activities = with_participants(Activity.objects.select_related("plan", "trainer"))
    if year:
        activities = activities.filter(plan__year=year)
    if topic:
        activities = activities.filter(topic=topic)
    if kind:
        activities = activities.filter(kind=kind)
    if status:
        activities = activities.filter(status=status)
    if audience:
        activities = activities.filter(audiences__contains=[audience])
    return activities.order_by(*ACTIVITY_SORTS.get(sort, ACTIVITY_SORTS[DEFAULT_ACTIVITY_SORT]))


def activity_for_answers(key: str) -> Activity | None:
    if not ANSWER_KEY.fullmatch(key):  # what new_answer_key makes; anything else (a NUL byte) is no key
        return None
    return Activity.objects.select_related("feedback_survey", "knowledge_check").filter(answer_key=key).first()


# --- results and effectiveness ---


# Fewer answers than this in a group: no share, no rating, no free text (the answers are anonymous, and
# a group of one or two would tell who answered what). As in the clients' feedback.
ANSWERS_MIN = 5


@dataclass
class Knowledge:
    """Knowledge checks' results: how many answered, and the mean share of right answers (per cent)."""

    count: int = 0
    points: float = 0.0

    def add(self, score: int, out_of: int) -> None:
        self.count += 1
        self.points += score / out_of

    def join(self, other: Knowledge) -> None:
        self.count += other.count
        self.points += other.points

    @property
    def percent(self) -> int | None:
        return round(100 * self.points / self.count) if self.count >= ANSWERS_MIN else None


@dataclass
class Effect:
    """One row of the effectiveness tables (a topic, an audience, or an activity)."""

    label: str = ""
    activities: int = 0
    participants: int = 0
    before: Knowledge = field(default_factory=Knowledge)
    after: Knowledge = field(default_factory=Knowledge)
    feedback: int = 0  # answers to the feedback form
    ratings: list = field(default_factory=list)  # every 1..5 answer of the feedback's scale questions
    paired: dict = field(default_factory=dict)  # activity: (before, after), for the change

    @property
    def change(self) -> int | None:
        """After minus before, in percentage points, over the activities checked both before and after
        (a group that only answered before, or only after, is not compared with another one)."""
        before, after = Knowledge(), Knowledge()
        for first, then in self.paired.values():
            if first.count and then.count:
                before.join(first)
                after.join(then)
        if before.percent is None or after.percent is None:
            return None
        return after.percent - before.percent

    @property
    def rating(self) -> str:
        if self.feedback < ANSWERS_MIN or not self.ratings:
            return ""
        return f"{sum(self.ratings) / len(self.ratings):.1f}".replace(".", ",")

    @property
    def has_answers(self) -> bool:
        return bool(self.before.count or self.after.count or self.feedback)


def _scale_questions(survey_ids) -> set[str]:
    return {
        str(pk)
        for pk in SurveyQuestion.objects.filter(survey__in=survey_ids, kind=QuestionKind.SCALE).values_list(
            "pk", flat=True
        )
    }


def _add_answer(effect: Effect, activity_id: int, phase: str, score, out_of, answers: dict, scales: set[str]) -> None:
    if phase == AnswerPhase.FEEDBACK:
        effect.feedback += 1
        effect.ratings += [value for key, value in answers.items() if key in scales and isinstance(value, int)]
        return
    first, then = effect.paired.setdefault(activity_id, (Knowledge(), Knowledge()))
    if phase == AnswerPhase.BEFORE:
        effect.before.add(score, out_of)
        first.add(score, out_of)
    else:
        effect.after.add(score, out_of)
        then.add(score, out_of)


def effectiveness(year: int) -> dict:
    """Per topic and per audience (kind of partner agency) in the year's plan: activities held, who took
    part, the knowledge checks' mean share of right answers before and after (and the change, in
    percentage points) and the feedback's mean rating (1 to 5). A participant's answers count for the
    audience they named (or "not said")."""
    activities = list(
        Activity.objects.filter(plan__year=year, status=ActivityStatus.HELD).values("id", "topic", "audiences")
    )
    topic_of = {row["id"]: row["topic"] for row in activities}
    by_topic = {key: Effect(label=str(label)) for key, label in Topic.choices}
    by_audience = {key: Effect(label=str(label)) for key, label in AgencyKind.choices}
    unsaid = Effect(label=str(_("not said")))
    for row in activities:
        by_topic[row["topic"]].activities += 1
        for kind in row["audiences"]:
            if kind in by_audience:
                by_audience[kind].activities += 1
    for activity_id, kind, count in Participation.objects.filter(activity__in=topic_of).values_list(
        "activity_id", "agency_kind", "count"
    ):
        by_topic[topic_of[activity_id]].participants += count
        by_audience[kind].participants += count
    answers = list(
        ActivityAnswer.objects.filter(activity__in=topic_of).values_list(
            "activity_id", "survey_id", "phase", "agency_kind", "score", "out_of", "answers"
        )
    )
    scales = _scale_questions({row[1] for row in answers})
    for activity_id, _survey, phase, kind, score, out_of, values in answers:
        _add_answer(by_topic[topic_of[activity_id]], activity_id, phase, score, out_of, values, scales)
        _add_answer(by_audience.get(kind, unsaid), activity_id, phase, score, out_of, values, scales)
    topics = [row for row in by_topic.values() if row.activities]
    audiences = [row for row in by_audience.values() if row.activities or row.participants or row.has_answers]
    if unsaid.has_answers:
        audiences.append(unsaid)
    total = Effect(label=str(_("All")), activities=len(activities))
    total.participants = sum(row.participants for row in topics)
    for activity_id, _survey, phase, _kind, score, out_of, values in answers:
        _add_answer(total, activity_id, phase, score, out_of, values, scales)
    return {"topics": topics, "audiences": audiences, "total": total}


def activity_results(activity: Activity) -> dict:
    """The activity's answers: the knowledge check before and after (overall and per statement: the
    share who answered right) and the feedback (per question: mean, share of "yes", or the texts)."""
    answers = list(activity.answers.values_list("phase", "score", "out_of", "answers"))
    language = (get_language() or "et")[:2]
    effect = Effect(label=activity.title)
    check, feedback = activity.knowledge_check, activity.feedback_survey
    scales = _scale_questions([survey.pk for survey in (feedback,) if survey])
    for phase, score, out_of, values in answers:
        _add_answer(effect, activity.pk, phase, score, out_of, values, scales)
    statements = []
    if check is not None:
        for question in check.questions.all():
            if not question.correct_answer:
                continue
            row = {"text": question.text(language), "right": question.get_correct_answer_display()}
            for phase in (AnswerPhase.BEFORE, AnswerPhase.AFTER):
                given = [values.get(str(question.pk)) for kind, _s, _o, values in answers if kind == phase]
                shown = len(given) >= ANSWERS_MIN
                row[phase] = round(100 * given.count(question.correct_answer) / len(given)) if shown else None
            statements.append(row)
    questions = []
    given = [values for phase, _s, _o, values in answers if phase == AnswerPhase.FEEDBACK]
    feedback_hidden = 0 < len(given) < ANSWERS_MIN  # too few to show without telling who answered what
    if feedback is not None and not feedback_hidden:
        for question in feedback.questions.all():
            values = [row[str(question.pk)] for row in given if str(question.pk) in row]
            line = {"text": question.text(language), "kind": question.kind, "count": len(values)}
            if question.kind == QuestionKind.SCALE and values:
                line["mean"] = f"{sum(values) / len(values):.1f}".replace(".", ",")
            elif question.kind == QuestionKind.YES_NO and values:
                line["yes"] = round(100 * values.count("yes") / len(values))
            elif question.kind == QuestionKind.TEXT:
                line["texts"] = values
            questions.append(line)
    return {
        "effect": effect,
        "statements": statements,
        "questions": questions,
        "feedback_hidden": feedback_hidden,
        "minimum": ANSWERS_MIN,
    }
