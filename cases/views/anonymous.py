"""Anonymous counselling contacts: recorded without personal data, turned into a case on consent."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases import forms
from cases.models import AnonymousContact
from cases.selectors import region_anonymous_contacts
from cases.services.anonymous import ANONYMOUS_FIELDS, anonymous_contact_add
from cases.views.base import CASEWORK
from victimsupport.paging import paginate
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object
from victimsupport.views.actions import ActionView


class AnonymousListView(RoleRequiredMixin, TemplateView):
    roles = CASEWORK
    template_name = "cases/anonymous_list.html"

    def get_context_data(self, **kwargs):
        page = paginate(region_anonymous_contacts(self.request.user).order_by("-happened_at", "-id"), self.request.GET)
        return {**super().get_context_data(**kwargs), "page": page}


class AnonymousAddView(RoleRequiredMixin, ActionView):
    roles = CASEWORK
    template_name = "cases/anonymous_form.html"
    title = gettext_lazy("Record an anonymous contact")
    success_message = gettext_lazy("The anonymous contact was recorded.")

    def get_form(self, data=None, **kwargs):
        return forms.AnonymousContactForm(data, user=self.request.user, **kwargs)

    def perform(self, data):
        anonymous_contact_add(actor=self.request.user, **{name: data[name] for name in ANONYMOUS_FIELDS})

    def object_url(self) -> str:
        return reverse("cases:anonymous-list")


class AnonymousConvertView(RoleRequiredMixin, View):
    """The person agreed to give their data: go to intake with what the contact already says."""

    roles = CASEWORK

    def post(self, request, pk):
        contact = restricted_object(AnonymousContact.objects.all(), request.user, pk=pk)
        if contact.converted_case_id:
            messages.info(request, _("This contact has already been turned into a case."))
            return redirect("cases:case", pk=contact.converted_case_id)
        return redirect(f"{reverse('cases:intake')}?source=anonymous:{contact.pk}")
