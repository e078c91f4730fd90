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

from urllib.parse import urlencode

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
from cases.views.base import CASEWORK
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


class IntakeView(RoleRequiredMixin, View):
    roles = CASEWORK
    template_name = "cases/intake.html"

    def prepare(self, request, *args, **kwargs):
        self.existing: Person | None = None
        person_id = kwargs.get("person_pk")
        if person_id is not None:
            self.existing = restricted_object(Person.objects.all(), request.user, action="change", pk=person_id)
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

    def forms(self, data=None, *, seen=frozenset()) -> dict:
        """Each step's form: bound to what was sent for it, or new with what the intake starts from."""
        initial = self.source[0].initial(self.source[1]) if self.source else {}
        initial["code"] = {"personal_code": initial.get("person", {}).get("personal_code", "")}
        user = self.request.user
        classes = {
            "code": forms.PersonLookupForm,
            "person": forms.PersonIntakeForm,
            "safe": forms.SafeContactForm,
            "case": lambda *args, **kwargs: forms.CaseIntakeForm(*args, user=user, **kwargs),
        }
        built = {}
        for step in STEPS:
            if step not in self.steps:
                built[f"{step}_form"] = None
            elif step in seen:
                built[f"{step}_form"] = classes[step](data, prefix=PREFIXES[step])
            else:
                form = built[f"{step}_form"] = classes[step](prefix=PREFIXES[step])
                form.initial.update(initial.get(step, {}))
        return built

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

    def to_person_on_record(self, person: Person):
        """The intake of a person on record is theirs: their details and rules stay as recorded."""
        messages.info(
            self.request,
            _("%(name)s is already recorded: the case opens for them, with their recorded details and rules.")
            % {"name": person.full_name},
        )
        url = reverse("cases:person-intake", args=[person.pk])
        return redirect(f"{url}?{urlencode({'source': self.source_token})}" if self.source else url)

    def get(self, request, *args, **kwargs):
        return self.show(self.forms(), self.steps[0], seen=set())

    def post(self, request, *args, **kwargs):
        step = request.POST.get("step")
        if step not in self.steps:
            return self.finish(request.POST, seen={name for name in self.steps if name != "code"})
        seen = {name for name in request.POST.get("seen", "").split(",") if name in self.steps} | {step}
        index = self.steps.index(step)
        go = request.POST.get("go")
        if go == "back":
            return self.show(self.forms(request.POST, seen=seen), self.steps[max(index - 1, 0)], seen)
        if go == "finish" or index == len(self.steps) - 1:
            return self.finish(request.POST, seen=seen)
        return self.next(step, seen)

    def next(self, step: str, seen: set[str]):
        data = self.request.POST
        context = self.forms(data, seen=seen)
        form = context[f"{step}_form"]
        if not form.is_valid():
            return self.show(context, step, seen)
        if step in ("code", "person"):
            choice = choose_person(self.request, form.cleaned_data, require_change=True)
            if choice.person is not None:
                return self.to_person_on_record(choice.person)
            if choice.undecided:
                return self.show({**context, **choice.context(), "lookup": step == "code"}, step, seen)
        if step == "code" and "person" in seen:
            # The code looked up is the person's code, also when the person's step was filled in before.
            data = data.copy()
            data["person-personal_code"] = form.cleaned_data["personal_code"]
            context = self.forms(data, seen=seen)
        elif step == "code":
            context["person_form"].initial["personal_code"] = form.cleaned_data["personal_code"]
        target = self.steps[self.steps.index(step) + 1]
        person_form = context["person_form"]
        if target == "case" and "case" not in seen and person_form.is_valid() and person_form.cleaned_data["county"]:
            context["case_form"].initial.setdefault("county", person_form.cleaned_data["county"].pk)  # a first guess
        return self.show(context, target, seen)

    def finish(self, data, seen: set[str]):
        """Every step checked again, then one service: the case, and a new person with their rules."""
        request = self.request
        context = self.forms(data, seen=seen)
        invalid = [name for name in self.steps if name != "code" and not context[f"{name}_form"].is_valid()]
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
