"""Intake: a new case, in steps.

1. the personal code, looked up before anything else is typed: a person on record is offered (and their
   intake is theirs: step 4 alone, showing their stored rules and open cases);
2. the new person (a person of the same name and birth date is offered);
3. the new person's safe-contact rules;
4. the case.

What earlier steps took travels with the form as hidden fields (never in an address, never half-saved on
the server), so Back and Continue keep everything typed; the last step checks every step again and opens
the case in one service. A person on record keeps their details and rules: intake never writes them (they
change on the person's page). A POST without a step is the whole intake at once (every step's fields).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from cases import forms
from cases.contact import allowed_channels, contact_facts, unusable_channels
from cases.intake_sources import IntakeSource, parse_source
from cases.models import Person
from cases.selectors import person_open_cases
from cases.services import intake as intake_services
from cases.services.persons import SAFE_CONTACT_FIELDS
from cases.views.base import CASEWORK, person_sealed_gate
from cases.views.duplicates import choose_person
from victimsupport.audit import AccessAction, log_access
from victimsupport.forms import apply_service_errors
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object

STEPS = ("code", "person", "safe", "case")
STEP_TITLES = {
    "code": gettext_lazy("Personal code"),
    "person": gettext_lazy("Person"),
    "safe": gettext_lazy("Safe contact"),
    "case": gettext_lazy("Case"),
}
PREFIXES = {"code": "lookup", "person": "person", "safe": "safe", "case": "case"}
FORM_CLASSES = {
    "code": forms.PersonLookupForm,
    "person": forms.PersonIntakeForm,
    "safe": forms.SafeContactForm,
    "case": forms.CaseIntakeForm,
}
CARRIED_CASE = "intake_case"  # the session key of a case step typed before the person turned out to be recorded
NOT_SHOWN = (None, "", False, [])


def answers(form) -> list[tuple[str, str]]:
    """What a checked step took, as label and words (the last step shows them before the case opens)."""
    rows = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if field.widget.is_hidden or value in NOT_SHOWN:
            continue
        if value is True:
            value = _("yes")
        elif isinstance(value, date):
            value = value.strftime("%d.%m.%Y")
        elif isinstance(field, django_forms.ChoiceField) and not isinstance(field, django_forms.ModelChoiceField):
            value = dict(field.choices).get(value, value)
        rows.append((field.label, str(value)))
    return rows


class IntakeView(RoleRequiredMixin, View):
    roles = CASEWORK
    template_name = "cases/intake.html"

    def prepare(self, request, *args, **kwargs):
        self.existing: Person | None = None
        person_id = kwargs.get("person_pk")
        if person_id is not None:
            self.existing = restricted_object(Person.objects.all(), request.user, action="change", pk=person_id)
            gate = person_sealed_gate(request, self.existing)
            if gate is not None:
                return gate
        self.steps = ("case",) if self.existing else STEPS
        self.source = self._source(request.GET.get("source") or request.POST.get("source"))
        return None

    def _source(self, value: str | None) -> tuple[IntakeSource, object] | None:
        """What the intake starts from (cases.intake_sources), if the user may use it."""
        parsed = parse_source(value)
        if parsed is None:
            return None
        source, pk = parsed
        obj = source.load(self.request.user, pk)
        if obj is None:
            if self.request.method == "GET":
                messages.warning(
                    self.request, _("The record this case was to start from cannot be used: the case opens on its own.")
                )
            return None
        return source, obj

    @property
    def source_token(self) -> str:
        return f"{self.source[0].name}:{self.source[1].pk}" if self.source else ""

    def form(self, step: str, data=None, *, initial: dict | None = None):
        kwargs = {"user": self.request.user} if step == "case" else {}
        form = FORM_CLASSES[step](data, prefix=PREFIXES[step], **kwargs)
        if data is None:
            form.initial.update(initial or {})
        return form

    def forms(self, data=None, *, seen=frozenset()) -> dict:
        """Each step's form: bound to what was sent for it, or new with what the intake starts from."""
        initial = self.source[0].initial(self.source[1]) if self.source else {}
        initial["code"] = {"personal_code": initial.get("person", {}).get("personal_code", "")}
        return {
            f"{step}_form": None
            if step not in self.steps
            else self.form(step, data if step in seen else None, initial=initial.get(step))
            for step in STEPS
        }

    def open_step(self, context: dict, step: str, **initial) -> None:
        """The step the user goes to shows what it held, as it was typed, without judging it yet."""
        held = context[f"{step}_form"]
        held_values = {field.name: field.value() for field in held} if held.is_bound else held.initial
        initial = held_values | initial
        context[f"{step}_form"] = self.form(step, initial=initial)

    def show(self, context: dict, step: str, seen, *, visible: list[str] | None = None):
        visible = visible or [step]
        existing = self.existing
        if existing is not None:
            facts = contact_facts(existing)
            context |= {
                "safe_contact": facts.rules,
                "channels": allowed_channels(existing, facts=facts),
                "unusable": unusable_channels(existing, facts=facts),
                "is_perpetrator": facts.perpetrator,
                "open_cases": person_open_cases(self.request.user, existing),
            }
            log_access(self.request.user, AccessAction.VIEW, obj=existing, persons=[existing.pk])
        if step == "case" and existing is None:
            checked = [context[f"{name}_form"] for name in ("person", "safe") if name in seen and name not in visible]
            context["answers"] = [(form, answers(form)) for form in checked if form.is_valid()]
        number = self.steps.index(step) + 1
        context |= {
            "existing": existing,
            "source": self.source_token,
            "step": step,
            "step_number": number,
            "step_title": STEP_TITLES[step],
            "steps": [(name, STEP_TITLES[name]) for name in self.steps],
            "visible": visible,
            "shown_forms": [context[f"{name}_form"] for name in visible],
            "hidden_forms": [context[f"{name}_form"] for name in self.steps if name in seen and name not in visible],
            "seen": ",".join(name for name in self.steps if name in seen or name in visible),
            # "Record a new person" chosen over the persons of the same name: kept until the person changes.
            "keep_new_person": step in ("safe", "case") and self.request.POST.get("use_person") == "new",
            "is_last": visible[-1] == self.steps[-1],
        }
        return render(self.request, self.template_name, context)

    def to_person_on_record(self, person: Person, seen: set[str]):
        """The intake of a person on record is theirs: their details and rules stay as recorded. A case step
        typed already goes with it (in the session, never in an address)."""
        if getattr(person, "name_hidden", True):
            messages.info(self.request, _("The person is already recorded: the case opens for them."))
        else:
            messages.info(
                self.request,
                _("%(name)s is already recorded: the case opens for them, with their recorded details and rules.")
                % {"name": person.full_name},
            )
        if "case" in seen:
            typed = {key: value for key, value in self.request.POST.items() if key.startswith("case-")}
            self.request.session[CARRIED_CASE] = {"person": person.pk, "typed": typed}
        url = reverse("cases:person-intake", args=[person.pk])
        return redirect(f"{url}?{urlencode({'source': self.source_token})}" if self.source else url)

    def get(self, request, *args, **kwargs):
        context = self.forms()
        carried = request.session.pop(CARRIED_CASE, None)
        if self.existing is not None and carried and carried.get("person") == self.existing.pk:
            prefix = f"{PREFIXES['case']}-"
            context["case_form"].initial.update({key[len(prefix) :]: value for key, value in carried["typed"].items()})
        return self.show(context, self.steps[0], seen=set())

    def post(self, request, *args, **kwargs):
        step = request.POST.get("step")
        if step not in self.steps:
            return self.finish(request.POST, seen={name for name in self.steps if name != "code"})
        seen = {name for name in request.POST.get("seen", "").split(",") if name in self.steps} | {step}
        index = self.steps.index(step)
        go = request.POST.get("go")
        if go == "back":
            target = self.steps[max(index - 1, 0)]
            context = self.forms(request.POST, seen=seen)
            if target == "code" and "person" in seen:  # the code as last typed, at the person's step
                self.open_step(context, target, personal_code=request.POST.get("person-personal_code", ""))
            elif target != step:
                self.open_step(context, target)
            return self.show(context, target, seen)
        if go == "finish" or index == len(self.steps) - 1:
            return self.finish(request.POST, seen=seen)
        return self.next(step, seen)

    def next(self, step: str, seen: set[str]):
        context = self.forms(self.request.POST, seen=seen)
        form = context[f"{step}_form"]
        if not form.is_valid():
            return self.show(context, step, seen)
        if step in ("code", "person"):
            choice = choose_person(self.request, form.cleaned_data, require_change=True)
            if choice.person is not None:
                return self.to_person_on_record(choice.person, seen)
            if choice.undecided:
                return self.show({**context, **choice.context(), "lookup": step == "code"}, step, seen)
        target = self.steps[self.steps.index(step) + 1]
        initial = {}
        if step == "code":  # the code looked up is the person's code, also when their step was filled in before
            initial["personal_code"] = form.cleaned_data["personal_code"]
        person_form = context["person_form"]
        if target == "case" and "case" not in seen and person_form.is_valid() and person_form.cleaned_data["county"]:
            initial["county"] = person_form.cleaned_data["county"].pk  # a first guess: the person's county
        self.open_step(context, target, **initial)
        return self.show(context, target, seen)

    def finish(self, data, seen: set[str]):
        """Every step checked again, then one service: the case, and a new person with their rules."""
        request = self.request
        context = self.forms(data, seen=seen)
        invalid = [name for name in self.steps if name != "code" and not context[f"{name}_form"].is_valid()]
        if not_filled := [name for name in invalid if not context[f"{name}_form"].is_bound]:
            messages.error(request, _("A step was not filled in: fill it in and continue. Nothing was saved."))
            return self.show(context, not_filled[0], seen)
        if invalid:
            return self.show(context, invalid[0], seen, visible=invalid)
        person_form, safe_form, case_form = context["person_form"], context["safe_form"], context["case_form"]
        person = self.existing
        if person is None:
            choice = choose_person(request, person_form.cleaned_data, require_change=True)
            if choice.undecided:
                return self.show({**context, **choice.context()}, "person", seen)
            person = choice.person
        try:
            case = intake_services.case_intake(
                actor=request.user,
                person=person,
                person_fields=None if person else {n: person_form.cleaned_data[n] for n in forms.PERSON_FORM_FIELDS},
                safe_contact=None if person else {n: safe_form.cleaned_data[n] for n in SAFE_CONTACT_FIELDS},
                source=self.source,
                **{name: case_form.cleaned_data[name] for name in forms.CASE_INTAKE_FIELDS},
            )
        except ValidationError as error:
            safe_error = safe_form and set(getattr(error, "error_dict", {})) & set(SAFE_CONTACT_FIELDS)
            apply_service_errors(safe_form if safe_error else case_form, error)
            return self.show(context, "safe" if safe_error else "case", seen)
        messages.success(request, _("Case %(case)s was opened.") % {"case": case.reference})
        if person is not None and self.existing is None and safe_form is not None and safe_form.has_changed():
            messages.warning(
                request,
                _(
                    "The person was already recorded: their recorded safe-contact rules were kept and what you "
                    "typed for them was not saved. Check the rules on the case page."
                ),
            )
        return redirect("cases:case", pk=case.pk)
