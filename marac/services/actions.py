"""The action plan: actions agreed at a meeting, assigned to an agency and a member; the member updates
their own between meetings; overdue ones are reminded."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marac.models import Action, ActionStatus, Agency, AgendaItem, Meeting, Membership
from marac.selectors import add_months, network_coordinators
from victimsupport.concurrency import versioned_edit
from victimsupport.models import User
from victimsupport.notify import notify
from victimsupport.permissions import ensure_permitted, is_permitted
from victimsupport.rules import field_errors

UPDATE_FIELDS = ["status", "outcome", "completed_on"]
REMIND_EVERY = timedelta(days=7)
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


PLAN_FIELDS = ["agency", "owner", "description", "due_on"]


def _deadline(due_on: date | None, earliest: date | None) -> dict:
    """Within two years, and not before the meeting that agreed the action (`earliest`)."""
    if due_on is None:
        return {}
    if due_on > add_months(timezone.localdate(), 24):
        return {"due_on": _("Set a deadline within two years.")}
    if earliest is not None and due_on < earliest:
        return {"due_on": _("The deadline cannot be before the meeting.")}
    return {}


def _done(status: str | None, completed_on: date | None, outcome: str | None, agreed_on: date | None) -> dict:
    """A done or not done action has its day (not in the future, not before it was agreed) and its outcome."""
    if status not in (ActionStatus.DONE, ActionStatus.NOT_DONE):
        return {}
    errors = {}
    if completed_on is None:
        errors["completed_on"] = _("Give the date.")
    elif completed_on > timezone.localdate():
        errors["completed_on"] = _("The date cannot be in the future.")
    elif agreed_on is not None and completed_on < agreed_on:
        errors["completed_on"] = _("The date cannot be before the action was agreed.")
    if outcome is not None and not outcome.strip():
        errors["outcome"] = _("Say what was done or why it could not be done.")
    return errors


PLAN_RULES = (_deadline,)  # `earliest`: see plan_earliest
UPDATE_RULES = (_done,)  # `agreed_on`: see action_agreed_on


def plan_earliest(action: Action) -> date:
    """The earliest deadline of an action being changed: the day of the meeting that agreed it (today
    for one agreed elsewhere)."""
    return action.agenda_item.meeting.held_on if action.agenda_item_id else timezone.localdate()


def action_agreed_on(action: Action) -> date:
    return timezone.localtime(action.created_at).date()


def _check_plan(
    action_or_item_network_id: int, agency: Agency, owner: User | None, due_on: date, earliest: date
) -> dict:
    errors = {}
    if agency.network_id != action_or_item_network_id:
        errors["agency"] = _("Choose an agency of the network.")
    elif owner is not None and not Membership.objects.active_on().filter(agency=agency, user=owner).exists():
        errors["owner"] = _("The responsible person must be a current member of the agency.")
    errors.update(field_errors(*PLAN_RULES, due_on=due_on, earliest=earliest))
    return errors


@transaction.atomic
def action_add(
    *, actor: User, item: AgendaItem, agency: Agency, owner: User | None, description: str, due_on: date
) -> Action:
    """An action agreed on a case at a meeting. The owner, if named, is a current member of the agency."""
    if not is_permitted(actor, item, "change"):
        raise PermissionDenied
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    if not meeting.is_planned:
        raise ValidationError(_("The minutes of this meeting are final: agree the action at the next meeting."))
    referral = item.referral
    errors = _check_plan(referral.network_id, agency, owner, due_on, meeting.held_on)
    if referral.is_closed:
        errors["__all__"] = _("The MARAC case is closed.")
    if not description.strip():
        errors["description"] = _("Describe the action.")
    if errors:
        raise ValidationError(errors)
    twin = Action.objects.filter(
        agenda_item=item,
        agency=agency,
        owner=owner,
        description=description.strip(),
        due_on=due_on,
        created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
    ).first()
    if twin is not None:  # the same form sent twice: one action
        return twin
    action = Action(
        referral=referral,
        agenda_item=item,
        agency=agency,
        owner=owner,
        description=description.strip(),
        due_on=due_on,
        created_by=actor,
    )
    action.full_clean()
    action.save()
    if owner is not None and owner != actor:
        notify(
            [owner],
            gettext_noop("A MARAC action was assigned to you (deadline %(date)s)."),
            params={"date": f"{due_on:%d.%m.%Y}"},
            link=reverse("marac:case", args=[referral.pk]),
            email=True,
        )
    return action


@transaction.atomic
def action_edit(
    *,
    actor: User,
    action: Action,
    expected_version: int,
    agency: Agency,
    owner: User | None,
    description: str,
    due_on: date,
) -> Action:
    """The organiser changes an open action of an open MARAC case (the new member is told)."""
    if not is_permitted(actor, action.referral, "change"):
        raise PermissionDenied
    if action.referral.is_closed or not action.is_open:
        raise ValidationError(_("Only an open action of an open MARAC case can be changed."))
    errors = _check_plan(action.referral.network_id, agency, owner, due_on, plan_earliest(action))
    if not description.strip():
        errors["description"] = _("Describe the action.")
    if errors:
        raise ValidationError(errors)
    previous_owner = action.owner_id
    fields = {"agency": agency, "owner": owner, "description": description.strip(), "due_on": due_on}
    versioned_edit(action, expected_version, fields, PLAN_FIELDS)
    action.full_clean()
    action.save()
    if owner is not None and owner.pk != previous_owner and owner != actor:
        notify(
            [owner],
            gettext_noop("A MARAC action was assigned to you (deadline %(date)s)."),
            params={"date": f"{due_on:%d.%m.%Y}"},
            link=reverse("marac:case", args=[action.referral_id]),
            email=True,
        )
    return action


@transaction.atomic
def action_update(
    *, actor: User, action: Action, expected_version: int, status: str, outcome: str, completed_on: date | None
) -> Action:
    """The owner (or the organiser) records how the action went."""
    if not is_permitted(actor, action, "change"):
        raise PermissionDenied
    if action.referral.is_closed:
        raise ValidationError(_("The MARAC case is closed: its actions no longer change."))
    errors = {}
    outcome = outcome.strip()
    if status not in ActionStatus.values:
        errors["status"] = _("Choose a status.")
    errors.update(
        field_errors(
            *UPDATE_RULES, status=status, completed_on=completed_on, outcome=outcome, agreed_on=action_agreed_on(action)
        )
    )
    if status not in (ActionStatus.DONE, ActionStatus.NOT_DONE):
        completed_on = None
    if status == ActionStatus.CANCELLED and not is_permitted(actor, action.referral, "change"):
        errors["status"] = _("Only the coordinator cancels an action.")
    if errors:
        raise ValidationError(errors)
    versioned_edit(
        action, expected_version, {"status": status, "outcome": outcome, "completed_on": completed_on}, UPDATE_FIELDS
    )
    action.full_clean()
    action.save()
    ensure_permitted(actor, action, "view")
    return action


def actions_remind() -> int:
    """Tell the owner (while a member) and the network's coordinators, in the app and by e-mail, of open
    actions of open MARAC cases past their deadline, once a week per action. Returns how many were reminded."""
    now = timezone.now()
    due = (
        Action.objects.filter(status="open", due_on__lt=timezone.localdate())
        .exclude(referral__status="closed")
        .exclude(reminded_at__gt=now - REMIND_EVERY)
    )
    count = 0
    for action in due.select_related("referral", "owner"):
        with transaction.atomic():
            claimed = Action.objects.filter(pk=action.pk, reminded_at=action.reminded_at).update(reminded_at=now)
            if not claimed:
                continue
            network_id = action.referral.network_id
            recipients = {user.pk: user for user in network_coordinators(network_id)}
            owner_is_member = Membership.objects.active_on().filter(network_id=network_id, user=action.owner_id)
            if action.owner_id and owner_is_member.exists():
                recipients[action.owner_id] = action.owner
            notify(
                recipients.values(),
                gettext_noop("A MARAC action of %(reference)s is past its deadline (%(date)s)."),
                params={"reference": action.referral.reference, "date": f"{action.due_on:%d.%m.%Y}"},
                link=reverse("marac:case", args=[action.referral_id]),
                email=True,
            )
            count += 1
    return count


@shared_task(name="marac.remind_overdue_actions", ignore_result=True, time_limit=600)
def remind_overdue_actions() -> None:
    actions_remind()
