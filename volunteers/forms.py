"""Forms of the volunteers app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.choices import Language
from victimsupport.forms import DateInput, StyledForm, VersionedForm
from victimsupport.models import County, Role, User
from volunteers.models import BackgroundCheck, Volunteer, VolunteerKind, VolunteerStatus
from volunteers.services.recruitment import REGISTRY_FIELDS

STAFF_ROLES = (Role.SPECIALIST, Role.REGIONAL_MANAGER, Role.COORDINATOR)


class CheckboxesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class ApplicationForm(StyledForm):
    """The public application: the minimum to call the person back."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.order_by("name"))
    languages = CheckboxesField(label=_("Languages you speak"), choices=Language.choices)
    kinds = CheckboxesField(label=_("What would you like to do?"), choices=VolunteerKind.choices)
    motivation = forms.CharField(
        label=_("Why would you like to volunteer?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        help_text=_("A few sentences are enough. Do not write about other people."),
    )
    privacy = forms.BooleanField(label=_("I have read the privacy notice above."))
    # A field people do not see (hidden by CSS, skipped by keyboard and screen readers); robots fill it.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class VolunteerForm(VersionedForm):
    counties = forms.ModelMultipleChoiceField(
        label=_("Counties"), queryset=County.objects.order_by("name"), widget=forms.CheckboxSelectMultiple
    )
    languages = CheckboxesField(label=_("Languages"), choices=Language.choices, required=False)
    kinds = CheckboxesField(label=_("Kinds"), choices=VolunteerKind.choices)

    class Meta:
        model = Volunteer
        fields = [*REGISTRY_FIELDS, "counties"]
        widgets = {"conflicts": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = (
            User.objects.filter(is_active=True, groups__name__in=STAFF_ROLES).distinct().order_by("last_name")
        )
        self.fields["supervisor"].label_from_instance = lambda user: user.get_full_name() or user.username


class StepForm(StyledForm):
    status = forms.ChoiceField(label=_("Step"))
    happened_on = forms.DateField(label=_("Date"), widget=DateInput())
    background_check = forms.ChoiceField(
        label=_("Result of the background check"),
        choices=[("", "—"), *BackgroundCheck.choices],
        required=False,
        help_text=_("Only the date and the result are recorded, never the extract."),
    )
    pledge_signed_on = forms.DateField(
        label=_("Confidentiality pledge signed"),
        widget=DateInput(),
        required=False,
        help_text=_("If not the same day as the agreement."),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, volunteer: Volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(VolunteerStatus.choices)
        # Offered: the steps open now. Accepted: any step, so that a page left open while someone else
        # recorded a step gets the conflict answer from the service, not "not a valid choice".
        offered = volunteer.next_statuses if not self.is_bound else VolunteerStatus.values
        self.fields["status"].choices = [(value, labels[value]) for value in offered]
        self.initial.setdefault("version", volunteer.version)


class VolunteerFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("all")), *VolunteerStatus.choices], required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("all")), *VolunteerKind.choices], required=False)
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.order_by("name"), required=False, empty_label=_("all")
    )
