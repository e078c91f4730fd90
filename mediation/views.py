"""Mediation pages: the list, receiving a case, a mediation's page and its actions. The region's casework
staff see their region's mediations; a mediator (staff or volunteer) sees their own."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases.sealing import hidden_person_ids, mark_hidden
from mediation import forms, selectors
from mediation.models import Mediation, Obligation, ObligationStatus
from mediation.services import mediations as services
from victimsupport.audit import AccessAction, log_access
from victimsupport.letters import letter_download
from victimsupport.models import Role
from victimsupport.paging import paginate, sorted_list_context
from victimsupport.permissions import is_permitted
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object
from victimsupport.views.actions import ActionView

CASEWORK = (Role.SPECIALIST, Role.REGIONAL_MANAGER)
MEDIATORS = (*CASEWORK, Role.VOLUNTEER)


def parties(mediation: Mediation) -> list[int]:
    return [mediation.victim_id, mediation.offender_id]


# A mediation comes from criminal proceedings: its reads are restricted (P) in what a party is shown of
# who used their data (DOMAIN.md, Privacy), so the offender never learns who looked at the victim's file.


class MediationListView(RoleRequiredMixin, TemplateView):
    roles = MEDIATORS
    template_name = "mediation/list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = forms.MediationFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        listing = sorted_list_context(self.request.GET, selectors.SORTS, "-received")
        mediations = selectors.mediation_list(
            user,
            q=filters.get("q") or "",
            status=filters.get("status") or "",
            mine=bool(filters.get("mine")),
            sort=listing["sort"],
        )
        page = paginate(mediations, self.request.GET)
        mark_hidden(self.request, [person for m in page.items for person in (m.victim, m.offender)])
        if page.items:
            log_access(
                user,
                AccessAction.LIST,
                object_type="mediation.mediation",
                persons=[person for m in page.items for person in parties(m)],
                restricted=True,
            )
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": page,
            **listing,
            "columns": [("received", _("Received"))],
            "can_receive": user.has_role(*CASEWORK),
        }


class MediationReceiveView(RoleRequiredMixin, ActionView):
    roles = CASEWORK
    form_class = forms.MediationReceiveForm
    template_name = "mediation/receive.html"
    title = gettext_lazy("A mediation from a prosecutor or a court")
    submit_label = gettext_lazy("Record the mediation")
    success_message = gettext_lazy("The mediation was recorded. Appoint the mediator within five working days.")

    def get_form(self, data=None, **kwargs):
        return forms.MediationReceiveForm(data, user=self.request.user, **kwargs)

    def perform(self, data):
        mediation = services.mediation_receive(actor=self.request.user, **forms.receive_arguments(data))
        return reverse("mediation:mediation", args=[mediation.pk])

    def object_url(self) -> str:
        return reverse("mediation:list")


class MediationMixin(RoleRequiredMixin):
    """Views of one mediation (or of an obligation of it): 404 out of scope, 403 without `action`, and an
    access log row for every page that shows it."""

    roles = MEDIATORS
    action = "view"
    log_view = True

    def get_form(self, data=None, **kwargs):
        # An ActionView's form on one mediation: its rules judge the typed day against the mediation's.
        if issubclass(self.form_class, forms.OfMediation):
            kwargs.setdefault("mediation", self.mediation)
        return super().get_form(data, **kwargs)

    def load(self, request, pk):
        base = Mediation.objects.select_related("region", "victim", "offender", "mediator", "report")
        self.mediation = restricted_object(base, request.user, action=self.action, pk=pk)
        if request.method == "GET" and self.log_view:
            log_access(
                request.user, AccessAction.VIEW, obj=self.mediation, persons=parties(self.mediation), restricted=True
            )

    def prepare(self, request, *args, **kwargs):
        self.load(request, kwargs["pk"])

    def object_url(self) -> str:
        return reverse("mediation:mediation", args=[self.mediation.pk])

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "mediation": self.mediation}


class MediationDetailView(MediationMixin, TemplateView):
    template_name = "mediation/detail.html"

    def get_context_data(self, **kwargs):
        mediation, user = self.mediation, self.request.user
        mark_hidden(self.request, [mediation.victim, mediation.offender])
        may_change = is_permitted(user, mediation, "change")
        can_change = may_change and not mediation.is_closed
        obligations = list(mediation.obligations.all())
        today = timezone.localdate()
        return {
            **super().get_context_data(**kwargs),
            "mediation": mediation,
            "deadlines": [
                (row, row.state(today, closed=mediation.is_closed)) for row in selectors.mediation_deadlines(mediation)
            ],
            "names_hidden": mediation.victim.name_hidden or mediation.offender.name_hidden,
            "contacts": [
                (_("Victim"), mediation.victim, selectors.allowed_contact(mediation.victim)),
                (_("Offender"), mediation.offender, selectors.allowed_contact(mediation.offender)),
            ],
            "meetings": list(mediation.meetings.select_related("recorded_by")),
            "obligations": obligations,
            "can_change": can_change,
            "can_appoint": is_permitted(user, mediation, "assign") and not mediation.is_closed,
            "appoint_form": forms.AppointForm(
                mediation=mediation, initial={"mediator": mediation.mediator_id, "version": mediation.version}
            ),
            "today": today,
            "settle_form": forms.SettleForm(),
            "close_form": forms.CloseForm(),
            "offence_form": forms.NewOffenceForm(),
            "can_report": may_change,
            "can_record_offence": may_change and mediation.agreement_on is not None and not mediation.new_offence_on,
            "open_obligations": any(o.is_open for o in obligations),
        }


class MediationEditView(MediationMixin, ActionView):
    action = "assign"  # the region's staff: the mediator does not rewrite the prosecutor's referral
    form_class = forms.MediationForm
    template_name = "mediation/form.html"
    title = gettext_lazy("The referral and the consent")
    edits = "mediation"
    success_message = gettext_lazy("Saved.")

    def perform(self, data):
        services.mediation_update(
            actor=self.request.user,
            mediation=self.mediation,
            expected_version=data["version"],
            **{name: data[name] for name in services.MEDIATION_FIELDS},
        )


class ButtonMixin(MediationMixin):
    """A button on the mediation's page: it shows nothing itself, so it logs no read."""

    log_view = False


class AppointView(ButtonMixin, ActionView):
    action = "assign"
    success_message = gettext_lazy("The mediator was appointed and told.")

    def get_form(self, data=None, **kwargs):
        return forms.AppointForm(data, mediation=self.mediation)

    def perform(self, data):
        services.mediator_appoint(
            actor=self.request.user,
            mediation=self.mediation,
            mediator=data["mediator"],
            appointed_on=data["appointed_on"],
            expected_version=data["version"],
        )


class MeetingView(MediationMixin, ActionView):
    action = "change"
    form_class = forms.MeetingForm
    template_name = "mediation/form.html"
    title = gettext_lazy("Record a meeting")
    success_message = gettext_lazy("The meeting was recorded.")

    def perform(self, data):
        services.meeting_record(actor=self.request.user, mediation=self.mediation, **data)


class AgreementView(MediationMixin, ActionView):
    action = "change"
    form_class = forms.AgreementForm
    template_name = "mediation/form.html"
    title = gettext_lazy("Record the agreement")
    intro = gettext_lazy("Each obligation is fulfilled within six months of the agreement.")
    success_message = gettext_lazy("The agreement was recorded. Add its other obligations, if any.")

    def perform(self, data):
        services.agreement_record(actor=self.request.user, mediation=self.mediation, **data)


class ObligationAddView(MediationMixin, ActionView):
    action = "change"
    form_class = forms.ObligationForm
    template_name = "mediation/form.html"
    title = gettext_lazy("Add an obligation")
    success_message = gettext_lazy("The obligation was added.")

    def perform(self, data):
        services.obligation_add(actor=self.request.user, mediation=self.mediation, **data)


class ObligationSettleView(ButtonMixin, ActionView):
    action = "change"
    form_class = forms.SettleForm
    success_message = gettext_lazy("Recorded.")

    def prepare(self, request, *args, **kwargs):
        self.obligation = restricted_object(
            Obligation.objects.filter(status=ObligationStatus.OPEN), request.user, action="change", pk=kwargs["pk"]
        )
        self.load(request, self.obligation.mediation_id)

    def perform(self, data):
        services.obligation_settle(actor=self.request.user, obligation=self.obligation, **data)


class CloseView(ButtonMixin, ActionView):
    action = "change"
    form_class = forms.CloseForm
    success_message = gettext_lazy("The mediation was closed.")

    def perform(self, data):
        services.mediation_close(
            actor=self.request.user, mediation=self.mediation, outcome=data["outcome"], closed_on=data["closed_on"]
        )


class NewOffenceView(ButtonMixin, ActionView):
    action = "change"
    form_class = forms.NewOffenceForm
    success_message = gettext_lazy("The new offence was recorded and the regional managers told.")

    def perform(self, data):
        services.new_offence_record(actor=self.request.user, mediation=self.mediation, offence_on=data["offence_on"])


class ReportView(ButtonMixin, ActionView):
    """Make the mediator's report to the prosecutor's office or court (a registered letter, in a worker)."""

    action = "change"

    def perform(self, data):
        job = services.report_request(actor=self.request.user, mediation=self.mediation)
        return reverse("job", args=[job.pk])


class ReportLetterView(MediationMixin, View):
    log_view = False  # the download is logged

    def get(self, request, pk):
        # A party who is the client of a sealed case the user has not opened is named in the report.
        if hidden_person_ids(request, parties(self.mediation)):
            raise PermissionDenied
        return letter_download(request, self.mediation.report, persons=parties(self.mediation), restricted=True)
