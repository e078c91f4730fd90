"""MARAC pages: risk assessments in a case, the referral, networks and members, meetings with agenda,
attendance and minutes, the MARAC case (the only record partners see) and the action plan."""

from __future__ import annotations

import copy

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from cases.choices import IncidentType
from cases.sealing import mark_hidden
from cases.views.base import CaseMixin, sealed_gate
from marac import forms
from marac.figures import marac_figures
from marac.letters import notification_is_stale
from marac.models import Action, AgendaItem, MaracCase, Meeting, Membership, Network, RiskAssessment
from marac.selectors import (
    assessment_answers,
    case_assessments,
    current_questionnaire,
    maraccase_list,
    meeting_items,
    my_actions,
    networks_for_referral,
    person_trend,
    repeat_of,
)
from marac.services import actions as action_services
from marac.services import assessments as assessment_services
from marac.services import meetings as meeting_services
from marac.services import networks as network_services
from marac.services import referrals as referral_services
from marac.trend import trend_points
from victimsupport.audit import AccessAction, log_access
from victimsupport.letters import letter_download
from victimsupport.models import Role
from victimsupport.paging import paginate, sorted_list_context
from victimsupport.permissions import is_permitted
from victimsupport.permissions.views import RestrictedObjectMixin, RoleRequiredMixin
from victimsupport.views.actions import ActionView

CASEWORK = (Role.SPECIALIST, Role.REGIONAL_MANAGER)
MARAC_ROLES = (Role.COORDINATOR, Role.REGIONAL_MANAGER, Role.SPECIALIST, Role.MARAC_PARTNER)
CASE_SORTS = {
    "referred": ("referred_on", "pk"),
    "-referred": ("-referred_on", "-pk"),
    "status": ("status", "-referred_on", "-pk"),
    "-status": ("-status", "referred_on", "pk"),  # the list by status, backwards (one index serves both)
}


def gate_if_case_staff(request, case):
    """A sealed case's MARAC pages ask those who see the case itself for a reason, as the case does;
    the others (the network) see the MARAC record with the client's name hidden."""
    if case.sealed and is_permitted(request.user, case, "view"):
        return sealed_gate(request, case)
    return None


# --- risk assessments in a case (victim support staff) ---


class CaseRiskView(CaseMixin, TemplateView):
    """A case's risk assessments (current and superseded), the person's trend and MARAC referrals."""

    template_name = "marac/case_risk.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        assessments = case_assessments(user, self.case)
        trend = person_trend(user, self.case.client)
        return {
            **super().get_context_data(**kwargs),
            "case": self.case,
            "assessments": assessments,
            "trend": trend_points(trend),
            "trend_rows": trend,
            "repeat": repeat_of(self.case.client, timezone.localdate()),
            "referrals": MaracCase.objects.restrict(user).filter(case=self.case).select_related("network"),
            "can_change": is_permitted(user, self.case, "change") and self.case.is_open,
            "questionnaire": current_questionnaire(),
        }


class AssessmentAddView(CaseMixin, ActionView):
    action = "change"
    template_name = "marac/assessment_form.html"
    title = gettext_lazy("Risk assessment")
    submit_label = gettext_lazy("Save the assessment")
    success_message = gettext_lazy("The assessment was saved. It is never changed; a new one supersedes it.")

    def prepare(self, request, *args, **kwargs):
        response = super().prepare(request, *args, **kwargs)
        self.questionnaire = current_questionnaire()
        if self.questionnaire is None:
            raise Http404
        return response

    def get_form(self, data=None, **kwargs):
        if data is None:
            kwargs.setdefault("initial", {"assessed_on": timezone.localdate(), "police_callouts": 0})
        return forms.AssessmentForm(data, questionnaire=self.questionnaire, **kwargs)

    def page_context(self, form) -> dict:
        return {
            **super().page_context(form),
            "case": self.case,
            "questionnaire": self.questionnaire,
            "repeat": repeat_of(self.case.client, timezone.localdate()),
        }

    def perform(self, data):
        assessment = assessment_services.assessment_create(
            actor=self.request.user,
            case=self.case,
            questionnaire=self.questionnaire,
            answers={q.number: data[f"{forms.QUESTION_PREFIX}{q.number}"] for q in self.questionnaire.questions.all()},
            assessed_on=data["assessed_on"],
            police_callouts=data["police_callouts"],
            judgement_level=data["judgement_level"],
            judgement_reason=data["judgement_reason"],
            incident_note=data["incident_note"],
        )
        return reverse("marac:assessment", args=[assessment.pk])

    def object_url(self) -> str:
        return reverse("marac:case-risk", args=[self.case.pk])


class AssessmentMixin(RestrictedObjectMixin):
    model = RiskAssessment
    roles = CASEWORK

    def get_base_queryset(self):
        return RiskAssessment.objects.select_related(
            "case__client", "questionnaire", "assessed_by", "repeat_of", "supersedes", "superseded_by"
        )

    def prepare(self, request, *args, **kwargs):
        self.assessment = self.get_object()
        self.case = self.assessment.case
        gate = sealed_gate(request, self.case)
        if gate is not None:
            return gate
        if request.method == "GET":
            log_access(request.user, AccessAction.VIEW, obj=self.assessment, persons=[self.assessment.person_id])
        return None


class AssessmentDetailView(AssessmentMixin, TemplateView):
    template_name = "marac/assessment_detail.html"

    def get_context_data(self, **kwargs):
        assessment = self.assessment
        return {
            **super().get_context_data(**kwargs),
            "assessment": assessment,
            "case": self.case,
            "answers": assessment_answers(assessment),
            "reasons": assessment.reasons(),
            "referral": getattr(assessment, "marac_case", None),
            "can_refer": (
                assessment.may_refer
                and not hasattr(assessment, "marac_case")
                and not assessment.is_superseded
                and self.case.is_open
                and is_permitted(self.request.user, self.case, "change")
            ),
        }


class ReferView(AssessmentMixin, ActionView):
    """The referral: the assessment's answers, level and reasons are shown, never asked again."""

    action = "change"
    template_name = "marac/refer_form.html"
    title = gettext_lazy("Refer to MARAC")
    submit_label = gettext_lazy("Refer")
    success_message = gettext_lazy(
        "The case was referred. The referral letter and the notification sheet are being made."
    )

    def get_form(self, data=None, **kwargs):
        networks = networks_for_referral(self.request.user, self.case)
        if data is None:
            first = networks.filter(county=self.case.county_id).first()
            kwargs.setdefault("initial", {"network": first.pk if first else None})
        return forms.ReferralForm(data, networks=networks, **kwargs)

    def page_context(self, form) -> dict:
        return {
            **super().page_context(form),
            "assessment": self.assessment,
            "case": self.case,
            "answers": assessment_answers(self.assessment),
            "reasons": self.assessment.reasons(),
            "not_domestic_violence": self.case.incident_type != IncidentType.DOMESTIC_VIOLENCE,
        }

    def perform(self, data):
        referral = referral_services.maraccase_refer(actor=self.request.user, assessment=self.assessment, **data)
        return reverse("marac:case", args=[referral.pk])

    def object_url(self) -> str:
        return reverse("marac:assessment", args=[self.assessment.pk])


# --- networks and members ---


class NetworkListView(RoleRequiredMixin, TemplateView):
    roles = MARAC_ROLES
    template_name = "marac/network_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "networks": Network.objects.restrict(user).select_related("county"),
            "can_see_figures": user.has_role(*FiguresView.roles),
            "can_list_cases": user.has_role(*MaracCaseListView.roles),
        }


class NetworkMixin(RestrictedObjectMixin):
    model = Network
    roles = MARAC_ROLES

    def get_base_queryset(self):
        return Network.objects.select_related("county")

    def prepare(self, request, *args, **kwargs):
        self.network = self.get_object()
        return None

    def object_url(self) -> str:
        return reverse("marac:network", args=[self.network.pk])


class NetworkDetailView(NetworkMixin, TemplateView):
    template_name = "marac/network_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        memberships = self.network.memberships.select_related("user", "agency").order_by(
            "agency__kind", "user__last_name"
        )
        return {
            **super().get_context_data(**kwargs),
            "network": self.network,
            "agencies": self.network.agencies.all(),
            "current": [m for m in memberships if m.is_active_on(today)],
            "former": [m for m in memberships if not m.is_active_on(today)],
            "meetings": Meeting.objects.restrict(user).filter(network=self.network).order_by("-starts_at")[:24],
            "can_change": is_permitted(user, self.network, "change"),
            "end_form": forms.MembershipEndForm(initial={"ends_on": today}),
        }


class AgencyAddView(NetworkMixin, ActionView):
    action = "change"
    template_name = "form_page.html"
    form_class = forms.AgencyForm
    title = gettext_lazy("Add a member agency")
    success_message = gettext_lazy("The agency was added.")

    def perform(self, data):
        network_services.agency_add(actor=self.request.user, network=self.network, **data)


class MemberAddView(NetworkMixin, ActionView):
    action = "change"
    template_name = "form_page.html"
    title = gettext_lazy("Add a member")
    success_message = gettext_lazy("The member was added.")
    intro = gettext_lazy("A partner agency's member needs a MARAC partner account; they must use the second factor.")

    def get_form(self, data=None, **kwargs):
        if data is None:
            kwargs.setdefault("initial", {"starts_on": timezone.localdate()})
        return forms.MemberForm(data, network=self.network, **kwargs)

    def perform(self, data):
        network_services.membership_add(actor=self.request.user, network=self.network, **data)


class MemberEndView(RestrictedObjectMixin, ActionView):
    model = Membership
    roles = (Role.COORDINATOR, Role.REGIONAL_MANAGER)
    form_class = forms.MembershipEndForm
    success_message = gettext_lazy("The membership ends on the date given; access ends with it.")

    def prepare(self, request, *args, **kwargs):
        self.membership = self.get_object()
        return None

    def perform(self, data):
        network_services.membership_end(actor=self.request.user, membership=self.membership, ends_on=data["ends_on"])

    def object_url(self) -> str:
        return reverse("marac:network", args=[self.membership.network_id])


class MemberRolesView(MemberEndView):
    """Who chairs and who coordinates: marks on a membership."""

    template_name = "form_page.html"
    form_class = forms.MemberRolesForm
    title = gettext_lazy("Chair and coordinator")
    success_message = gettext_lazy("The membership was changed.")

    def get_form(self, data=None, **kwargs):
        initial = {"is_chair": self.membership.is_chair, "is_coordinator": self.membership.is_coordinator}
        return forms.MemberRolesForm(data, initial=kwargs.pop("initial", None) or initial, **kwargs)

    def perform(self, data):
        network_services.membership_roles_set(actor=self.request.user, membership=self.membership, **data)


class ScheduleView(NetworkMixin, ActionView):
    action = "change"
    template_name = "form_page.html"
    form_class = forms.ScheduleForm
    title = gettext_lazy("Plan monthly meetings")
    success_message = gettext_lazy("The meetings were planned.")

    def get_form(self, data=None, **kwargs):
        if data is None:
            kwargs.setdefault("initial", {"place": self.network.meeting_place, "count": 6})
        return forms.ScheduleForm(data, **kwargs)

    def perform(self, data):
        made = meeting_services.meetings_schedule(actor=self.request.user, network=self.network, **data)
        if len(made) < data["count"]:
            self.success_message = _(
                "%(made)s of %(asked)s meetings were planned; the other months already had a meeting."
            ) % {"made": len(made), "asked": data["count"]}


# --- meetings ---


class MeetingMixin(RestrictedObjectMixin):
    model = Meeting
    roles = MARAC_ROLES

    def get_base_queryset(self):
        return Meeting.objects.select_related("network__county", "agenda_document", "minutes_document")

    def prepare(self, request, *args, **kwargs):
        self.meeting = self.get_object()
        return None

    def object_url(self) -> str:
        return reverse("marac:meeting", args=[self.meeting.pk])


class MeetingDetailView(MeetingMixin, TemplateView):
    template_name = "marac/meeting_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        items = meeting_items(user, self.meeting)
        mark_hidden(self.request, [item.referral.person for item in items])
        if items:
            log_access(
                user, AccessAction.LIST, object_type="marac.maraccase", persons=[i.referral.person_id for i in items]
            )
        can_change = is_permitted(user, self.meeting, "change")
        return {
            "may_download_agenda": can_change or member_before_the_meeting(self.meeting, user),
            "may_download_minutes": can_change,
            **super().get_context_data(**kwargs),
            "meeting": self.meeting,
            "items": items,
            "present": self.meeting.attendees.select_related("user", "agency"),
            "can_change": can_change,
            "attendance_form": forms.AttendanceForm(
                meeting=self.meeting,
                initial={"version": self.meeting.version, "present": list(self.meeting.attendees.all())},
            )
            if can_change
            else None,
        }


class MeetingButton(MeetingMixin, ActionView):
    action = "change"
    roles = (Role.COORDINATOR, Role.REGIONAL_MANAGER)


class AgendaFillView(MeetingButton):
    success_message = gettext_lazy("The cases to hear were put on the agenda.")

    def perform(self, data):
        meeting_services.agenda_fill(actor=self.request.user, meeting=self.meeting)


class AgendaSendView(MeetingButton):
    success_message = gettext_lazy("The agenda is being made; the members are told when it is ready.")

    def perform(self, data):
        job = meeting_services.agenda_send(actor=self.request.user, meeting=self.meeting)
        return reverse("job", args=[job.pk])


class AttendanceView(MeetingButton):
    success_message = gettext_lazy("Attendance was saved.")

    def get_form(self, data=None, **kwargs):
        return forms.AttendanceForm(data, meeting=self.meeting, **kwargs)

    def perform(self, data):
        meeting_services.attendance_record(
            actor=self.request.user,
            meeting=self.meeting,
            expected_version=data["version"],
            present=list(data["present"]),
        )


class MeetingEditView(MeetingButton):
    template_name = "form_page.html"
    title = gettext_lazy("Change the meeting's time or place")
    success_message = gettext_lazy("The meeting was changed.")

    def get_form(self, data=None, **kwargs):
        local = timezone.localtime(self.meeting.starts_at)
        initial = {"on": local.date(), "at": local.time(), "place": self.meeting.place, "version": self.meeting.version}
        return forms.MeetingForm(data, initial=kwargs.pop("initial", None) or initial, **kwargs)

    def form_after_conflict(self, current, initial: dict):
        self.meeting = current
        return self.get_form()

    def perform(self, data):
        meeting_services.meeting_edit(
            actor=self.request.user,
            meeting=self.meeting,
            expected_version=data["version"],
            on=data["on"],
            at=data["at"],
            place=data["place"],
        )


class MeetingCancelView(MeetingButton):
    template_name = "form_page.html"
    title = gettext_lazy("Cancel the meeting")
    intro = gettext_lazy("The cases on its agenda go on the next meeting's agenda when it is filled.")
    submit_label = gettext_lazy("Cancel the meeting")
    danger = True
    success_message = gettext_lazy("The meeting was cancelled.")

    def perform(self, data):
        meeting_services.meeting_cancel(actor=self.request.user, meeting=self.meeting)


class MeetingCloseView(MeetingButton):
    """A page of its own: what is still missing is shown before the minutes become final."""

    template_name = "marac/meeting_close.html"
    title = gettext_lazy("The meeting was held")
    submit_label = gettext_lazy("Record as held and issue the minutes")
    success_message = gettext_lazy("The meeting was recorded as held. The minutes are being made.")

    def page_context(self, form) -> dict:
        items = meeting_items(self.request.user, self.meeting)
        return {
            **super().page_context(form),
            "meeting": self.meeting,
            "without_minutes": [item for item in items if not item.has_minutes],
            "nobody_present": not self.meeting.attendees.exists(),
        }

    def perform(self, data):
        job = meeting_services.meeting_close(actor=self.request.user, meeting=self.meeting)
        return reverse("job", args=[job.pk])


def member_before_the_meeting(meeting: Meeting, user) -> bool:
    """A member today and on the meeting's day, while the meeting is still planned (the agenda's readers)."""
    members = Membership.objects.active_on().active_on(meeting.held_on)
    return meeting.is_planned and members.filter(network=meeting.network_id, user=user).exists()


class MeetingDocumentView(MeetingMixin, TemplateView):
    """The registered agenda and minutes name every case of the meeting: the minutes are for the
    organisers (members read each case's minutes on its page, while they may); the agenda also for the
    members of the meeting's day, until the meeting is held."""

    def get(self, request, *args, **kwargs):
        meeting, user = self.meeting, request.user
        kind = kwargs["kind"]
        organiser = is_permitted(user, meeting, "change")
        if kind == "minutes" and organiser:
            document = meeting.minutes_document
        elif kind == "agenda" and (organiser or member_before_the_meeting(meeting, user)):
            document = meeting.agenda_document
        else:
            raise Http404
        persons = list(meeting.items.values_list("referral__person_id", flat=True))
        return letter_download(request, document, persons=persons)


class ItemMixin(RestrictedObjectMixin):
    model = AgendaItem
    roles = (Role.COORDINATOR, Role.REGIONAL_MANAGER)
    action = "change"

    def get_base_queryset(self):
        return AgendaItem.objects.select_related("meeting__network", "referral__person", "referral__case")

    def prepare(self, request, *args, **kwargs):
        self.item = self.get_object()
        gate = gate_if_case_staff(request, self.item.referral.case)
        if gate is not None:
            return gate
        if request.method == "GET":
            log_access(request.user, AccessAction.VIEW, obj=self.item.referral, persons=[self.item.referral.person_id])
        return None

    def object_url(self) -> str:
        return reverse("marac:meeting", args=[self.item.meeting_id]) + f"#item-{self.item.pk}"


class MinutesView(ItemMixin, ActionView):
    template_name = "marac/minutes_form.html"
    form_class = forms.MinutesForm
    edits = "item"
    title = gettext_lazy("Minutes of the case")
    success_message = gettext_lazy("The minutes were saved.")

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "item": self.item}

    def perform(self, data):
        meeting_services.minutes_record(
            actor=self.request.user,
            item=self.item,
            expected_version=data["version"],
            **{name: data[name] for name in meeting_services.MINUTES_FIELDS},
        )


class AgendaRemoveView(ItemMixin, ActionView):
    success_message = gettext_lazy("The case was taken off the agenda.")

    def perform(self, data):
        meeting_services.agenda_remove(actor=self.request.user, item=self.item)


class ActionAddView(ItemMixin, ActionView):
    template_name = "marac/minutes_form.html"
    title = gettext_lazy("Agree an action")
    success_message = gettext_lazy("The action was added to the plan.")

    def get_form(self, data=None, **kwargs):
        return forms.ActionForm(data, item=self.item, **kwargs)

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "item": self.item}

    def perform(self, data):
        action_services.action_add(actor=self.request.user, item=self.item, **data)


# --- the MARAC case and its actions ---


class MaracCaseListView(RoleRequiredMixin, TemplateView):
    roles = (Role.COORDINATOR, Role.REGIONAL_MANAGER, Role.MARAC_PARTNER)
    template_name = "marac/case_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = forms.MaracCaseFilterForm(self.request.GET or None, user=user)
        filters = form.cleaned_data if form.is_valid() else {}
        listing = sorted_list_context(self.request.GET, CASE_SORTS, "-referred")
        cases = maraccase_list(user)
        if filters.get("network"):
            cases = cases.filter(network=filters["network"])
        if filters.get("status"):
            cases = cases.filter(status=filters["status"])
        page = paginate(cases.order_by(*CASE_SORTS[listing["sort"]]), self.request.GET)
        mark_hidden(self.request, [referral.person for referral in page.items])
        if page.items:
            log_access(
                user, AccessAction.LIST, object_type="marac.maraccase", persons=[c.person_id for c in page.items]
            )
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": page,
            **listing,
            "columns": [("referred", _("Referred")), ("status", _("Status"))],
        }


class MaracCaseMixin(RestrictedObjectMixin):
    model = MaracCase
    roles = MARAC_ROLES

    def get_base_queryset(self):
        return MaracCase.objects.select_related(
            "network__county", "person", "case", "assessment__questionnaire", "referral_letter", "notification_sheet"
        )

    def prepare(self, request, *args, **kwargs):
        self.referral = self.get_object()
        return gate_if_case_staff(request, self.referral.case)

    def object_url(self) -> str:
        return reverse("marac:case", args=[self.referral.pk])


class MaracCaseDetailView(MaracCaseMixin, TemplateView):
    """The MARAC record: what partners may see (level, reasons and answers as referred, what was shared
    at meetings, the action plan), never victim support's case notes, documents or aid."""

    template_name = "marac/case_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        referral = self.referral
        log_access(user, AccessAction.VIEW, obj=referral, persons=[referral.person_id])
        items = (
            AgendaItem.objects.restrict(user)
            .filter(referral=referral)
            .select_related("meeting")
            .order_by("meeting__starts_at")
        )
        actions = list(
            Action.objects.restrict(user).filter(referral=referral).select_related("agency", "owner").order_by("due_on")
        )
        editable = set(Action.objects.restrict(user, "change").filter(referral=referral).values_list("pk", flat=True))
        for action in actions:
            action.editable = action.pk in editable
        staff = is_permitted(user, referral.case, "view")
        return {
            **super().get_context_data(**kwargs),
            "referral": referral,
            "assessment": referral.assessment,
            "answers": assessment_answers(referral.assessment),
            "reasons": referral.assessment.reasons(),
            "items": items,
            "actions": actions,
            "case_staff": staff,
            "can_change": is_permitted(user, referral, "change"),
            "may_remake": may_remake_letters(user, referral),
            "may_read_notification": may_read_notification(user, referral),
            "sheet_stale": notification_is_stale(referral),
            "close_form": forms.CloseForm(initial={"version": referral.version}),
            "volunteers": referral.case.volunteer_assignments.filter(
                Q(ends_on__gte=timezone.localdate()), volunteer__kinds__contains=["marac"]
            ).select_related("volunteer")
            if staff or is_permitted(user, referral, "change")
            else [],
        }


class MaracCaseCloseView(MaracCaseMixin, ActionView):
    action = "change"
    roles = (Role.COORDINATOR, Role.REGIONAL_MANAGER)
    form_class = forms.CloseForm
    success_message = gettext_lazy("The MARAC case was closed. Partners no longer see it.")

    def perform(self, data):
        referral_services.maraccase_close(
            actor=self.request.user, referral=self.referral, expected_version=data["version"], note=data["note"]
        )


class MaracCaseLettersView(MaracCaseMixin, ActionView):
    """Make the letters again if a worker could not (only the missing ones are made)."""

    roles = (*CASEWORK, Role.COORDINATOR)
    success_message = gettext_lazy("The letters are being made.")

    def prepare(self, request, *args, **kwargs):
        response = super().prepare(request, *args, **kwargs)
        if response is None and not may_remake_letters(request.user, self.referral):
            raise PermissionDenied
        return response

    def perform(self, data):
        job = referral_services.maraccase_letters(actor=self.request.user, referral=self.referral)
        return reverse("job", args=[job.pk])


def may_read_notification(user, referral) -> bool:
    """The sheet names the victim and their address: the case's staff (past the sealed gate), or the
    organisers when the case is not sealed."""
    if is_permitted(user, referral.case, "view"):
        return True
    return not referral.case.sealed and is_permitted(user, referral, "change")


def may_remake_letters(user, referral) -> bool:
    return is_permitted(user, referral, "change") or is_permitted(user, referral.case, "change")


class MaracCaseDocumentView(MaracCaseMixin, TemplateView):
    """The referral letter (members and staff) or the notification sheet (victim support staff only)."""

    def get(self, request, *args, **kwargs):
        kind = kwargs["kind"]
        if kind == "referral":
            document = self.referral.referral_letter
        elif kind == "notification" and may_read_notification(request.user, self.referral):
            document = self.referral.notification_sheet
        else:
            raise Http404
        return letter_download(request, document, persons=[self.referral.person_id])


class ActionUpdateView(RestrictedObjectMixin, ActionView):
    model = Action
    roles = MARAC_ROLES
    action = "change"
    template_name = "marac/action_form.html"
    edits = "marac_action"
    title = gettext_lazy("How did the action go?")
    success_message = gettext_lazy("The action was updated.")

    def get_base_queryset(self):
        return Action.objects.select_related("referral__network", "agency", "owner")

    def prepare(self, request, *args, **kwargs):
        self.marac_action = self.get_object()
        if request.method == "GET":
            referral = self.marac_action.referral
            log_access(request.user, AccessAction.VIEW, obj=referral, persons=[referral.person_id])
        return None

    def get_form(self, data=None, **kwargs):
        kwargs.setdefault("instance", copy.copy(self.marac_action))
        may_cancel = is_permitted(self.request.user, self.marac_action.referral, "change")
        return forms.ActionUpdateForm(data, may_cancel=may_cancel, **kwargs)

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "marac_action": self.marac_action}

    def perform(self, data):
        action_services.action_update(
            actor=self.request.user,
            action=self.marac_action,
            expected_version=data["version"],
            status=data["status"],
            outcome=data["outcome"],
            completed_on=data["completed_on"],
        )

    def object_url(self) -> str:
        return reverse("marac:case", args=[self.marac_action.referral_id])


class ActionEditView(RestrictedObjectMixin, ActionView):
    model = Action
    roles = (Role.COORDINATOR, Role.REGIONAL_MANAGER)
    action = "change"
    template_name = "marac/action_form.html"
    form_class = forms.ActionPlanForm
    edits = "marac_action"
    title = gettext_lazy("Change the action")
    success_message = gettext_lazy("The action was changed.")

    def get_base_queryset(self):
        return Action.objects.select_related("referral__network", "agency", "owner", "agenda_item__meeting")

    def prepare(self, request, *args, **kwargs):
        self.marac_action = self.get_object()
        if not is_permitted(request.user, self.marac_action.referral, "change"):
            raise PermissionDenied
        return None

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "marac_action": self.marac_action}

    def perform(self, data):
        action_services.action_edit(
            actor=self.request.user,
            action=self.marac_action,
            expected_version=data["version"],
            **{name: data[name] for name in action_services.PLAN_FIELDS},
        )

    def object_url(self) -> str:
        return reverse("marac:case", args=[self.marac_action.referral_id])


class FiguresView(RoleRequiredMixin, TemplateView):
    roles = (Role.COORDINATOR, Role.REGIONAL_MANAGER, Role.ANALYST, Role.ADMINISTRATOR)
    template_name = "marac/figures.html"

    def get_context_data(self, **kwargs):
        year = timezone.localdate().year
        form = forms.FiguresForm(self.request.GET or None, initial={"year": year})
        data = form.cleaned_data if form.is_valid() else {}
        year, quarter = data.get("year") or year, data.get("quarter")
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "year": year,
            "quarter": quarter,
            **marac_figures(self.request.user, year, quarter),
        }


class MyActionsView(RoleRequiredMixin, TemplateView):
    roles = MARAC_ROLES
    template_name = "marac/my_actions.html"

    def get_context_data(self, **kwargs):
        actions = list(my_actions(self.request.user))
        if actions:
            persons = [action.referral.person_id for action in actions]
            log_access(self.request.user, AccessAction.LIST, object_type="marac.maraccase", persons=persons)
        return {**super().get_context_data(**kwargs), "actions": actions}
