"""Volunteer pages: the public application, the registry list, a volunteer's page and the pipeline."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases.contact import allowed_channels, contact_facts
from cases.views.base import CaseMixin
from victimsupport.audit import AccessAction, log_access
from victimsupport.exports import payment_file_response
from victimsupport.models import Role
from victimsupport.paging import paginate, row_id, sorted_list_context
from victimsupport.permissions import is_permitted
from victimsupport.permissions.views import RestrictedObjectMixin, RoleRequiredMixin, restricted_object
from victimsupport.ratelimit import over_limit
from victimsupport.views.actions import ActionView
from volunteers import forms
from volunteers.models import (
    ActivityEntry,
    Assignment,
    ExpensePayment,
    ExpenseReport,
    GroupSession,
    ReportStatus,
    SupervisionContact,
    Training,
    TrainingAttendance,
    Volunteer,
)
from volunteers.selectors import VOLUNTEER_SORTS, activity_overview, volunteer_list, year_summary
from volunteers.services import assignments as assignment_services
from volunteers.services import expenses as expense_services
from volunteers.services import recruitment
from volunteers.services import supervision as supervision_services
from volunteers.services import training as training_services

# Who works with the registry: the coordinator, regional managers, and staff who supervise volunteers.
REGISTRY_ROLES = (Role.COORDINATOR, Role.REGIONAL_MANAGER, Role.SPECIALIST)


class ApplyView(ActionView):
    """The public "become a volunteer" page: no login, the minimum asked, the same answer whatever
    happens (it never tells whether a person is known), a honeypot and a limit per address."""

    template_name = "volunteers/apply.html"
    form_class = forms.ApplicationForm
    title = gettext_lazy("Become a volunteer")
    submit_label = gettext_lazy("Send the application")

    def perform(self, data):
        if over_limit(self.request, "volunteer-apply", settings.VOLUNTEER_APPLICATIONS_PER_HOUR):
            raise ValidationError(_("Too many applications from this address. Please try again in an hour."))
        if not data["website"]:  # filled in: a robot; it is thanked and nothing is stored
            recruitment.volunteer_apply(
                county=data["county"], **{name: data[name] for name in recruitment.APPLICATION_FIELDS}
            )
        return reverse("volunteers:apply-thanks")

    def object_url(self) -> str:
        return reverse("volunteers:apply")


class ApplyThanksView(TemplateView):
    template_name = "volunteers/apply_thanks.html"


class VolunteerListView(RoleRequiredMixin, TemplateView):
    roles = REGISTRY_ROLES
    template_name = "volunteers/volunteer_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = forms.VolunteerFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        listing = sorted_list_context(self.request.GET, VOLUNTEER_SORTS, "name")
        volunteers = volunteer_list(
            user,
            q=filters.get("q") or "",
            status=filters.get("status") or "",
            kind=filters.get("kind") or "",
            county=filters.get("county"),
            sort=listing["sort"],
        )
        page = paginate(volunteers, self.request.GET)
        if page.items:
            log_access(user, AccessAction.LIST, object_type="volunteers.volunteer")
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": page,
            **listing,
            "columns": [("name", _("Name")), ("status", _("Status")), ("applied", _("Applied"))],
        }


class VolunteerMixin(RestrictedObjectMixin):
    model = Volunteer
    roles = REGISTRY_ROLES

    def get_base_queryset(self):
        return Volunteer.objects.select_related("region", "supervisor", "user")

    def prepare(self, request, *args, **kwargs):
        self.volunteer = self.get_object()
        if request.method == "GET":
            log_access(request.user, AccessAction.VIEW, obj=self.volunteer)
        return None

    def object_url(self) -> str:
        return reverse("volunteers:volunteer", args=[self.volunteer.pk])


class VolunteerDetailView(VolunteerMixin, TemplateView):
    template_name = "volunteers/volunteer_detail.html"

    def get_context_data(self, **kwargs):
        volunteer = self.volunteer
        return {
            **super().get_context_data(**kwargs),
            "volunteer": volunteer,
            "counties": list(volunteer.counties.all()),
            "steps": list(volunteer.steps.select_related("recorded_by")),
            # Private to the supervisor and the coordinator (SupervisionContact's policy).
            "supervision": list(
                SupervisionContact.objects.restrict(self.request.user).filter(volunteer=volunteer)[:50]
            ),
            "can_supervise": volunteer.supervisor_id == self.request.user.pk
            or self.request.user.has_role(Role.COORDINATOR),
            "sessions": list(volunteer.group_sessions.order_by("-held_on")[:20]),
            "trainings": list(volunteer.trainings.select_related("training").order_by("-training__held_on")),
            "training_hours": training_services.approved_hours(volunteer),
            "can_change": is_permitted(self.request.user, volunteer, "change"),
            "perms_coordinator": self.request.user.has_role(Role.COORDINATOR),
        }


class VolunteerFormView(VolunteerMixin, ActionView):
    action = "change"
    template_name = "volunteers/volunteer_form.html"

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "volunteer": self.volunteer}


class VolunteerEditView(VolunteerFormView):
    title = gettext_lazy("Edit the volunteer's data")
    success_message = gettext_lazy("Saved.")

    form_class = forms.VolunteerForm
    edits = "volunteer"

    def get_form(self, data=None, **kwargs):
        if data is None:
            kwargs.setdefault("initial", {"counties": list(self.volunteer.counties.all())})
        return super().get_form(data, **kwargs)

    def perform(self, data):
        recruitment.volunteer_update(
            actor=self.request.user,
            volunteer=self.volunteer,
            expected_version=data["version"],
            counties=data["counties"],
            **{name: data[name] for name in recruitment.REGISTRY_FIELDS},
        )


class VolunteerStepView(VolunteerFormView):
    title = gettext_lazy("Record the next step")
    submit_label = gettext_lazy("Record the step")
    success_message = gettext_lazy("The step was recorded.")

    def get_form(self, data=None, **kwargs):
        return forms.StepForm(data, volunteer=self.volunteer, **kwargs)

    def form_after_conflict(self, current, initial):
        self.volunteer = current  # the steps open now follow what the other user recorded
        return forms.StepForm(volunteer=current, initial=initial)

    def perform(self, data):
        recruitment.volunteer_step(
            actor=self.request.user,
            volunteer=self.volunteer,
            expected_version=data["version"],
            status=data["status"],
            happened_on=data["happened_on"],
            note=data["note"],
            background_check=data["background_check"],
            pledge_signed_on=data["pledge_signed_on"],
        )


class VolunteerUserCreateView(VolunteerMixin, ActionView):
    """The button that gives an active volunteer a user account and sends the invitation."""

    action = "change"
    success_message = gettext_lazy("The user account was made and the invitation sent by e-mail.")

    def perform(self, data):
        recruitment.volunteer_user_create(actor=self.request.user, volunteer=self.volunteer)


# --- assignments (staff) ---


class CaseVolunteersView(CaseMixin, TemplateView):
    """Volunteer support on a case: its assignments and what the volunteers logged (their notes stay
    here for the specialist after the assignment ends)."""

    template_name = "volunteers/case_volunteers.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        assignments = list(
            Assignment.objects.restrict(user)
            .filter(case=self.case)
            .select_related("volunteer", "created_by")
            .prefetch_related("activities")
        )
        return {
            **super().get_context_data(**kwargs),
            "case": self.case,
            "assignments": assignments,
            "today": timezone.localdate(),
            "can_assign": user.has_role(*assignment_services.ASSIGNERS) and is_permitted(user, self.case, "view"),
            "end_form": forms.AssignmentEndForm(initial={"ended_on": timezone.localdate()}),
        }


class AssignmentCreateView(CaseMixin, ActionView):
    roles = assignment_services.ASSIGNERS
    template_name = "volunteers/assignment_form.html"
    title = gettext_lazy("Assign a volunteer")
    submit_label = gettext_lazy("Assign")
    success_message = gettext_lazy("The volunteer was assigned. They see the client card from the first day.")
    log_action = None

    def get_form(self, data=None, **kwargs):
        if data is None:
            kwargs.setdefault("initial", {"starts_on": timezone.localdate()})
        return forms.AssignmentForm(data, user=self.request.user, **kwargs)

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "case": self.case}

    def perform(self, data):
        assignment_services.assignment_create(actor=self.request.user, case=self.case, **data)
        return reverse("volunteers:case", args=[self.case.pk])

    def object_url(self) -> str:
        return reverse("volunteers:case", args=[self.case.pk])


class AssignmentEndView(RestrictedObjectMixin, ActionView):
    """End an assignment early (a button on the case's volunteer page)."""

    model = Assignment
    roles = assignment_services.ASSIGNERS
    action = "change"
    form_class = forms.AssignmentEndForm
    success_message = gettext_lazy("The assignment was ended.")

    def prepare(self, request, *args, **kwargs):
        self.assignment = self.get_object()
        return None

    def perform(self, data):
        assignment_services.assignment_end(
            actor=self.request.user,
            assignment=self.assignment,
            expected_version=data["version"],
            ended_on=data["ended_on"],
        )

    def object_url(self) -> str:
        return reverse("volunteers:case", args=[self.assignment.case_id])


# --- the volunteer's own pages (phone first) ---


class VolunteerSelfMixin(RoleRequiredMixin):
    roles = (Role.VOLUNTEER,)

    def prepare(self, request, *args, **kwargs):
        self.volunteer = Volunteer.objects.filter(user=request.user).first()
        if self.volunteer is None:
            raise Http404
        return None


class MyClientsView(VolunteerSelfMixin, TemplateView):
    template_name = "volunteers/my_clients.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        assignments = list(
            Assignment.objects.restrict(self.request.user)
            .filter(volunteer=self.volunteer, ends_on__gte=today)
            .select_related("case__client")
            .order_by("starts_on", "pk")
        )
        if assignments:
            log_access(
                self.request.user,
                AccessAction.LIST,
                object_type="volunteers.assignment",
                persons=[assignment.case.client_id for assignment in assignments],
            )
        return {**super().get_context_data(**kwargs), "assignments": assignments, "today": today}


class ClientCardView(VolunteerSelfMixin, TemplateView):
    """What a volunteer sees of a client: the code, the first name, how and when the safe-contact rules
    allow contact (with the code word), the agreed tasks and their own notes; the address only if the
    tasks need it and it is not confidential. Never the case."""

    template_name = "volunteers/client_card.html"

    def get_context_data(self, **kwargs):
        assignment = restricted_object(
            Assignment.objects.select_related("case__client"), self.request.user, pk=self.kwargs["pk"]
        )
        if assignment.volunteer_id != self.volunteer.pk:
            raise Http404
        client = assignment.case.client
        facts = contact_facts(client)
        rules = facts.rules
        log_access(self.request.user, AccessAction.VIEW, obj=assignment, persons=[client.pk])
        address = []
        if assignment.address_needed and not (rules and (rules.confidential_address or rules.never_write_home)):
            address = client.address_lines
        return {
            **super().get_context_data(**kwargs),
            "assignment": assignment,
            "first_name": client.first_name,
            "channels": allowed_channels(client, facts=facts),
            "safe_times": rules.safe_times if rules else "",
            "code_word": rules.code_word if rules else "",
            "address": address,
            "entries": list(ActivityEntry.objects.restrict(self.request.user).filter(assignment=assignment)[:50]),
        }


class ActivityAddView(VolunteerSelfMixin, ActionView):
    template_name = "volunteers/activity_form.html"
    title = gettext_lazy("Log an activity")
    submit_label = gettext_lazy("Save")
    success_message = gettext_lazy("The activity was saved.")

    def get_form(self, data=None, **kwargs):
        form = forms.ActivityForm(data, user=self.request.user, **kwargs)
        form.fields["assignment"].queryset = form.fields["assignment"].queryset.filter(
            volunteer=self.volunteer, ends_on__gte=timezone.localdate()
        )
        if data is None:
            wanted = row_id(self.request.GET.get("assignment"))
            if wanted and form.fields["assignment"].queryset.filter(pk=wanted).exists():
                form.initial["assignment"] = wanted
        return form

    def perform(self, data):
        fields = {name: data[name] for name in assignment_services.ACTIVITY_FIELDS}
        assignment_services.activity_add(actor=self.request.user, assignment=data["assignment"], **fields)
        return f"{reverse('volunteers:my-month')}?month={data['happened_on']:%Y-%m}"

    def object_url(self) -> str:
        return reverse("volunteers:my-clients")


class ActivityMixin(VolunteerSelfMixin):
    def prepare(self, request, *args, **kwargs):
        super().prepare(request, *args, **kwargs)
        self.entry = restricted_object(
            ActivityEntry.objects.select_related("assignment"), request.user, pk=kwargs["pk"]
        )
        if self.entry.volunteer_id != self.volunteer.pk:
            raise Http404
        return None

    def object_url(self) -> str:
        return f"{reverse('volunteers:my-month')}?month={self.entry.happened_on:%Y-%m}"


class ActivityEditView(ActivityMixin, ActionView):
    template_name = "volunteers/activity_form.html"
    title = gettext_lazy("Change the activity")
    form_class = forms.ActivityEditForm
    edits = "entry"
    success_message = gettext_lazy("Saved.")

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "entry": self.entry}

    def perform(self, data):
        assignment_services.activity_update(
            actor=self.request.user,
            entry=self.entry,
            expected_version=data["version"],
            **{name: data[name] for name in assignment_services.ACTIVITY_FIELDS},
        )


class ActivityDeleteView(ActivityMixin, ActionView):
    success_message = gettext_lazy("The activity was deleted.")

    def perform(self, data):
        assignment_services.activity_delete(actor=self.request.user, entry=self.entry)


class MyMonthView(VolunteerSelfMixin, TemplateView):
    """The volunteer's month: every entry, and the sums the expense report will be built from."""

    template_name = "volunteers/my_month.html"

    def get_context_data(self, **kwargs):
        month = month_start(self.request.GET.get("month"))
        base = ActivityEntry.objects.restrict(self.request.user)
        entries = list(expense_services.month_entries(self.volunteer, month, base))
        totals = {
            "count": len(entries),
            "minutes": sum(entry.duration_minutes for entry in entries),
            "km": sum((entry.km for entry in entries), Decimal("0")),
            "call_minutes": sum(entry.call_minutes for entry in entries),
        }
        report = ExpenseReport.objects.filter(volunteer=self.volunteer, month=month).first()
        try:
            figures = expense_services.report_figures(self.volunteer, month, entries)
        except ValidationError:
            figures = None  # no rates in force that month
        return {
            **super().get_context_data(**kwargs),
            "report": report,
            "figures": figures,
            "can_submit": entries
            and expense_services.month_end(month) < timezone.localdate()
            and (report is None or report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)),
            "submit_form": forms.MonthSubmitForm(initial={"month": month}),
            "month": month,
            "previous": previous_month(month),
            "next": next_month(month) if next_month(month) <= timezone.localdate() else None,
            "entries": entries,
            "totals": totals,
        }


def month_start(value: str | None) -> date:
    """The first day of the month asked for as YYYY-MM; this month for anything else."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else timezone.localdate().replace(day=1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def next_month(month: date) -> date:
    return expense_services.month_end(month) + timedelta(days=1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


# --- expense reports ---


class MonthSubmitView(VolunteerSelfMixin, ActionView):
    """The volunteer submits the month shown on "My month" (a button with a confirmation)."""

    form_class = forms.MonthSubmitForm
    success_message = gettext_lazy("The expense report was submitted to your supervisor.")

    def perform(self, data):
        self.month = data["month"]
        expense_services.expense_report_submit(
            actor=self.request.user, month=data["month"], confirmed=data["confirmed"]
        )

    def object_url(self) -> str:
        month = getattr(self, "month", None) or month_start(self.request.POST.get("month", "")[:7])
        return f"{reverse('volunteers:my-month')}?month={month:%Y-%m}"


REPORT_ROLES = (Role.COORDINATOR, Role.REGIONAL_MANAGER, Role.SPECIALIST, Role.SERVICE_ORGANISER)


class ReportListView(RoleRequiredMixin, TemplateView):
    roles = REPORT_ROLES
    template_name = "volunteers/report_list.html"

    def get_context_data(self, **kwargs):
        form = forms.ReportFilterForm(self.request.GET or None)
        status = form.cleaned_data.get("status") if form.is_valid() else ""
        reports = ExpenseReport.objects.restrict(self.request.user).select_related("volunteer")
        if status:
            reports = reports.filter(status=status)
        page = paginate(reports.order_by("-month", "volunteer__last_name", "pk"), self.request.GET)
        if page.items:
            log_access(self.request.user, AccessAction.LIST, object_type="volunteers.expensereport")
        return {**super().get_context_data(**kwargs), "form": form, "page": page}


class ReportMixin(RestrictedObjectMixin):
    model = ExpenseReport
    roles = REPORT_ROLES

    def get_base_queryset(self):
        return ExpenseReport.objects.select_related("volunteer__supervisor", "decided_by")

    def prepare(self, request, *args, **kwargs):
        self.report = self.get_object()
        if request.method == "GET":
            log_access(request.user, AccessAction.VIEW, obj=self.report)
        return None

    def object_url(self) -> str:
        return reverse("volunteers:report", args=[self.report.pk])


class ReportDetailView(ReportMixin, TemplateView):
    # The volunteer reads their own reports here too (anyone else's: not found).
    roles = (*REPORT_ROLES, Role.VOLUNTEER)
    template_name = "volunteers/report_detail.html"

    def get_context_data(self, **kwargs):
        report, user = self.report, self.request.user
        figures = expense_services.report_figures(report.volunteer, report.month)
        can_decide = (
            report.is_submitted
            and report.volunteer.user_id != user.pk
            and ExpenseReport.objects.restrict(user, "approve").filter(pk=report.pk).exists()
            and (user.has_role(Role.COORDINATOR, Role.REGIONAL_MANAGER) or report.volunteer.supervisor_id == user.pk)
        )
        return {
            **super().get_context_data(**kwargs),
            "report": report,
            "figures": figures,
            "can_decide": can_decide,
            "return_form": forms.ReportReturnForm(initial={"version": report.version}),
        }


class ReportApproveView(ReportMixin, ActionView):
    action = "approve"
    form_class = forms.ReportDecisionForm
    success_message = gettext_lazy("The expense report was approved. It is paid with the next payment file.")

    def perform(self, data):
        expense_services.expense_report_approve(
            actor=self.request.user, report=self.report, expected_version=data["version"]
        )


class ReportReturnView(ReportMixin, ActionView):
    action = "approve"
    form_class = forms.ReportReturnForm
    success_message = gettext_lazy("The expense report was returned to the volunteer.")

    def perform(self, data):
        expense_services.expense_report_return(
            actor=self.request.user, report=self.report, expected_version=data["version"], comment=data["comment"]
        )


class ExpensePaymentsView(RoleRequiredMixin, ActionView):
    """Approved expense reports waiting for payment, the files made, and the form that makes the next."""

    roles = (Role.SERVICE_ORGANISER,)
    template_name = "volunteers/payments.html"
    title = gettext_lazy("Volunteers' expenses")
    submit_label = gettext_lazy("Export for payment (CSV and pain.001)")

    def get_form(self, data=None, **kwargs):
        return forms.ExpensePaymentForm(data, initial={"execution_date": timezone.localdate()})

    def page_context(self, form) -> dict:
        user = self.request.user
        waiting = list(
            ExpenseReport.objects.restrict(user, "pay")
            .filter(status=ReportStatus.APPROVED, export__isnull=True)
            .select_related("volunteer")
            .order_by("volunteer__last_name", "month")
        )
        payments = paginate(ExpensePayment.objects.restrict(user).order_by("-created_at", "-pk"), self.request.GET)
        return {**super().page_context(form), "waiting": waiting, "payments": payments}

    def perform(self, data):
        payment = expense_services.expense_payments_export(
            actor=self.request.user, execution_date=data["execution_date"]
        )
        self.success_message = _("%(count)s expense reports were sent for payment.") % {
            "count": payment.reports.count()
        }

    def object_url(self) -> str:
        return reverse("volunteers:payments")


class ExpensePaymentFileView(RoleRequiredMixin, View):
    roles = (Role.SERVICE_ORGANISER,)

    def get(self, request, pk, kind):
        return payment_file_response(
            request, restricted_object(ExpensePayment.objects.all(), request.user, pk=pk), kind
        )


# --- supervision ---


class SupervisionContactAddView(VolunteerMixin, ActionView):
    """The supervisor records a contact with their volunteer (the coordinator may too)."""

    template_name = "volunteers/volunteer_form.html"
    form_class = forms.SupervisionContactForm
    title = gettext_lazy("Record a supervision contact")
    success_message = gettext_lazy("The supervision contact was recorded.")

    def prepare(self, request, *args, **kwargs):
        super().prepare(request, *args, **kwargs)
        if self.volunteer.supervisor_id != request.user.pk and not request.user.has_role(Role.COORDINATOR):
            raise PermissionDenied
        return None

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "volunteer": self.volunteer}

    def perform(self, data):
        supervision_services.supervision_contact_add(actor=self.request.user, volunteer=self.volunteer, **data)


class GroupSessionListView(RoleRequiredMixin, TemplateView):
    roles = REGISTRY_ROLES
    template_name = "volunteers/group_sessions.html"

    def get_context_data(self, **kwargs):
        sessions = (
            GroupSession.objects.restrict(self.request.user)
            .select_related("region", "led_by")
            .prefetch_related("attendees")
            .order_by("-held_on", "-pk")
        )
        page = paginate(sessions, self.request.GET)
        if page.items:
            log_access(self.request.user, AccessAction.LIST, object_type="volunteers.groupsession")
        return {**super().get_context_data(**kwargs), "page": page}


class GroupSessionAddView(RoleRequiredMixin, ActionView):
    roles = REGISTRY_ROLES
    template_name = "form_page.html"
    title = gettext_lazy("Record a group session")
    success_message = gettext_lazy("The group session was recorded.")

    def get_form(self, data=None, **kwargs):
        if data is None:
            kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        return forms.GroupSessionForm(data, user=self.request.user, **kwargs)

    def perform(self, data):
        supervision_services.group_session_add(
            actor=self.request.user,
            region=data["region"],
            attendees=data["attendees"],
            **{name: data[name] for name in supervision_services.SESSION_FIELDS},
        )

    def object_url(self) -> str:
        return reverse("volunteers:group-sessions")


# --- overviews ---


class OverviewView(RoleRequiredMixin, TemplateView):
    """Hours, activities, kilometres and costs per volunteer, region and month; volunteers per case and the
    average support duration; assigned volunteers who have gone quiet."""

    roles = REGISTRY_ROLES
    template_name = "volunteers/overview.html"

    def get_context_data(self, **kwargs):
        form = forms.OverviewForm(self.request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        year = data.get("year") or timezone.localdate().year
        overview = activity_overview(self.request.user, year=year, region=data.get("region"))
        log_access(self.request.user, AccessAction.LIST, object_type="volunteers.activityentry")
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "year": year,
            "inactive_days": settings.VOLUNTEER_INACTIVE_DAYS,
            **overview,
        }


class MyYearView(VolunteerSelfMixin, TemplateView):
    template_name = "volunteers/my_year.html"

    def get_context_data(self, **kwargs):
        year = row_id(self.request.GET.get("year"))
        year = year if year and 2019 <= year <= 2100 else timezone.localdate().year
        months = year_summary(self.volunteer, year)
        totals = {
            "activities": sum(row["activities"] for row in months),
            "hours": round(sum(row["hours"] for row in months), 1),
            "km": sum((row["km"] for row in months), Decimal("0")),
            "amount": sum((row["amount"] or Decimal("0") for row in months), Decimal("0")),
        }
        return {**super().get_context_data(**kwargs), "year": year, "months": months, "totals": totals}


# --- trainings ---

TRAINING_ROLES = (Role.COORDINATOR, Role.REGIONAL_MANAGER)


class TrainingListView(RoleRequiredMixin, TemplateView):
    roles = TRAINING_ROLES
    template_name = "volunteers/training_list.html"

    def get_context_data(self, **kwargs):
        trainings = (
            Training.objects.restrict(self.request.user)
            .select_related("region")
            .annotate(attendees=Count("attendances"))
            .order_by("-held_on", "-pk")
        )
        return {
            **super().get_context_data(**kwargs),
            "page": paginate(trainings, self.request.GET),
            "can_add": self.request.user.has_role(Role.COORDINATOR),
        }


class TrainingAddView(RoleRequiredMixin, ActionView):
    roles = (Role.COORDINATOR,)
    template_name = "form_page.html"
    title = gettext_lazy("Record a training")
    success_message = gettext_lazy("The training was recorded. Approve the hours on its page.")

    def get_form(self, data=None, **kwargs):
        return forms.TrainingForm(data, user=self.request.user, **kwargs)

    def perform(self, data):
        training = training_services.training_add(
            actor=self.request.user,
            attendees=data["attendees"],
            **{name: data[name] for name in training_services.TRAINING_FIELDS},
        )
        return reverse("volunteers:training", args=[training.pk])

    def object_url(self) -> str:
        return reverse("volunteers:trainings")


class TrainingMixin(RestrictedObjectMixin):
    model = Training
    roles = TRAINING_ROLES

    def prepare(self, request, *args, **kwargs):
        self.training = self.get_object()
        return None

    def object_url(self) -> str:
        return reverse("volunteers:training", args=[self.training.pk])


class TrainingDetailView(TrainingMixin, TemplateView):
    template_name = "volunteers/training_detail.html"

    def get_context_data(self, **kwargs):
        attendances = list(
            TrainingAttendance.objects.restrict(self.request.user)
            .filter(training=self.training)
            .select_related("volunteer", "approved_by")
            .order_by("volunteer__last_name", "volunteer__first_name")
        )
        log_access(self.request.user, AccessAction.VIEW, obj=self.training)
        return {
            **super().get_context_data(**kwargs),
            "training": self.training,
            "attendances": attendances,
            "can_approve": self.request.user.has_role(Role.COORDINATOR)
            and any(a.attended and a.approved_at is None for a in attendances),
        }


class TrainingApproveView(TrainingMixin, ActionView):
    roles = (Role.COORDINATOR,)
    action = "change"
    success_message = gettext_lazy("The hours were approved.")

    def perform(self, data):
        training_services.training_hours_approve(actor=self.request.user, training=self.training)


class CertificateView(RoleRequiredMixin, ActionView):
    """A certificate of attendance (a PDF made in a worker); the page follows the job."""

    roles = TRAINING_ROLES

    def prepare(self, request, *args, **kwargs):
        self.attendance = restricted_object(
            TrainingAttendance.objects.select_related("training"), request.user, pk=kwargs["pk"]
        )
        return None

    def perform(self, data):
        job = training_services.certificate_request(actor=self.request.user, attendance=self.attendance)
        return reverse("job", args=[job.pk])

    def object_url(self) -> str:
        return reverse("volunteers:training", args=[self.attendance.training_id])


class CoordinatorAssignView(VolunteerMixin, ActionView):
    """The coordinator assigns the volunteer to a case of their region named by its number; they do not see
    the case (the case's specialist is told and sees the assignment on the case)."""

    roles = (Role.COORDINATOR,)
    action = "change"
    template_name = "volunteers/volunteer_form.html"
    title = gettext_lazy("Assign to a case")
    submit_label = gettext_lazy("Assign")

    def get_form(self, data=None, **kwargs):
        if data is None:
            kwargs.setdefault("initial", {"starts_on": timezone.localdate()})
        return forms.CoordinatorAssignmentForm(data, user=self.request.user, **kwargs)

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "volunteer": self.volunteer}

    def perform(self, data):
        assignment = assignment_services.assignment_create(
            actor=self.request.user,
            volunteer=self.volunteer,
            case_reference=data["case_reference"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            tasks=data["tasks"],
            address_needed=data["address_needed"],
            conflicts_seen=data["conflicts_seen"],
        )
        self.success_message = _("The volunteer was assigned (client code %(code)s).") % {
            "code": assignment.client_code
        }
