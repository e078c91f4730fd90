"""Administrator tools: a sample letter that proves the PDF pipeline (fonts, worker, job progress)."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from victimsupport.forms import StyledForm
from victimsupport.models import Role
from victimsupport.permissions.views import RoleRequiredMixin
from victimsupport.sampleletter import sample_letter_request
from victimsupport.views.actions import ActionView


class SampleLetterForm(StyledForm):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("et", "Eesti keeles"), ("en", "English")],
        error_messages={"invalid_choice": _("Choose a language from the list.")},
    )


class SampleLetterView(RoleRequiredMixin, ActionView):
    roles = (Role.ADMINISTRATOR,)
    template_name = "victimsupport/sample_letter.html"
    form_class = SampleLetterForm
    title = _("Sample letter")
    submit_label = _("Make the sample letter")
    intro = _(
        "Makes a sample letter in a worker, to check that letters, fonts and the workers work. Nothing is registered."
    )

    def perform(self, data):
        job = sample_letter_request(actor=self.request.user, language=data["language"])
        return reverse("job", args=[job.pk])

    def object_url(self) -> str:
        return reverse("sample-letter")
