"""Anonymous counselling contacts: recorded without personal data, turned into a case on consent."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cases import forms
from cases.models import AnonymousContact
from cases.selectors import region_anonymous_contacts
from cases.services.anonymous import ANONYMOUS_FIELDS, anonymous_contact_add
from cases.views.base import CASEWORK
from victimsupport.forms import apply_service_errors
from victimsupport.paging import paginate
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object


class AnonymousListView(RoleRequiredMixin, TemplateView):
    roles = CASEWORK
    template_name = "cases/anonymous_list.html"

    def get_context_data(self, **kwargs):
        page = paginate(region_anonymous_contacts(self.request.user).order_by("-happened_at", "-id"), self.request.GET)
        return {**super().get_context_data(**kwargs), "page": page}


class AnonymousAddView(RoleRequiredMixin, View):
    roles = CASEWORK
    template_name = "cases/anonymous_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": forms.AnonymousContactForm(user=request.user)})

    def post(self, request):
        form = forms.AnonymousContactForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                anonymous_contact_add(
                    actor=request.user, **{name: form.cleaned_data[name] for name in ANONYMOUS_FIELDS}
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The anonymous contact was recorded."))
                return redirect("cases:anonymous-list")
        return render(request, self.template_name, {"form": form}, status=400)


class AnonymousConvertView(RoleRequiredMixin, View):
    """The person agreed to give their data: go to intake with what the contact already says."""

    roles = CASEWORK

    def post(self, request, pk):
        contact = restricted_object(AnonymousContact.objects.all(), request.user, pk=pk)
        if contact.converted_case_id:
            messages.info(request, _("This contact has already been turned into a case."))
            return redirect("cases:case", pk=contact.converted_case_id)
        return redirect(f"{reverse('cases:intake')}?anonymous={contact.pk}")
