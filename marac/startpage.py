"""Start page: for MARAC partners and the coordinator, the next meetings and the actions waiting
(overdue first)."""

from django.utils import timezone

from marac.selectors import my_actions, overdue_actions, upcoming_meetings
from victimsupport.audit import AccessAction, log_access
from victimsupport.models import Role
from victimsupport.startpage import register_panel


@register_panel(order=45)
def marac_panel(request):
    user = request.user
    if not user.has_role(Role.MARAC_PARTNER, Role.COORDINATOR):
        return None
    meetings = list(upcoming_meetings(user)[:3])
    if user.has_role(Role.MARAC_PARTNER):
        actions = list(my_actions(user).filter(status="open")[:10])
    else:
        actions = list(overdue_actions(user)[:10])
    if not meetings and not actions:
        return None
    if actions:
        persons = [action.referral.person_id for action in actions]
        log_access(user, AccessAction.LIST, object_type="marac.maraccase", persons=persons)
    return "marac/panels/marac.html", {"meetings": meetings, "actions": actions, "today": timezone.localdate()}
