"""Volunteer pages: the public application, the registry list, a volunteer's page and the pipeline."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from victimsupport.audit import AccessAction, log_access
from victimsupport.middleware import client_ip
from victimsupport.models import Role
from victimsupport.paging import paginate, sorted_list_context
from victimsupport.permissions import is_permitted
from victimsupport.permissions.views import RestrictedObjectMixin, RoleRequiredMixin
from victimsupport.views.actions import ActionView
from volunteers import forms
from volunteers.models import Volunteer
from volunteers.selectors import VOLUNTEER_SORTS, volunteer_list
from volunteers.services import recruitment

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
        key = f"volunteer-apply:{client_ip(self.request) or 'unknown'}"
        count = cache.get_or_set(key, 0, 3600)
        if count >= settings.VOLUNTEER_APPLICATIONS_PER_HOUR:
            raise ValidationError(_("Too many applications from this address. Please try again in an hour."))
        cache.incr(key)
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
            "can_change": is_permitted(self.request.user, volunteer, "change"),
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
