"""Crisis response pages: the events, an event's live overview with the roster and the registrations,
registering a person (three taps and one typed field on a phone), and the follow-up of a registration.
An event and its registrations are seen by its roster (while it is open) and the region's managers."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from crisis import forms, selectors
from crisis.models import CrisisEvent, Registration, RosterEntry
from crisis.services import events as services
from victimsupport.audit import AccessAction, log_access
from victimsupport.models import Role
from victimsupport.paging import paginate
from victimsupport.permissions import is_permitted
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object
from victimsupport.views.actions import ActionView

HELPERS = (Role.SPECIALIST, Role.REGIONAL_MANAGER, Role.VOLUNTEER)
SHOWS = ("open", "due", "closed", "all")
MAX_POLLS = 20  # every 30 s: ten minutes after the last click


class EventListView(RoleRequiredMixin, TemplateView):
    roles = HELPERS
    template_name = "crisis/event_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "page": paginate(selectors.event_list(user), self.request.GET),
            "can_open": user.has_role(Role.REGIONAL_MANAGER),
        }


class EventOpenView(RoleRequiredMixin, ActionView):
    roles = (Role.REGIONAL_MANAGER,)
    template_name = "crisis/form.html"
    title = gettext_lazy("Open a crisis event")
    submit_label = gettext_lazy("Open the event")
    success_message = gettext_lazy("The event is open. Put the helpers on its roster.")

    def get_form(self, data=None, **kwargs):
        return forms.EventOpenForm(data, user=self.request.user, **kwargs)

    def perform(self, data):
        event = services.event_open(
            actor=self.request.user, region=data["region"], **{n: data[n] for n in services.EVENT_FIELDS}
        )
        return reverse("crisis:event", args=[event.pk])

    def object_url(self) -> str:
        return reverse("crisis:event-list")


class EventMixin(RoleRequiredMixin):
    roles = HELPERS
    action = "view"

    def load(self, request, pk):
        self.event = restricted_object(
            CrisisEvent.objects.select_related("region", "contact_point"), request.user, action=self.action, pk=pk
        )

    def prepare(self, request, *args, **kwargs):
        self.load(request, kwargs["pk"])

    def object_url(self) -> str:
        return reverse("crisis:event", args=[self.event.pk])

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "event": self.event}


class EventDetailView(EventMixin, TemplateView):
    """The live overview: figures, the waiting people first, the roster. It refreshes itself."""

    template_name = "crisis/event_detail.html"

    def get_context_data(self, **kwargs):
        event, user = self.event, self.request.user
        show = self.request.GET.get("show")
        show = show if show in SHOWS else "open"
        page = paginate(selectors.registrations(event, show=show), self.request.GET)
        if page.items:
            log_access(user, AccessAction.LIST, obj=event)
        # The page refreshes itself for a while after the last click, then waits for one (each refresh
        # is a request: polling for good would keep an unattended phone logged in).
        raw = self.request.GET.get("poll", "")
        polls = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else 0  # "²" is a digit, not a number
        manages = is_permitted(user, event, "assign")
        return {
            **super().get_context_data(**kwargs),
            "event": event,
            "figures": selectors.overview(event),
            "page": page,
            "show": show,
            "shows": SHOWS,
            "roster": list(event.roster.select_related("user")),
            "now": timezone.now(),
            "can_manage": manages and event.is_open,
            "can_register": event.is_open and is_permitted(user, event, "change"),
            "roster_form": forms.RosterForm(event=event) if manages and event.is_open else None,
            "poll_url": self._poll_url(polls + 1) if event.is_open and polls < MAX_POLLS else "",
        }

    def _poll_url(self, poll: int) -> str:
        """This page as it is (the list, its page), refreshed: the count of refreshes since the last click."""
        query = self.request.GET.copy()
        query["poll"] = str(poll)
        return f"?{query.urlencode()}"


class EventEditView(EventMixin, ActionView):
    action = "assign"
    template_name = "crisis/form.html"
    title = gettext_lazy("The event")
    edits = "event"
    success_message = gettext_lazy("Saved.")

    def get_form(self, data=None, **kwargs):
        kwargs.setdefault("instance", self.event)
        return forms.EventForm(data, region=self.event.region, **kwargs)

    def perform(self, data):
        services.event_update(
            actor=self.request.user,
            event=self.event,
            expected_version=data["version"],
            **{n: data[n] for n in services.EVENT_FIELDS},
        )


class EventCloseView(EventMixin, ActionView):
    action = "assign"
    success_message = gettext_lazy("The event was closed. The helpers' access ended; the follow-ups stay.")

    def perform(self, data):
        services.event_close(actor=self.request.user, event=self.event)


class RosterAddView(EventMixin, ActionView):
    action = "assign"
    success_message = gettext_lazy("The helper is on the roster and was told.")

    def get_form(self, data=None, **kwargs):
        return forms.RosterForm(data, event=self.event)

    def perform(self, data):
        services.roster_add(actor=self.request.user, event=self.event, **data)


class RosterEndView(EventMixin, ActionView):
    action = "assign"
    success_message = gettext_lazy("The shift was ended.")

    def prepare(self, request, *args, **kwargs):
        self.entry = restricted_object(RosterEntry.objects.all(), request.user, action="assign", pk=kwargs["pk"])
        self.load(request, self.entry.event_id)

    def perform(self, data):
        services.roster_end(actor=self.request.user, entry=self.entry)


class RegisterView(EventMixin, ActionView):
    """A person affected, from a phone: who (a name or a description), as what, a contact if given."""

    action = "change"
    form_class = forms.RegistrationForm
    template_name = "crisis/register.html"
    title = gettext_lazy("Register a person")
    submit_label = gettext_lazy("Register")
    success_message = gettext_lazy("Registered.")

    def perform(self, data):
        services.registration_add(actor=self.request.user, event=self.event, **data)
        if self.request.POST.get("again"):
            return reverse("crisis:register", args=[self.event.pk])
        return None


class RegistrationMixin(EventMixin):
    """One registration of an event (reached through the event's scope)."""

    log_view = True

    def prepare(self, request, *args, **kwargs):
        self.registration = restricted_object(
            Registration.objects.select_related("event", "case", "registered_by"),
            request.user,
            action=self.action,
            pk=kwargs["pk"],
        )
        self.load(request, self.registration.event_id)
        if request.method == "GET" and self.log_view:
            log_access(request.user, AccessAction.VIEW, obj=self.registration)

    def object_url(self) -> str:
        return reverse("crisis:registration", args=[self.registration.pk])

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "registration": self.registration}


class RegistrationDetailView(RegistrationMixin, TemplateView):
    template_name = "crisis/registration.html"

    def get_context_data(self, **kwargs):
        registration, user = self.registration, self.request.user
        may_change = is_permitted(user, registration.event, "change") and not registration.is_closed
        return {
            **super().get_context_data(**kwargs),
            "registration": registration,
            "event": self.event,
            "contacts": list(registration.contacts.select_related("by")),
            "can_change": may_change,
            "can_open_case": may_change and user.has_role(Role.SPECIALIST, Role.REGIONAL_MANAGER),
            "first_aid_form": forms.FirstAidForm(),
            "follow_up_form": forms.FollowUpForm(initial={"follow_up_on": registration.follow_up_on}),
            "refer_form": forms.ReferForm(),
        }


class ButtonMixin(RegistrationMixin):
    action = "change"
    log_view = False


class FirstAidView(ButtonMixin, ActionView):
    """One tap: psychological first aid given (from the event's list, or the registration's page)."""

    form_class = forms.FirstAidForm
    success_message = gettext_lazy("First aid logged.")

    def perform(self, data):
        services.first_aid_log(actor=self.request.user, registration=self.registration, note=data["note"])
        if self.request.POST.get("back") == "event":
            return reverse("crisis:event", args=[self.event.pk])
        return None


class FollowUpView(ButtonMixin, ActionView):
    form_class = forms.FollowUpForm
    success_message = gettext_lazy("Saved.")

    def perform(self, data):
        services.follow_up_set(
            actor=self.request.user, registration=self.registration, follow_up_on=data["follow_up_on"]
        )


class ReferView(ButtonMixin, ActionView):
    form_class = forms.ReferForm
    success_message = gettext_lazy("The referral was recorded and the registration closed.")

    def perform(self, data):
        services.registration_refer(
            actor=self.request.user, registration=self.registration, referred_to=data["referred_to"]
        )


class CloseView(ButtonMixin, ActionView):
    success_message = gettext_lazy("The registration was closed.")

    def perform(self, data):
        services.registration_close(actor=self.request.user, registration=self.registration)


class OpenCaseView(ButtonMixin, ActionView):
    """A case for the person in one step: the case intake, filled in from the registration."""

    roles = (Role.SPECIALIST, Role.REGIONAL_MANAGER)

    def perform(self, data):
        if self.registration.case_id:  # opened already (another helper, an old page)
            return reverse("cases:case", args=[self.registration.case_id])
        return f"{reverse('cases:intake')}?source=crisis:{self.registration.pk}"
