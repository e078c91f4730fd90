"""Reads of the volunteers app, always through restrict()."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from victimsupport.models import User
from volunteers.models import Volunteer

VOLUNTEER_SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "status": ("status", "last_name", "pk"),
    "-status": ("-status", "-last_name", "-pk"),
    "applied": ("applied_at", "pk"),
    "-applied": ("-applied_at", "-pk"),
}


def volunteer_list(
    user: User, *, q: str = "", status: str = "", kind: str = "", county=None, sort: str = "name"
) -> QuerySet[Volunteer]:
    volunteers = Volunteer.objects.restrict(user).select_related("region", "supervisor")
    if q:
        volunteers = volunteers.filter(Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q))
    if status:
        volunteers = volunteers.filter(status=status)
    if kind:
        volunteers = volunteers.filter(kinds__contains=[kind])
    if county is not None:
        volunteers = volunteers.filter(counties=county)
    return volunteers.order_by(*VOLUNTEER_SORTS.get(sort, VOLUNTEER_SORTS["name"]))


def supervised_by(user: User) -> QuerySet[Volunteer]:
    """The volunteers `user` supervises (the start page of a supervisor)."""
    return Volunteer.objects.restrict(user).filter(supervisor=user).order_by("last_name", "first_name", "pk")
