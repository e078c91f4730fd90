"""The prevention plan's pages: the plans by year, a year's plan (projects with budget and spending,
activities), a project (its timeline and spending), the activities (filtered, sorted, paged), an activity
(participants, materials, the answer links and their results), and the effectiveness per topic and
audience. No personal data: staff names and counts."""

from __future__ import annotations

import copy

import segno
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from marac.models import AgencyKind
from prevention import forms, selectors
from prevention.models import Activity, ActivityStatus, AnswerPhase, PreventionPlan, Project
from prevention.services import plans as services
from victimsupport.models import Role
from victimsupport.paging import paginate, sorted_list_context
from victimsupport.permissions.views import RoleRequiredMixin
from victimsupport.views.actions import ActionView

PLANNERS = services.PLANNERS
FIGURE_READERS = (*PLANNERS, Role.ANALYST)


class PlanListView(RoleRequiredMixin, TemplateView):
    roles = PLANNERS
    template_name = "prevention/plan_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "plans": selectors.plan_list()}


class PlanAddView(RoleRequiredMixin, ActionView):
    roles = PLANNERS
    template_name = "prevention/plan_form.html"
    title = gettext_lazy("The plan of a year")
    success_message = gettext_lazy("The plan was saved. Add its projects and activities.")

    def get_form(self, data=None, **kwargs):
        return forms.PlanForm(data, **kwargs)

    def perform(self, data):
        plan = services.plan_create(actor=self.request.user, year=data["year"], aims=data["aims"])
        return reverse("prevention:plan", args=[plan.year])

    def object_url(self) -> str:
        return reverse("prevention:plan-list")


class PlanMixin(RoleRequiredMixin):
    roles = PLANNERS

    def prepare(self, request, *args, **kwargs):
        self.plan = get_object_or_404(PreventionPlan, year=kwargs["year"])

    def object_url(self) -> str:
        return reverse("prevention:plan", args=[self.plan.year])

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "plan": self.plan}


class PlanDetailView(PlanMixin, TemplateView):
    template_name = "prevention/plan_detail.html"

    def get_context_data(self, **kwargs):
        projects = selectors.plan_projects(self.plan)
        activities = list(
            selectors.with_participants(self.plan.activities.select_related("project", "trainer")).order_by(
                "held_on", "id"
            )
        )
        return {
            **super().get_context_data(**kwargs),
            "plan": self.plan,
            "projects": projects,
            "activities": activities,
            "budget": sum((project.budget for project in projects), 0),
            "spent": sum((project.spent for project in projects), 0),
            "held": sum(1 for activity in activities if activity.is_held),
            "participants": sum(activity.participants_total for activity in activities),
        }


class PlanEditView(PlanMixin, ActionView):
    template_name = "prevention/plan_form.html"
    title = gettext_lazy("The plan of a year")
    edits = "plan"
    success_message = gettext_lazy("Saved.")

    def get_form(self, data=None, **kwargs):
        kwargs.setdefault("instance", copy.copy(self.plan))
        return forms.PlanForm(data, **kwargs)

    def perform(self, data):
        services.plan_update(
            actor=self.request.user, plan=self.plan, expected_version=data["version"], aims=data["aims"]
        )


class ProjectAddView(PlanMixin, ActionView):
    template_name = "prevention/plan_form.html"
    title = gettext_lazy("A new project")
    success_message = gettext_lazy("The project was saved.")

    def get_form(self, data=None, **kwargs):
        kwargs.setdefault("instance", Project(plan=self.plan))  # not saved by the form: its plan's year is judged
        return forms.ProjectForm(data, user=self.request.user, **kwargs)

    def perform(self, data):
        project = services.project_create(
            actor=self.request.user, plan=self.plan, **{name: data[name] for name in services.PROJECT_FIELDS}
        )
        return reverse("prevention:project", args=[project.pk])


class ProjectMixin(RoleRequiredMixin):
    roles = PLANNERS

    def prepare(self, request, *args, **kwargs):
        self.project = get_object_or_404(Project.objects.select_related("plan", "lead"), pk=kwargs["pk"])
        self.plan = self.project.plan

    def object_url(self) -> str:
        return reverse("prevention:project", args=[self.project.pk])

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "plan": self.plan, "project": self.project}


class ProjectDetailView(ProjectMixin, TemplateView):
    template_name = "prevention/project_detail.html"

    def get_context_data(self, **kwargs):
        project = next(row for row in selectors.plan_projects(self.plan) if row.pk == self.project.pk)
        return {
            **super().get_context_data(**kwargs),
            "plan": self.plan,
            "project": project,
            "expenses": list(project.expenses.select_related("recorded_by")),
            "activities": list(
                selectors.with_participants(project.activities.select_related("trainer")).order_by("held_on", "id")
            ),
            "expense_form": forms.ExpenseForm(),
            "today": timezone.localdate(),
        }


class ProjectEditView(ProjectMixin, ActionView):
    template_name = "prevention/plan_form.html"
    title = gettext_lazy("The project")
    edits = "project"
    success_message = gettext_lazy("Saved.")

    def get_form(self, data=None, **kwargs):
        kwargs.setdefault("instance", copy.copy(self.project))
        return forms.ProjectForm(data, user=self.request.user, **kwargs)

    def perform(self, data):
        services.project_update(
            actor=self.request.user,
            project=self.project,
            expected_version=data["version"],
            **{name: data[name] for name in services.PROJECT_FIELDS},
        )


class ExpenseAddView(ProjectMixin, ActionView):
    template_name = "prevention/plan_form.html"
    form_class = forms.ExpenseForm
    title = gettext_lazy("Record spending")
    success_message = gettext_lazy("The spending was recorded.")

    def perform(self, data):
        services.expense_record(
            actor=self.request.user,
            project=self.project,
            spent_on=data["spent_on"],
            description=data["description"],
            amount=data["amount"],
        )


# --- activities ---


class ActivityListView(RoleRequiredMixin, TemplateView):
    roles = PLANNERS
    template_name = "prevention/activity_list.html"

    def get_context_data(self, **kwargs):
        form = forms.ActivityFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        listing = sorted_list_context(self.request.GET, selectors.ACTIVITY_SORTS, selectors.DEFAULT_ACTIVITY_SORT)
        activities = selectors.activity_list(
            year=filters.get("year"),
            topic=filters.get("topic") or "",
            kind=filters.get("kind") or "",
            status=filters.get("status") or "",
            audience=filters.get("audience") or "",
            sort=listing["sort"],
        )
        columns = [
            ("date", gettext_lazy("Date")),
            ("title", gettext_lazy("Activity")),
            ("topic", gettext_lazy("Topic")),
            ("status", gettext_lazy("Status")),
        ]
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": paginate(activities, self.request.GET),
            "columns": columns,
            **listing,
        }


class ActivityAddView(PlanMixin, ActionView):
    template_name = "prevention/plan_form.html"
    title = gettext_lazy("A new activity")
    success_message = gettext_lazy("The activity was saved.")

    def get_form(self, data=None, **kwargs):
        return forms.ActivityForm(data, user=self.request.user, plan=self.plan, **kwargs)

    def perform(self, data):
        activity = services.activity_create(
            actor=self.request.user,
            plan=self.plan,
            materials=data["chosen_materials"],
            **{name: data[name] for name in services.ACTIVITY_FIELDS},
        )
        return reverse("prevention:activity", args=[activity.pk])


class ActivityMixin(RoleRequiredMixin):
    roles = PLANNERS

    def prepare(self, request, *args, **kwargs):
        self.activity = get_object_or_404(
            Activity.objects.select_related("plan", "project", "trainer", "feedback_survey", "knowledge_check"),
            pk=kwargs["pk"],
        )
        self.plan = self.activity.plan

    def object_url(self) -> str:
        return reverse("prevention:activity", args=[self.activity.pk])

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "plan": self.plan, "activity": self.activity}


def answer_links(request, activity: Activity) -> list[dict]:
    """The participants' links of the activity, with a QR code each (to show on the screen or print)."""
    links = []
    phases = []
    if activity.knowledge_check_id:
        phases += [AnswerPhase.BEFORE, AnswerPhase.AFTER]
    if activity.feedback_survey_id:
        phases.append(AnswerPhase.FEEDBACK)
    for phase in phases:
        url = request.build_absolute_uri(reverse("prevention:answer", args=[activity.answer_key, phase]))
        links.append(
            {
                "label": AnswerPhase(phase).label,
                "url": url,
                "qr_svg": segno.make(url, error="m").svg_inline(scale=3, dark="#000", light="#fff"),
            }
        )
    return links


class ActivityDetailView(ActivityMixin, TemplateView):
    template_name = "prevention/activity_detail.html"

    def get_context_data(self, **kwargs):
        activity = self.activity
        participants = list(activity.participants.all())
        return {
            **super().get_context_data(**kwargs),
            "plan": self.plan,
            "activity": activity,
            "participants": participants,
            "participants_total": sum(row.count for row in participants),
            "materials": list(activity.materials.order_by("title")),
            "links": answer_links(self.request, activity) if activity.answers_open else [],
            "results": selectors.activity_results(activity),
            "participants_form": forms.ParticipantsForm(activity=activity) if activity.is_held else None,
            "may_hold": activity.is_planned and activity.held_on <= timezone.localdate(),
        }


class ActivityEditView(ActivityMixin, ActionView):
    template_name = "prevention/plan_form.html"
    title = gettext_lazy("The activity")
    edits = "activity"
    success_message = gettext_lazy("Saved.")

    def get_form(self, data=None, **kwargs):
        kwargs.setdefault("instance", copy.copy(self.activity))
        return forms.ActivityForm(data, user=self.request.user, plan=self.plan, **kwargs)

    def conflict_extra(self, data, current):
        """The materials are rows of their own: the user's choice stays, and differs from what is stored
        is a conflict to look at."""
        mine = list(data["chosen_materials"])
        theirs = list(current.materials.order_by("title"))
        conflicts = []
        if {m.pk for m in mine} != {m.pk for m in theirs}:
            conflicts.append((_("Materials"), ", ".join(m.title for m in mine), ", ".join(m.title for m in theirs)))
        return {"chosen_materials": [m.pk for m in mine]}, conflicts

    def perform(self, data):
        services.activity_update(
            actor=self.request.user,
            activity=self.activity,
            expected_version=data["version"],
            materials=data["chosen_materials"],
            **{name: data[name] for name in services.ACTIVITY_FIELDS},
        )


class ActivityHeldView(ActivityMixin, ActionView):
    success_message = gettext_lazy("The activity is marked as held. Record who took part.")

    def perform(self, data):
        services.activity_held(actor=self.request.user, activity=self.activity)


class ActivityCancelView(ActivityMixin, ActionView):
    success_message = gettext_lazy("The activity was cancelled.")

    def perform(self, data):
        services.activity_cancel(actor=self.request.user, activity=self.activity)


class AnswersOpenView(ActivityMixin, ActionView):
    success_message = gettext_lazy("Answers are taken through the links below.")

    def perform(self, data):
        services.answers_open(actor=self.request.user, activity=self.activity, open=True)


class AnswersCloseView(ActivityMixin, ActionView):
    success_message = gettext_lazy("Answers are no longer taken.")

    def perform(self, data):
        services.answers_open(actor=self.request.user, activity=self.activity, open=False)


class ParticipantsView(ActivityMixin, ActionView):
    template_name = "prevention/plan_form.html"
    title = gettext_lazy("Participants by agency")
    success_message = gettext_lazy("The participants were recorded.")

    def get_form(self, data=None, **kwargs):
        return forms.ParticipantsForm(data, activity=self.activity, **kwargs)

    def form_after_conflict(self, current, initial: dict):
        self.activity = current
        return forms.ParticipantsForm(activity=current, initial=initial)

    def conflict_extra(self, data, current):
        """The counts are rows of their own: the typed ones stay; where the stored one differs, a conflict."""
        stored = dict(current.participants.values_list("agency_kind", "count"))
        typed = {kind: data.get(kind) for kind in AgencyKind.values}
        conflicts = [
            (label, typed[kind] or 0, stored.get(kind, 0))
            for kind, label in AgencyKind.choices
            if (typed[kind] or 0) != stored.get(kind, 0)
        ]
        return typed, conflicts

    def perform(self, data):
        counts = {kind: data.get(kind) or 0 for kind in AgencyKind.values}
        services.participants_record(
            actor=self.request.user, activity=self.activity, expected_version=data["version"], counts=counts
        )


class EffectivenessView(RoleRequiredMixin, TemplateView):
    roles = FIGURE_READERS
    template_name = "prevention/effectiveness.html"

    def get_context_data(self, **kwargs):
        form = forms.YearForm(self.request.GET or None)
        year = (form.cleaned_data.get("year") if form.is_valid() else None) or timezone.localdate().year
        years = sorted({*PreventionPlan.objects.values_list("year", flat=True), year}, reverse=True)
        return {
            **super().get_context_data(**kwargs),
            "year": year,
            "years": years,
            "figures": selectors.effectiveness(year),
            "minimum": selectors.ANSWERS_MIN,
            "may_plan": self.request.user.has_role(*PLANNERS),
            "held": ActivityStatus.HELD,
        }
