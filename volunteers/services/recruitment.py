"""Recruitment: the public application, the pipeline steps, the registry data, the user account, and
the deletion of candidates who did not become volunteers."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from victimsupport.concurrency import assign_fields, versioned_edit
from victimsupport.models import County, Role, User
from victimsupport.permissions import ensure_permitted, is_permitted
from victimsupport.rules import check_field_rules, not_future
from victimsupport.security import security_event
from victimsupport.services import user_set_roles_and_regions
from volunteers.models import CLOSED_CANDIDATE_STATUSES, BackgroundCheck, Volunteer, VolunteerStatus, VolunteerStep

APPLICATION_FIELDS = ["first_name", "last_name", "email", "phone", "languages", "kinds", "motivation"]
REGISTRY_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "address",
    "iban",
    "languages",
    "kinds",
    "supervisor",
    "conflicts",
]
CLOSING_STATUSES = (VolunteerStatus.LEFT, VolunteerStatus.REJECTED, VolunteerStatus.WITHDRAWN)


def _check_result(status, background_check) -> dict:
    if status == VolunteerStatus.CHECKED and background_check not in BackgroundCheck.values:
        return {"background_check": gettext_lazy("Record the result of the background check.")}
    return {}


STEP_RULES = (not_future("happened_on"), _check_result)


@transaction.atomic
def volunteer_apply(*, county: County, **fields) -> Volunteer:
    """The public application (no user): a candidate in the county's region, nothing else revealed."""
    volunteer = Volunteer(region_id=county.region_id, status=VolunteerStatus.APPLIED)
    assign_fields(volunteer, fields, APPLICATION_FIELDS)
    volunteer.full_clean()
    volunteer.save()
    volunteer.counties.set([county])
    VolunteerStep.objects.create(
        volunteer=volunteer, status=VolunteerStatus.APPLIED, happened_on=timezone.localdate(), recorded_by=None
    )
    return volunteer


def _supervisor_allowed(supervisor: User | None) -> None:
    if supervisor is None:
        return
    staff = (Role.SPECIALIST, Role.REGIONAL_MANAGER, Role.COORDINATOR)
    if not supervisor.is_active or not supervisor.has_role(*staff):
        raise ValidationError({"supervisor": _("The supervisor must be an active member of staff.")})


@transaction.atomic
def volunteer_update(*, actor: User, volunteer: Volunteer, expected_version: int, counties=None, **fields) -> Volunteer:
    """The registry data: kinds, languages, counties, supervisor, declared conflicts, contacts."""
    versioned_edit(volunteer, expected_version, fields, REGISTRY_FIELDS)
    _supervisor_allowed(volunteer.supervisor)
    if counties is not None:
        counties = list(counties)
        if not counties:
            raise ValidationError({"counties": _("Choose at least one county.")})
        if volunteer.region_id not in {county.region_id for county in counties}:
            volunteer.region_id = counties[0].region_id
    volunteer.full_clean()
    volunteer.save()
    if counties is not None:
        volunteer.counties.set(counties)
    ensure_permitted(actor, volunteer, "change")
    return volunteer


@transaction.atomic
def volunteer_step(
    *,
    actor: User,
    volunteer: Volunteer,
    expected_version: int,
    status: str,
    happened_on: date,
    note: str = "",
    background_check: str = "",
    pledge_signed_on: date | None = None,
) -> VolunteerStep:
    """The next step of the pipeline, with its date (and the check's result: never the extract)."""
    stored = versioned_edit(volunteer, expected_version, {}, ())
    if status not in stored.next_statuses:
        raise ValidationError(
            {"status": _("From “%(now)s” the next step cannot be this one.") % {"now": stored.get_status_display()}}
        )
    check_field_rules(*STEP_RULES, happened_on=happened_on, status=status, background_check=background_check)
    if status == VolunteerStatus.CHECKED:
        volunteer.background_checked_on, volunteer.background_check = happened_on, background_check
    elif status == VolunteerStatus.TRAINED:
        if volunteer.background_check != BackgroundCheck.CLEAR:
            raise ValidationError({"status": _("Only a candidate with a clear background check goes on.")})
        volunteer.base_training_on = happened_on
    elif status == VolunteerStatus.SIGNED:
        volunteer.agreement_signed_on = happened_on
        volunteer.pledge_signed_on = pledge_signed_on or happened_on
    elif status == VolunteerStatus.INTERVIEWED:
        volunteer.interviewed_on = happened_on
    volunteer.status = status
    volunteer.closed_on = happened_on if status in CLOSING_STATUSES else None
    volunteer.full_clean()
    volunteer.save()
    step = VolunteerStep.objects.create(
        volunteer=volunteer, status=status, happened_on=happened_on, note=note, recorded_by=actor
    )
    ensure_permitted(actor, volunteer, "change")
    if status == VolunteerStatus.LEFT and volunteer.user_id:
        volunteer.user.is_active = False
        volunteer.user.save(update_fields=["is_active"])
        security_event("user_deactivated", actor=actor, user=volunteer.user, reason="volunteer_left")
    return step


def _username(volunteer: Volunteer) -> str:
    base = (volunteer.email or f"vabatahtlik{volunteer.pk}").lower()[:140]
    name, number = base, 1
    while User.objects.filter(username=name).exists():
        number += 1
        name = f"{base}.{number}"
    return name


@transaction.atomic
def volunteer_user_create(*, actor: User, volunteer: Volunteer) -> User:
    """An active volunteer becomes a user with the volunteer role in one step; an e-mail invites them to
    set a password (and then, where required, a second factor, at their first login)."""
    if not is_permitted(actor, volunteer, "change"):
        raise PermissionDenied
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.user_id is not None:
        raise ValidationError(_("The volunteer already has a user account."))
    if not volunteer.is_active:
        raise ValidationError(_("Only an active volunteer gets a user account."))
    user = User.objects.create_user(
        username=_username(volunteer),
        email=volunteer.email,
        first_name=volunteer.first_name,
        last_name=volunteer.last_name,
        phone=volunteer.phone,
        password=None,  # unusable until the volunteer sets one through the invitation
    )
    user_set_roles_and_regions(user, roles=[Role.VOLUNTEER], regions=[volunteer.region], actor=actor)
    volunteer.user = user
    volunteer.save(update_fields=["user"])
    security_event("volunteer_user_created", actor=actor, user=user, volunteer=volunteer.pk)
    send_invitation.delay_on_commit(user.pk)
    return user


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL.rstrip("/") + reverse("password-set", args=[uid, token])


@shared_task(name="volunteers.send_invitation", ignore_result=True)
def send_invitation(user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "link": invitation_link(user), "days": settings.PASSWORD_RESET_TIMEOUT // 86400}
        send_mail(
            _("Your account in the victim support system"),
            render_to_string("volunteers/email/invitation.txt", context),
            None,
            [user.email],
        )


def candidates_purge(today: date | None = None) -> int:
    """Delete candidates who were not accepted or withdrew, once the retention period has passed, with
    their pipeline steps and their change history (no personal data of theirs stays)."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.VOLUNTEER_CANDIDATE_RETENTION_DAYS)
    expired = Volunteer.objects.filter(status__in=CLOSED_CANDIDATE_STATUSES, closed_on__lt=cutoff, user__isnull=True)
    ids = list(expired.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        VolunteerStep.objects.filter(volunteer_id__in=ids).delete()
        Volunteer.counties.through.objects.filter(volunteer_id__in=ids).delete()
        Volunteer.objects.filter(pk__in=ids).delete()
        # Last: the deletions above write history rows of their own.
        VolunteerStep.history.filter(volunteer_id__in=ids).delete()
        Volunteer.history.filter(id__in=ids).delete()
    security_event("volunteer_candidates_deleted", actor=None, count=len(ids))
    return len(ids)


@shared_task(name="volunteers.purge_candidates", ignore_result=True)
def purge_candidates() -> None:
    candidates_purge()
