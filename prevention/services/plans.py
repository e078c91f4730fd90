"""The prevention plan, its projects and their spending, activities and their participants: kept by the
regional managers, service organisers and coordinators (the prevention expert's work). Participants'
answers come without login through the activity's link while its answers are taken."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marac.models import AgencyKind
from prevention.models import (
    Activity,
    ActivityAnswer,
    ActivityStatus,
    AnswerPhase,
    Expense,
    Participation,
    PreventionPlan,
    Project,
)
from reporting.models import Survey, SurveyPurpose
from victimsupport.concurrency import lock_version, versioned_edit
from victimsupport.models import Role, User
from victimsupport.rules import date_order, field_errors
from victimsupport.templatetags.money import format_eur
from victimsupport.validation import collect_errors

PLANNERS = (Role.REGIONAL_MANAGER, Role.SERVICE_ORGANISER, Role.COORDINATOR)
# Trainers from staff: anyone who works with victims or partners.
TRAINER_ROLES = (Role.SPECIALIST, Role.REGIONAL_MANAGER, Role.SERVICE_ORGANISER, Role.COORDINATOR)
PLAN_FIELDS = ["aims"]
PROJECT_FIELDS = ["name", "aim", "method", "starts_on", "ends_on", "budget", "lead"]
ACTIVITY_FIELDS = [
    "title",
    "kind",
    "topic",
    "audiences",
    "held_on",
    "ends_on",
    "place",
    "online",
    "trainer",
    "trainer_name",
    "project",
    "knowledge_check",
    "feedback_survey",
    "notes",
]


def _in_plan_year(starts_on: date | None, ends_on: date | None, plan_year: int | None) -> dict:
    """A project runs at least in part in its plan's year (a reversed period is reported on its own)."""
    if not (starts_on and ends_on and plan_year) or ends_on < starts_on:
        return {}
    if ends_on < date(plan_year, 1, 1) or starts_on > date(plan_year, 12, 31):
        return {"starts_on": _("The project runs in part in %(year)s, the plan's year.") % {"year": plan_year}}
    return {}


def _spent_on(spent_on: date | None) -> dict:
    if spent_on and spent_on > timezone.localdate():
        return {"spent_on": _("Record what was spent: the date is not in the future.")}
    return {}


def _amount(amount: Decimal | None) -> dict:
    return {"amount": _("The amount is not zero.")} if amount is not None and amount == 0 else {}


def _held_in_plan_year(held_on: date | None, plan_year: int | None) -> dict:
    if held_on and plan_year and held_on.year != plan_year:
        return {"held_on": _("The activity is held in %(year)s, the plan's year.") % {"year": plan_year}}
    return {}


def _trainer_named(trainer, trainer_name: str | None) -> dict:
    """A trainer from staff, or the name of one from outside."""
    if trainer is None and trainer_name is not None and not trainer_name.strip():
        return {"trainer": _("Choose a trainer from staff or write the name of one from outside.")}
    return {}


def _place_or_online(online: bool | None, place: str | None) -> dict:
    if not online and place is not None and not place.strip():
        return {"place": _("Write the place, or tick online.")}
    return {}


# `plan_year`: the year of the plan the project or activity belongs to.
PROJECT_YEAR_RULES = (_in_plan_year,)  # the form checks the order itself (check_date_range, the same words)
PROJECT_RULES = (
    date_order("starts_on", "ends_on", gettext_lazy("The end date is before the start date.")),
    *PROJECT_YEAR_RULES,
)
EXPENSE_RULES = (_spent_on, _amount)
ACTIVITY_RULES = (
    date_order("held_on", "ends_on", gettext_lazy("The last day is not before the first.")),
    _held_in_plan_year,
    _trainer_named,
    _place_or_online,
)


def _planner(actor: User) -> None:
    if not actor.has_role(*PLANNERS):
        raise PermissionDenied


def _validate(obj, check) -> None:
    """The service's own checks and the model's, in one round: the model's only for the fields the checks
    did not already speak of, and the database's constraints last (they repeat the checks in plainer
    words)."""
    errors: dict = {}
    check(errors)
    collect_errors(errors, lambda: obj.full_clean(exclude=list(errors), validate_constraints=False))
    if not errors:
        collect_errors(errors, obj.validate_constraints)
    if errors:
        raise ValidationError(errors)


def _stored(obj):
    """The row as stored (None for a new one): checks of who is named apply only to a change."""
    return type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None


def _newly_named(obj, stored, field: str) -> bool:
    """Whether `field` names someone it did not name before (who left later stays named)."""
    value = getattr(obj, f"{field}_id")
    return value is not None and (stored is None or getattr(stored, f"{field}_id") != value)


def _active_staff(user, roles) -> bool:
    return user.is_active and user.has_role(*roles)


# --- the plan ---


@transaction.atomic
def plan_create(*, actor: User, year: int, aims: str) -> PreventionPlan:
    _planner(actor)
    plan = PreventionPlan(year=year, aims=aims, created_by=actor)

    def check(errors) -> None:
        if PreventionPlan.objects.filter(year=year).exists():
            errors["year"] = [_("The plan of this year exists already.")]

    _validate(plan, check)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # another planner saved the year's plan a moment earlier
        raise ValidationError({"year": [_("The plan of this year exists already.")]}) from None
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan: PreventionPlan, expected_version: int, aims: str) -> PreventionPlan:
    _planner(actor)
    versioned_edit(plan, expected_version, {"aims": aims}, PLAN_FIELDS)
    plan.full_clean()
    plan.save()
    return plan


# --- projects and their spending ---


def _check_project(project: Project) -> None:
    def check(errors) -> None:
        stored = _stored(project)
        if _newly_named(project, stored, "lead") and not _active_staff(project.lead, (*PLANNERS, Role.SPECIALIST)):
            errors["lead"] = [_("The responsible person is a member of staff.")]
        if project.name and project.plan.projects.filter(name=project.name).exclude(pk=project.pk).exists():
            errors["name"] = [_("The plan has a project of this name already.")]
        if not (project.starts_on and project.ends_on):
            return
        dates = {"starts_on": project.starts_on, "ends_on": project.ends_on, "plan_year": project.plan.year}
        for field, message in field_errors(*PROJECT_RULES, **dates).items():
            errors[field] = [message]
        if project.pk is None:
            return
        outside = project.activities.exclude(status=ActivityStatus.CANCELLED).filter(
            Q(held_on__lt=project.starts_on) | Q(held_on__gt=project.ends_on) | Q(ends_on__gt=project.ends_on)
        )
        if outside.exists():
            errors[NON_FIELD_ERRORS] = [
                _("Activities of the project are held outside these dates: %(titles)s.")
                % {"titles": ", ".join(outside.values_list("title", flat=True)[:5])}
            ]

    _validate(project, check)


@transaction.atomic
def project_create(*, actor: User, plan: PreventionPlan, **fields) -> Project:
    _planner(actor)
    project = Project(plan=plan, created_by=actor, **{name: fields[name] for name in PROJECT_FIELDS})
    _check_project(project)
    project.save()
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, expected_version: int, **fields) -> Project:
    _planner(actor)
    versioned_edit(project, expected_version, fields, PROJECT_FIELDS)
    _check_project(project)
    project.save()
    return project


@transaction.atomic
def expense_record(*, actor: User, project: Project, spent_on: date, description: str, amount: Decimal) -> Expense:
    """A line of spending (a correction is a negative line: nothing recorded is changed)."""
    _planner(actor)
    project = Project.objects.select_for_update().get(pk=project.pk)  # one total at a time
    expense = Expense(project=project, spent_on=spent_on, description=description, amount=amount, recorded_by=actor)

    def check(errors) -> None:
        for field, message in field_errors(*EXPENSE_RULES, spent_on=spent_on, amount=amount).items():
            errors[field] = [message]
        if amount is not None and amount < 0:
            spent = project.expenses.aggregate(total=Sum("amount"))["total"] or Decimal(0)
            if spent + amount < 0:
                errors["amount"] = [
                    _("A correction takes back at most what was spent: %(spent)s.") % {"spent": format_eur(spent)}
                ]

    _validate(expense, check)
    expense.save()
    return expense


# --- activities ---


def _check_activity(activity: Activity) -> None:
    def check(errors) -> None:
        plan, stored = activity.plan, _stored(activity)
        # The project's dates as they are now: a change of the project waits for this edit to end.
        project = Project.objects.select_for_update().get(pk=activity.project_id) if activity.project_id else None
        values = {
            "held_on": activity.held_on,
            "ends_on": activity.ends_on,
            "plan_year": plan.year,
            "trainer": activity.trainer_id,
            "trainer_name": activity.trainer_name,
            "online": activity.online,
            "place": activity.place,
        }
        for field, message in field_errors(*ACTIVITY_RULES, **values).items():
            errors[field] = [message]
        held = stored is not None and stored.is_held
        if "held_on" not in errors and held and activity.held_on and activity.held_on > timezone.localdate():
            errors["held_on"] = [_("The activity has been held: its day is not in the future.")]
        if project is not None:
            if project.plan_id != plan.pk:
                errors["project"] = [_("The project is not in this plan.")]
            elif activity.held_on and not (
                project.starts_on <= activity.held_on <= project.ends_on
                and (activity.ends_on is None or activity.ends_on <= project.ends_on)
            ):
                errors.setdefault("held_on", []).append(
                    _("The project runs from %(start)s to %(end)s.")
                    % {"start": f"{project.starts_on:%d.%m.%Y}", "end": f"{project.ends_on:%d.%m.%Y}"}
                )
        if _newly_named(activity, stored, "trainer") and not _active_staff(activity.trainer, TRAINER_ROLES):
            errors["trainer"] = [_("The trainer from staff is an active member of staff.")]
        for name, purpose in (
            ("feedback_survey", SurveyPurpose.TRAINING_FEEDBACK),
            ("knowledge_check", SurveyPurpose.KNOWLEDGE_CHECK),
        ):
            survey = getattr(activity, name)
            if survey is not None and survey.purpose != purpose:
                errors[name] = [_("Choose a form made for this.")]
        check_survey = activity.knowledge_check
        if "knowledge_check" not in errors and check_survey is not None and not scored(check_survey):
            errors["knowledge_check"] = [_("This knowledge check has no statements with a right answer.")]

    _validate(activity, check)


def scored(survey: Survey) -> bool:
    """Whether a knowledge check has statements with a right answer (what scores an answer)."""
    return survey.questions.exclude(correct_answer="").exists()


@transaction.atomic
def activity_create(*, actor: User, plan: PreventionPlan, materials=(), **fields) -> Activity:
    _planner(actor)
    activity = Activity(plan=plan, created_by=actor, **{name: fields[name] for name in ACTIVITY_FIELDS})
    _check_activity(activity)
    activity.save()
    activity.materials.set(materials)
    return activity


@transaction.atomic
def activity_update(*, actor: User, activity: Activity, expected_version: int, materials=None, **fields) -> Activity:
    _planner(actor)
    stored = versioned_edit(activity, expected_version, fields, ACTIVITY_FIELDS)
    if stored.is_cancelled:
        raise ValidationError(_("A cancelled activity is not changed."))
    forms_changed = (stored.knowledge_check_id, stored.feedback_survey_id) != (
        activity.knowledge_check_id,
        activity.feedback_survey_id,
    )
    if forms_changed and stored.answers.exists():
        raise ValidationError(_("Participants have answered: the forms stay as they were."))
    _check_activity(activity)
    activity.save()
    if materials is not None:
        activity.materials.set(materials)
    return activity


def _locked(activity: Activity, expected_version: int | None = None) -> Activity:
    if expected_version is None:
        return Activity.objects.select_for_update().get(pk=activity.pk)
    return lock_version(Activity, activity.pk, expected_version)


def _bump(activity: Activity, stored: Activity, **changes) -> Activity:
    for name, value in changes.items():
        setattr(stored, name, value)
    stored.version += 1
    stored.save(update_fields=[*changes, "version"])
    for name in (*changes, "version"):
        setattr(activity, name, getattr(stored, name))
    return activity


@transaction.atomic
def activity_held(*, actor: User, activity: Activity) -> Activity:
    _planner(actor)
    stored = _locked(activity)
    if not stored.is_planned:
        raise ValidationError(_("Only a planned activity is marked as held."))
    if stored.held_on > timezone.localdate():
        raise ValidationError(_("The activity is marked as held on its day or after."))
    return _bump(activity, stored, status=ActivityStatus.HELD)


@transaction.atomic
def activity_cancel(*, actor: User, activity: Activity) -> Activity:
    _planner(actor)
    stored = _locked(activity)
    if not stored.is_planned:
        raise ValidationError(_("Only a planned activity is cancelled."))
    if stored.answers.exists():
        raise ValidationError(_("Participants have answered: the activity took place."))
    return _bump(activity, stored, status=ActivityStatus.CANCELLED, answers_open=False)


@transaction.atomic
def answers_open(*, actor: User, activity: Activity, open: bool) -> Activity:
    """Start or stop taking the participants' answers through the activity's links."""
    _planner(actor)
    stored = _locked(activity)
    if open:
        if stored.is_cancelled:
            raise ValidationError(_("The activity is cancelled."))
        if stored.feedback_survey_id is None and stored.knowledge_check_id is None:
            raise ValidationError(_("Choose a feedback form or a knowledge check first."))
    return _bump(activity, stored, answers_open=open)


@transaction.atomic
def participants_record(*, actor: User, activity: Activity, expected_version: int, counts: dict) -> Activity:
    """How many took part from each kind of agency (zero or empty: none); replaces what was recorded."""
    _planner(actor)
    stored = _locked(activity, expected_version)
    if not stored.is_held:
        raise ValidationError(_("Participants are recorded once the activity is marked as held."))
    unknown = set(counts) - set(AgencyKind.values)
    if unknown or any(value is not None and value < 0 for value in counts.values()):
        raise ValidationError(_("Participants are counted per kind of agency, from zero up."))
    rows = {row.agency_kind: row for row in stored.participants.all()}
    for kind, count in counts.items():  # row by row: each change in the history (at most eight rows)
        row = rows.get(kind)
        if not count:
            if row is not None:
                row.delete()
        elif row is None:
            Participation.objects.create(activity=stored, agency_kind=kind, count=count)
        elif row.count != count:
            row.count = count
            row.save(update_fields=["count"])
    return _bump(activity, stored)


# --- participants' answers (no login) ---


def answer_survey(activity: Activity, phase: str) -> Survey | None:
    """The form a link of the activity asks, if it takes answers now: the knowledge check before the
    activity while it is planned, after it and the feedback from its day on."""
    if not activity.answers_open or activity.is_cancelled or phase not in AnswerPhase.values:
        return None
    if phase == AnswerPhase.BEFORE and not activity.is_planned:
        return None
    if phase != AnswerPhase.BEFORE and activity.held_on > timezone.localdate():
        return None
    if phase == AnswerPhase.FEEDBACK:
        return activity.feedback_survey
    check = activity.knowledge_check
    return check if check is not None and scored(check) else None


@transaction.atomic
def answer_submit(
    *, activity: Activity, phase: str, language: str, agency_kind: str, answers: dict, survey_id: int | None = None
) -> ActivityAnswer | None:
    """One participant's answers; a knowledge check is scored (right answers out of its statements).
    None when the activity no longer takes them (closed between opening the form and sending it), or no
    longer with the form the participant saw (`survey_id`)."""
    # Locked: a cancel or a closing of the answers comes before this answer or after it, not beside it.
    related = Activity.objects.select_related("feedback_survey", "knowledge_check")
    stored = related.select_for_update(of=("self",)).get(pk=activity.pk)
    survey = answer_survey(stored, phase)
    if survey is None or (survey_id is not None and survey.pk != survey_id):
        return None
    answer = ActivityAnswer(
        activity=stored,
        survey=survey,
        phase=phase,
        agency_kind=agency_kind if agency_kind in AgencyKind.values else "",
        language=language,
        answers={str(key): value for key, value in answers.items() if value not in (None, "")},
    )
    if phase != AnswerPhase.FEEDBACK:
        statements = [question for question in survey.questions.all() if question.correct_answer]
        answer.out_of = len(statements)
        answer.score = sum(1 for question in statements if answers.get(question.pk) == question.correct_answer)
    answer.full_clean()
    answer.save()
    return answer
