from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marac.models import AgencyKind
from prevention.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Material,
    MaterialLanguage,
    MaterialStatus,
    PreventionPlan,
    Project,
    Topic,
)
from prevention.services.materials import EDITORS, MATERIAL_FIELDS, MATERIAL_RULES, REVIEW_RULES, default_review_date
from prevention.services.plans import (
    ACTIVITY_FIELDS,
    ACTIVITY_RULES,
    EXPENSE_RULES,
    PLANNERS,
    PROJECT_FIELDS,
    PROJECT_YEAR_RULES,
    TRAINER_ROLES,
)
from prevention.services.questionnaires import QUESTION_FIELDS, SURVEY_FIELDS, TRAINING_PURPOSES
from reporting.forms import SurveyForm
from reporting.models import QuestionKind, Survey, SurveyPurpose, SurveyQuestion
from victimsupport.forms import (
    CheckboxesField,
    DateInput,
    MoneyField,
    MoneyInput,
    StyledForm,
    StyledModelForm,
    VersionedForm,
    check_date_range,
    localize_money,
)
from victimsupport.models import Role, User


def _staff_choice(field, roles, current=None) -> None:
    """Active staff of `roles`, and whoever the record names now (one who has left stays named)."""
    people = Q(groups__name__in=roles, is_active=True) | Q(pk=current)
    field.queryset = User.objects.filter(people).distinct().order_by("last_name")
    field.label_from_instance = lambda u: u.get_full_name() or u.username


class MaterialForm(VersionedForm):
    field_rules = MATERIAL_RULES

    class Meta:
        model = Material
        fields = MATERIAL_FIELDS
        widgets = {"review_due_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _staff_choice(self.fields["owner"], EDITORS)  # (an owner who left is replaced: the service says so)
        if not self.instance.pk:
            self.fields["version"].required = False
            self.initial.setdefault("owner", user.pk)
            self.initial.setdefault("review_due_on", default_review_date())

    def rule_values(self, data: dict) -> dict:
        return {**data, "is_new": self.instance.pk is None}


class VersionForm(StyledForm):
    """The version of the material the page showed (what an approver saw is what they approve)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FileForm(StyledForm):
    language = forms.ChoiceField(label=_("Language"), choices=MaterialLanguage.choices)
    upload = forms.FileField(label=_("File"), help_text=_("PDF, PNG, JPEG, DOCX, ODT or TXT, at most 10 MB."))
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class ReviewedForm(StyledForm):
    field_rules = REVIEW_RULES
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


# --- the plan, projects, activities ---


class PlanForm(VersionedForm):
    class Meta:
        model = PreventionPlan
        fields = ["year", "aims"]
        widgets = {"aims": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["year"]  # a plan's year is its address
        else:
            self.fields["version"].required = False
            self.initial.setdefault("year", timezone.localdate().year + (timezone.localdate().month >= 10))

    def validate_constraints(self):
        """The service reports these rules at the fields, all at once (the database holds them too)."""


class ProjectForm(VersionedForm):
    field_rules = PROJECT_YEAR_RULES  # the year of the plan an edited project is in (a new one: the service's)

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "aim": forms.Textarea(attrs={"rows": 3}),
            "method": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        localize_money(self, "budget")
        _staff_choice(self.fields["lead"], (*PLANNERS, Role.SPECIALIST), self.instance.lead_id)
        if not self.instance.pk:
            self.fields["version"].required = False
            self.initial.setdefault("lead", user.pk)

    def rule_values(self, data: dict) -> dict:
        return {**data, "plan_year": self.instance.plan.year if self.instance.plan_id else None}

    def clean(self):
        data = super().clean()
        check_date_range(self, data, "starts_on", "ends_on")
        return data

    def validate_constraints(self):
        """The service reports these rules at the fields, all at once (the database holds them too)."""


class ExpenseForm(StyledForm):
    field_rules = EXPENSE_RULES
    spent_on = forms.DateField(label=_("Date"), widget=DateInput())
    description = forms.CharField(label=_("What for"), max_length=300)
    amount = MoneyField(
        label=_("Amount"),
        max_digits=10,
        decimal_places=2,
        widget=MoneyInput(),
        localize=True,
        help_text=_("A correction of an earlier line is a negative amount."),
    )


class ActivityForm(VersionedForm):
    field_rules = ACTIVITY_RULES
    audiences = CheckboxesField(label=_("For whom"), choices=AgencyKind.choices)
    # Not the model's name: a concurrent edit's merge compares stored fields, and this one is a set of rows.
    chosen_materials = forms.ModelMultipleChoiceField(
        label=_("Materials"), queryset=Material.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Activity
        fields = ACTIVITY_FIELDS
        widgets = {"held_on": DateInput(), "ends_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["project"].queryset = plan.projects.order_by("name")
        _staff_choice(self.fields["trainer"], TRAINER_ROLES, self.instance.trainer_id)
        chosen = list(self.instance.materials.values_list("pk", flat=True)) if self.instance.pk else []
        materials = Material.objects.filter(~Q(status=MaterialStatus.WITHDRAWN) | Q(pk__in=chosen))
        self.fields["chosen_materials"].queryset = materials.order_by("title")
        for name, purpose in (
            ("feedback_survey", SurveyPurpose.TRAINING_FEEDBACK),
            ("knowledge_check", SurveyPurpose.KNOWLEDGE_CHECK),
        ):
            current = getattr(self.instance, f"{name}_id", None)
            offered = Survey.objects.filter(Q(active=True) | Q(pk=current), purpose=purpose)
            self.fields[name].queryset = offered.order_by("title_et")
        if not self.instance.pk:
            self.fields["version"].required = False
            self.initial.setdefault(
                "feedback_survey",
                Survey.objects.filter(active=True, purpose=SurveyPurpose.TRAINING_FEEDBACK)
                .values_list("pk", flat=True)
                .first(),
            )
        else:
            self.initial.setdefault("chosen_materials", chosen)

    def rule_values(self, data: dict) -> dict:
        return {**data, "plan_year": self.plan.year}

    def validate_constraints(self):
        """The service reports these rules at the fields, all at once (the database holds them too)."""


class ParticipantsForm(StyledForm):
    """One number per kind of agency (empty: none)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        recorded = dict(activity.participants.values_list("agency_kind", "count"))
        for kind, label in AgencyKind.choices:
            self.fields[kind] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=100000,
                required=False,
                widget=forms.NumberInput(attrs={"class": "narrow"}),
            )
            self.initial.setdefault(kind, recorded.get(kind))
        self.initial.setdefault("version", activity.version)


class ActivityFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2020, max_value=2100)
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", _("any")), *Topic.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("any")), *ActivityKind.choices])
    audience = forms.ChoiceField(label=_("For whom"), required=False, choices=[("", _("any")), *AgencyKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("any")), *ActivityStatus.choices])


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2020, max_value=2100)


# --- participants' answers (public, in Estonian, Russian or English) ---

ANSWER_TEXTS = {
    "et": {
        "intro": "Vastamine on anonüümne: me ei küsi teie nime. Vastused aitavad koolitusi paremaks teha.",
        "intro_before": "Enne koolitust: mida te juba teate? Vastamine on anonüümne ja hinnet ei panda.",
        "intro_after": "Pärast koolitust: samad küsimused uuesti. Vastamine on anonüümne.",
        "agency": "Kus te töötate?",
        "agency_none": "ei soovi öelda",
        "invalid": "Sellele küsimustikule praegu vastuseid ei oodata. Küsige koolitajalt.",
        "already": "Olete sellele küsimustikule juba vastanud. Aitäh!",
        "title_before": "Teadmised enne koolitust",
        "title_after": "Teadmised pärast koolitust",
    },
    "ru": {
        "intro": "Ответы анонимны: мы не спрашиваем ваше имя. Ответы помогают улучшить обучение.",
        "intro_before": "Перед обучением: что вы уже знаете? Ответы анонимны, оценок не ставят.",
        "intro_after": "После обучения: те же вопросы ещё раз. Ответы анонимны.",
        "agency": "Где вы работаете?",
        "agency_none": "не хочу говорить",
        "invalid": "Сейчас ответы на эту анкету не принимаются. Спросите у преподавателя.",
        "already": "Вы уже ответили на эту анкету. Спасибо!",
        "title_before": "Знания перед обучением",
        "title_after": "Знания после обучения",
    },
    "en": {
        "intro": "Your answers are anonymous: we do not ask your name. They help us make the trainings better.",
        "intro_before": "Before the training: what do you know already? Anonymous, and nothing is graded.",
        "intro_after": "After the training: the same questions again. Anonymous.",
        "agency": "Where do you work?",
        "agency_none": "I prefer not to say",
        "invalid": "These answers are not taken at the moment. Please ask the trainer.",
        "already": "You have already answered these questions. Thank you!",
        "title_before": "Knowledge before the training",
        "title_after": "Knowledge after the training",
    },
}
# The kinds of partner agency in the three languages (marac.models.AgencyKind, whose labels are et/en).
AGENCY_NAMES = {
    "et": {
        "police": "politsei",
        "local_government": "kohalik omavalitsus",
        "child_protection": "lastekaitse",
        "womens_support": "naiste tugikeskus",
        "prosecutor": "prokuratuur",
        "health": "tervishoid",
        "victim_support": "ohvriabi",
        "other": "muu",
    },
    "ru": {
        "police": "полиция",
        "local_government": "местное самоуправление",
        "child_protection": "защита детей",
        "womens_support": "центр поддержки женщин",
        "prosecutor": "прокуратура",
        "health": "здравоохранение",
        "victim_support": "помощь жертвам",
        "other": "другое",
    },
    "en": {
        "police": "police",
        "local_government": "local government",
        "child_protection": "child protection",
        "womens_support": "women's support centre",
        "prosecutor": "prosecutor's office",
        "health": "health care",
        "victim_support": "victim support",
        "other": "other",
    },
}


class AnswerForm(SurveyForm):
    """The survey's questions after one about where the participant works (optional)."""

    def __init__(self, survey, language: str, *args, **kwargs):
        super().__init__(survey, language, *args, **kwargs)
        names = AGENCY_NAMES[language]
        agency = forms.ChoiceField(
            label=ANSWER_TEXTS[language]["agency"],
            required=False,
            choices=[*((kind, names[kind]) for kind in AgencyKind.values), ("", ANSWER_TEXTS[language]["agency_none"])],
            widget=forms.RadioSelect,
        )
        self.fields = {"agency": agency, **self.fields}

    def agency_kind(self) -> str:
        return self.cleaned_data.get("agency") or ""


# --- trainings' questionnaires ---


class QuestionnaireForm(StyledModelForm):
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[(value, label) for value, label in SurveyPurpose.choices if value in TRAINING_PURPOSES],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Survey
        fields = SURVEY_FIELDS


class QuestionForm(VersionedForm):
    class Meta:
        model = SurveyQuestion
        fields = QUESTION_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in ("text_et", "text_ru", "text_en")}

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        if survey.purpose == SurveyPurpose.KNOWLEDGE_CHECK:
            self.fields["kind"].choices = [(QuestionKind.YES_NO, QuestionKind.YES_NO.label)]
            self.fields["kind"].initial = QuestionKind.YES_NO
            self.fields["correct_answer"].required = True
            self.fields["correct_answer"].help_text = _("The statement is true (yes) or not (no).")
        else:
            del self.fields["correct_answer"]
        if not self.instance.pk:
            self.fields["version"].required = False

    def validate_constraints(self):
        """The service reports these rules at the fields."""
