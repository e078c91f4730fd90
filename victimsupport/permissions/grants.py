"""Grant services: the only code that writes or removes object permissions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from victimsupport.models import User
from victimsupport.security import security_event


def _permissions(model: type[models.Model], actions: Iterable[str]) -> dict[str, Permission]:
    wanted = set(actions)
    if not wanted:
        return {}
    meta = model._meta
    found = {
        perm.codename.removesuffix(f"_{meta.model_name}"): perm
        for perm in Permission.objects.filter(
            content_type__app_label=meta.app_label,
            content_type__model=meta.model_name,
            codename__in=[f"{action}_{meta.model_name}" for action in wanted],
        )
    }
    missing = wanted - set(found)
    if missing:
        raise ValueError(f"{model.__name__} has no permission(s) {sorted(missing)}")
    return found


def _replace(
    obj, perm_model, holder_field: str, wanted: Mapping[int, set[str]], *, actor: User | None, reason: str
) -> None:
    model = type(obj)
    all_actions = {action for actions in wanted.values() for action in actions}
    perms = _permissions(model, all_actions)
    perm_ids = {perm.pk: action for action, perm in perms.items()}
    existing = set(perm_model.objects.filter(content_object=obj).values_list(f"{holder_field}_id", "permission_id"))
    desired = {(holder, perms[action].pk) for holder, actions in wanted.items() for action in actions}
    remove = existing - desired
    add = desired - existing
    if remove:
        condition = models.Q()
        for holder, perm_id in remove:
            condition |= models.Q(**{f"{holder_field}_id": holder, "permission_id": perm_id})
        perm_model.objects.filter(condition, content_object=obj).delete()
    if add:
        perm_model.objects.bulk_create(
            [
                perm_model(content_object=obj, permission_id=perm_id, **{f"{holder_field}_id": holder})
                for holder, perm_id in add
            ]
        )
    for holder, perm_id in sorted(add):
        security_event(
            "grant",
            actor=actor,
            object=f"{model._meta.label_lower}#{obj.pk}",
            **{holder_field: holder},
            action=perm_ids.get(perm_id, perm_id),
            reason=reason,
        )
    for holder, perm_id in sorted(remove):
        security_event(
            "revoke",
            actor=actor,
            object=f"{model._meta.label_lower}#{obj.pk}",
            **{holder_field: holder},
            permission=perm_id,
            reason=reason,
        )


@transaction.atomic
def set_object_grants(
    obj: models.Model,
    *,
    groups: Mapping[Group | int, Iterable[str]] | None = None,
    users: Mapping[object, Iterable[str]] | None = None,
    actor: User | None = None,
    reason: str = "",
) -> None:
    """Make the grants on `obj` exactly these. A mapping left out (None) is not touched; an empty one
    removes every grant of that kind."""
    model = type(obj)
    if groups is not None:
        wanted = {getattr(group, "pk", group): set(actions) for group, actions in groups.items()}
        _replace(obj, get_group_obj_perms_model(model), "group", wanted, actor=actor, reason=reason)
    if users is not None:
        wanted = {getattr(user, "pk", user): set(actions) for user, actions in users.items()}
        _replace(obj, get_user_obj_perms_model(model), "user", wanted, actor=actor, reason=reason)


def grants_of(obj: models.Model) -> dict[str, dict[int, set[str]]]:
    """The current grants on obj: {"groups": {group_id: {actions}}, "users": {user_id: {actions}}}."""
    model = type(obj)
    suffix = f"_{model._meta.model_name}"
    result: dict[str, dict[int, set[str]]] = {"groups": {}, "users": {}}
    for key, perm_model, field in (
        ("groups", get_group_obj_perms_model(model), "group_id"),
        ("users", get_user_obj_perms_model(model), "user_id"),
    ):
        for holder, codename in perm_model.objects.filter(content_object=obj).values_list(
            field, "permission__codename"
        ):
            result[key].setdefault(holder, set()).add(codename.removesuffix(suffix))
    return result


__all__ = ["grants_of", "set_object_grants"]
