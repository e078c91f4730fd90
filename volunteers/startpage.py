"""Start page: for a supervisor, their volunteers without supervision for too long and the expense
reports waiting for them (one query)."""

from victimsupport.startpage import register_panel
from volunteers.selectors import supervisor_overview


@register_panel(order=40)
def supervisor_panel(request):
    overview = supervisor_overview(request.user)
    if not overview["unsupervised"] and not overview["reports"]:
        return None
    return "volunteers/panels/supervisor.html", overview
