"""Start page: overdue invoices for the service organiser."""

from referrals.selectors import overdue_invoices
from victimsupport.models import Role
from victimsupport.startpage import register_panel


@register_panel(order=30)
def overdue_invoices_panel(request):
    user = request.user
    if not user.has_role(Role.SERVICE_ORGANISER):
        return None
    return "referrals/panels/overdue.html", {"invoices": overdue_invoices(user)}
