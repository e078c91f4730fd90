"""Start page: a supervisor's volunteers without supervision for too long, and expense reports waiting
for the user's approval."""

from victimsupport.models import Role
from victimsupport.startpage import register_panel
from volunteers.selectors import reports_to_approve, unsupervised


@register_panel(order=40)
def unsupervised_volunteers_panel(request):
    rows = unsupervised(request.user)
    if not rows:
        return None
    return "volunteers/panels/unsupervised.html", {"rows": rows}


@register_panel(order=41)
def reports_to_approve_panel(request):
    if not request.user.has_role(Role.SPECIALIST, Role.REGIONAL_MANAGER, Role.COORDINATOR):
        return None
    reports = reports_to_approve(request.user)
    if not reports:
        return None
    return "volunteers/panels/reports.html", {"reports": reports}
