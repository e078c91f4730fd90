from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from prevention.models import Material, MaterialLanguage, MaterialStatus
from prevention.services.materials import EDITORS, MATERIAL_FIELDS, default_review_date
from victimsupport.forms import DateInput, StyledForm, VersionedForm
from victimsupport.models import User


class MaterialForm(VersionedForm):
    class Meta:
        model = Material
        fields = MATERIAL_FIELDS
        widgets = {"review_due_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            User.objects.filter(groups__name__in=EDITORS, is_active=True).distinct().order_by("last_name")
        )
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username
        if not self.instance.pk:
            self.fields["version"].required = False
            self.initial.setdefault("owner", user.pk)
            self.initial.setdefault("review_due_on", default_review_date())


class VersionForm(StyledForm):
    """The version of the material the page showed (what an approver saw is what they approve)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FileForm(StyledForm):
    language = forms.ChoiceField(label=_("Language"), choices=MaterialLanguage.choices)
    upload = forms.FileField(label=_("File"), help_text=_("PDF, PNG, JPEG, DOCX, ODT or TXT, at most 10 MB."))
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class ReviewedForm(StyledForm):
    next_review_on = forms.DateField(label=_("Next review by"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["next_review_on"] = default_review_date()


class MaterialFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("any")), *MaterialStatus.choices])
    overdue = forms.BooleanField(label=_("Review overdue"), required=False)


class PublicFilterForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("all")), *MaterialLanguage.choices]
    )
