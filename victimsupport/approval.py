"""Four eyes on decisions: a regional manager who may act on the decision's scope approves it, and never
one who drafted it or changed its content (the decision's `drafted_by` and `contributors`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from victimsupport.models import Role
from victimsupport.permissions import is_permitted


def changed_content(decision, user) -> bool:
    """Whether the user drafted the decision or changed its content (then another manager approves it)."""
    return decision.drafted_by_id == user.pk or decision.contributors.filter(pk=user.pk).exists()


def check_approver(actor, decision, *, scope, approving: bool = False) -> None:
    """Refuse an approver who may not approve (PermissionDenied) or who wrote the draft (ValidationError)."""
    if not actor.has_role(Role.REGIONAL_MANAGER) or not is_permitted(actor, scope, "assign"):
        raise PermissionDenied
    if approving and changed_content(decision, actor):
        raise ValidationError(
            _(
                "You drafted or changed the content of this draft, so you cannot approve it: another regional "
                "manager must approve it."
            )
        )
    if decision.drafted_by_id == actor.pk:
        raise ValidationError(_("Nobody approves their own draft: another regional manager must approve it."))
