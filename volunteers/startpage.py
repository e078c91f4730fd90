"""Start page: a supervisor's volunteers without supervision for too long."""

from victimsupport.startpage import register_panel
from volunteers.selectors import unsupervised


@register_panel(order=40)
def unsupervised_volunteers_panel(request):
    rows = unsupervised(request.user)
    if not rows:
        return None
    return "volunteers/panels/unsupervised.html", {"rows": rows}
