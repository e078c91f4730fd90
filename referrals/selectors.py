"""Reads of the referrals app: the provider finder, invoice lists and the budget."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import EntitlementCharge
from cases.models.aid import ChargeKind
from referrals.models import Contract, Invoice, InvoiceLine, Provider, Referral, YearlyBudget
from referrals.models.invoices import InvoiceStatus
from referrals.models.referrals import OPEN_REFERRAL_STATUSES
from victimsupport.models import Region, Role, User

CENT = Decimal("0.01")


def held_by(referral: Referral) -> Decimal:
    sums = dict(
        EntitlementCharge.objects.filter(source_type="referrals.referral", source_id=referral.pk)
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    return (sums.get(ChargeKind.COMMITMENT, Decimal("0")) - sums.get(ChargeKind.RELEASE, Decimal("0"))).quantize(CENT)


def find_providers(
    user,
    *,
    q: str = "",
    county=None,
    language: str = "",
    service: str = "",
    remote: bool = False,
    max_wait: int | None = None,
    sort: str = "wait",
):
    today = timezone.localdate()
    providers = Provider.objects.restrict(user).filter(active=True).prefetch_related("counties")
    if q:
        providers = providers.filter(name__icontains=q)
    if county is not None:
        providers = (
            providers.filter(Q(counties=county) | Q(remote=True)) if remote else providers.filter(counties=county)
        )
    elif remote:
        providers = providers.filter(remote=True)
    if language:
        providers = providers.filter(languages__contains=[language])
    if max_wait is not None:
        providers = providers.filter(waiting_days__lte=max_wait)
    contracted = Contract.objects.filter(provider=OuterRef("pk"), valid_from__lte=today).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    if service:
        contracted = contracted.filter(services__contains=[service])
    providers = providers.filter(Exists(contracted)).distinct()
    order = ("waiting_days", "name") if sort != "name" else ("name",)
    return providers.order_by(*order)


def invoice_list(user, *, status: str = "", provider=None, overdue: bool = False):
    invoices = Invoice.objects.restrict(user).select_related("provider", "referral__letter")
    if status:
        invoices = invoices.filter(status=status)
    if provider is not None:
        invoices = invoices.filter(provider=provider)
    if overdue:
        invoices = invoices.filter(
            due_on__lt=timezone.localdate(),
            status__in=[
                InvoiceStatus.RECEIVED,
                InvoiceStatus.CHECKED,
                InvoiceStatus.APPROVED,
                InvoiceStatus.SENT_FOR_PAYMENT,
            ],
        )
    # The claimed total per listed invoice (a correlated subquery): a GROUP BY over every invoice the
    # user may see would have to finish before the first page could be cut from it.
    claimed = (
        InvoiceLine.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return invoices.annotate(claimed=Subquery(claimed)).order_by("due_on", "id")


def overdue_invoices(user, limit: int = 10) -> list[Invoice]:
    return list(invoice_list(user, overdue=True)[:limit])


def budget(user, year: int) -> dict:
    """Committed (held by open referrals), invoiced (approved) and paid amounts per region, provider and month,
    with the yearly budgets."""

    regions = set(Region.objects.values_list("pk", flat=True)) if user.has_role(Role.ADMINISTRATOR) else user.region_ids
    referrals = Referral.objects.filter(decision__application__case__region__in=regions, created_at__year=year)
    invoices = Invoice.objects.filter(
        referral__decision__application__case__region__in=regions, received_on__year=year
    ).exclude(status=InvoiceStatus.REJECTED)
    # What open referrals still hold: their commitments less what was released.
    held = defaultdict(Decimal)
    charges = EntitlementCharge.objects.filter(
        source_type="referrals.referral",
        source_id__in=referrals.filter(status__in=OPEN_REFERRAL_STATUSES).values("pk"),
    ).values_list("source_id", "kind", "amount")
    for source_id, kind, amount in charges:
        held[source_id] += amount if kind == ChargeKind.COMMITMENT else -amount if kind == ChargeKind.RELEASE else 0
    rows: dict = defaultdict(
        lambda: {"committed": Decimal("0.00"), "invoiced": Decimal("0.00"), "paid": Decimal("0.00")}
    )
    for referral in referrals.filter(pk__in=list(held)).select_related(
        "provider", "decision__application__case__region"
    ):
        key = (
            referral.decision.application.case.region.name,
            referral.provider.name,
            timezone.localtime(referral.created_at).date().replace(day=1),
        )
        rows[key]["committed"] += held[referral.pk]
    approved = invoices.filter(status__in=[InvoiceStatus.APPROVED, InvoiceStatus.SENT_FOR_PAYMENT, InvoiceStatus.PAID])
    for region, provider, month, status, total in (
        approved.annotate(month=TruncMonth("received_on"))
        .values_list("referral__decision__application__case__region__name", "provider__name", "month", "status")
        .annotate(total=Sum("approved_total"))
    ):
        key = (region, provider, month)
        rows[key]["invoiced"] += total or 0
        if status == InvoiceStatus.PAID:
            rows[key]["paid"] += total or 0
    lines = [{"region": key[0], "provider": key[1], "month": key[2], **values} for key, values in sorted(rows.items())]
    totals = {name: sum((line[name] for line in lines), Decimal("0.00")) for name in ("committed", "invoiced", "paid")}
    budgets = list(
        YearlyBudget.objects.filter(year=year)
        .filter(Q(region__isnull=True) | Q(region__in=regions))
        .select_related("region")
    )
    budget_total = sum((item.amount for item in budgets), Decimal("0.00"))
    return {
        "lines": lines,
        "totals": totals,
        "budgets": budgets,
        "budget_total": budget_total,
        "left": budget_total - totals["committed"] - totals["invoiced"],
    }


REFERENCE_RE = re.compile(r"[Ss]-([0-9]{1,18})", re.ASCII)


def find_referral(number: str, *, actor: User, provider: Provider) -> Referral | None:
    """A referral to `provider` that `actor` may invoice against (through restrict()), by the number the
    provider quotes: the letter's register number (or an extension letter's) or S-<id>. None otherwise."""
    number = (number or "").strip()
    if not number:
        return None
    referrals = Referral.objects.restrict(actor, "invoice").filter(provider=provider)
    found = REFERENCE_RE.fullmatch(number)
    if found:
        return referrals.filter(pk=int(found.group(1))).first()
    return (
        referrals.filter(Q(letter__number=number) | Q(extensions__letter__number=number))
        .distinct()
        .order_by("pk")
        .first()
    )
