"""Start page panels of the cases app."""

from django.utils import timezone

from cases import selectors
from victimsupport.audit import AccessAction, log_access
from victimsupport.models import Role
from victimsupport.startpage import register_panel


@register_panel(order=10)
def specialist_panel(request):
    user = request.user
    if not user.has_role(Role.SPECIALIST):
        return None
    cases = selectors.my_open_cases(user)
    tasks = selectors.my_overdue_tasks(user)
    # Task titles are free text about the client: shown, they are logged with the cases.
    persons = [case.client_id for case in cases] + [task.case.client_id for task in tasks]
    if persons:
        log_access(user, AccessAction.LIST, object_type="cases.case", persons=persons)
    return "cases/panels/specialist.html", {
        "cases": cases,
        "tasks": tasks,
        "contacts": selectors.my_recent_contacts(user),
    }


@register_panel(order=20)
def manager_panel(request):
    user = request.user
    if not user.has_role(Role.REGIONAL_MANAGER):
        return None
    tasks = selectors.region_overdue_tasks(user)
    if tasks:
        log_access(user, AccessAction.LIST, object_type="cases.task", persons=[task.case.client_id for task in tasks])
    return "cases/panels/manager.html", {"team": selectors.team_workload(user), "tasks": tasks}


@register_panel(order=15)
def aid_panel(request):
    """Aid decisions due soon or overdue, drafts returned, decisions waiting for approval."""
    user = request.user
    if not user.has_role(Role.SPECIALIST, Role.REGIONAL_MANAGER):
        return None
    manager = user.has_role(Role.REGIONAL_MANAGER)
    due = selectors.aid_due_soon(user, scope="region" if manager else "mine")
    waiting = selectors.decisions_waiting_for(user) if manager else []
    returned = selectors.drafts_returned_to(user)
    if not (due or waiting or returned):
        return None
    persons = [application.applicant_id for application in due]
    if persons:
        log_access(user, AccessAction.LIST, object_type="cases.aidapplication", persons=persons)
    return "cases/panels/aid.html", {
        "due": due,
        "waiting": waiting,
        "returned": returned,
        "today": timezone.localdate(),
    }
