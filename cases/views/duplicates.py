"""The "already recorded?" step of intake and of adding a person to a case, written once.

The user typed a person; persons on record that the user may see with the same personal code, or the
same name and birth date, are offered. The warning is a display of personal data: it is logged, and a
client of a sealed case is shown without name, birth date or county. Whether a candidate may be used
is decided here from the user's rights on that person (`require_change` for intake: opening a case
for someone is working with their record; a party link only lets the case see them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from cases.models import Person
from cases.sealing import mark_hidden
from cases.selectors import possible_duplicates, same_code_person
from victimsupport.audit import AccessAction, log_access
from victimsupport.permissions import is_permitted


@dataclass
class PersonChoice:
    person: Person | None = None  # the recorded person chosen
    candidates: list[Person] = field(default_factory=list)  # shown in the warning when not yet decided
    code_match: bool = False
    error: str = ""

    @property
    def undecided(self) -> bool:
        return bool(self.candidates)

    def context(self) -> dict:
        return {"duplicates": self.candidates, "code_match": self.code_match, "duplicate_error": self.error}


def choose_person(request, data: dict, *, require_change: bool) -> PersonChoice:
    """What the POSTed `use_person` and the typed person (`data`) lead to: a recorded person, a new one
    (person None, no candidates), or a warning to show (candidates)."""
    user = request.user
    use = request.POST.get("use_person", "")
    same = same_code_person(user, data.get("personal_code", ""))
    if same is not None:
        candidates, code_match = [same], True
    elif not data.get("last_name"):  # the intake's first step: only a code, and nobody has it
        return PersonChoice()
    else:
        candidates = possible_duplicates(
            user, first_name=data["first_name"], last_name=data["last_name"], birth_date=data.get("birth_date")
        )
        code_match = False
        if not candidates or use == "new":
            return PersonChoice()
    mark_hidden(request, candidates)
    for candidate in candidates:
        candidate.usable = not require_change or is_permitted(user, candidate, "change")
    error = ""
    if use and use != "new":
        # A choice not among those offered now (the name was changed since, or a forged post) chooses
        # nobody: the persons offered now are shown.
        chosen = next((c for c in candidates if str(c.pk) == use), None)
        if chosen is not None and chosen.usable:
            return PersonChoice(person=chosen)
        if chosen is not None:
            error = str(
                _(
                    "You may see this person but not work with their record. Ask the responsible specialist or "
                    "the regional manager to open the case, or to give you access."
                )
            )
    log_access(user, AccessAction.LIST, object_type="cases.person", persons=[c.pk for c in candidates])
    return PersonChoice(candidates=candidates, code_match=code_match, error=error)
