"""The conditions of compensation, checked and shown on the claim: the deadlines (a claim within 3 years
of the crime, a police report within 15 days or an accepted reason), the proceedings, the consequence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from compensation.models import Claim, CompensationRules, Crime, HealthDamage

OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass(frozen=True)
class Check:
    name: str
    state: str  # ok, warn (not known yet, or late with an accepted reason), fail
    text: str

    @property
    def tone(self) -> str:
        return {OK: "ok", WARN: "warn", FAIL: "danger"}[self.state]


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def claim_deadline(crime: Crime, rules: CompensationRules) -> date:
    return years_after(crime.occurred_on, rules.claim_years)


def report_deadline(crime: Crime, rules: CompensationRules) -> date:
    return crime.occurred_on + timedelta(days=rules.report_days)


def crime_checks(crime: Crime, rules: CompensationRules | None) -> list[Check]:
    if rules is None:
        return [
            Check(
                "rules",
                FAIL,
                _("No compensation rules are in force on %(date)s: an administrator must enter them.")
                % {"date": f"{crime.occurred_on:%d.%m.%Y}"},
            )
        ]
    checks = []
    checks.append(
        Check("place", OK, _("Committed in Estonia."))
        if crime.in_estonia
        else Check("place", FAIL, _("The crime was not committed in Estonia."))
    )
    deadline = report_deadline(crime, rules)
    if crime.reported_on is None:
        checks.append(Check("report", WARN, _("The date of the police report is not known yet.")))
    elif crime.reported_on <= deadline:
        checks.append(
            Check(
                "report",
                OK,
                _("Reported to the police on %(date)s, within %(days)s days.")
                % {"date": f"{crime.reported_on:%d.%m.%Y}", "days": rules.report_days},
            )
        )
    elif crime.late_reason_accepted:
        checks.append(
            Check(
                "report",
                WARN,
                _("Reported on %(date)s, after %(deadline)s; the reason was accepted.")
                % {"date": f"{crime.reported_on:%d.%m.%Y}", "deadline": f"{deadline:%d.%m.%Y}"},
            )
        )
    else:
        checks.append(
            Check(
                "report",
                FAIL,
                _("Reported on %(date)s, after the %(days)s days (%(deadline)s), and no reason was accepted.")
                % {
                    "date": f"{crime.reported_on:%d.%m.%Y}",
                    "days": rules.report_days,
                    "deadline": f"{deadline:%d.%m.%Y}",
                },
            )
        )
    checks.append(
        Check("proceedings", OK, _("Criminal proceedings %(number)s.") % {"number": crime.proceedings_number})
        if crime.proceedings_number
        else Check("proceedings", WARN, _("The criminal proceedings number is not known yet."))
    )
    if crime.health_damage in (HealthDamage.SERIOUS, HealthDamage.DEATH):
        checks.append(Check("damage", OK, str(HealthDamage(crime.health_damage).label).capitalize() + "."))
    elif crime.disorder_months is None:
        checks.append(Check("damage", WARN, _("The length of the health disorder is not known yet.")))
    elif crime.disorder_months >= rules.disorder_months:
        checks.append(
            Check(
                "damage",
                OK,
                _("A health disorder of %(months)s months (at least %(required)s).")
                % {"months": crime.disorder_months, "required": rules.disorder_months},
            )
        )
    else:
        checks.append(
            Check(
                "damage",
                FAIL,
                _("A health disorder of %(months)s months: at least %(required)s are required.")
                % {"months": crime.disorder_months, "required": rules.disorder_months},
            )
        )
    return checks


def claim_checks(claim: Claim, rules: CompensationRules | None) -> list[Check]:
    checks = crime_checks(claim.crime, rules)
    if rules is None:
        return checks
    deadline = claim_deadline(claim.crime, rules)
    if claim.received_on <= deadline:
        checks.insert(
            0,
            Check(
                "claim",
                OK,
                _("Claimed on %(date)s, within %(years)s years of the crime (by %(deadline)s).")
                % {
                    "date": f"{claim.received_on:%d.%m.%Y}",
                    "years": rules.claim_years,
                    "deadline": f"{deadline:%d.%m.%Y}",
                },
            ),
        )
    else:
        checks.insert(
            0,
            Check(
                "claim",
                FAIL,
                _("Claimed on %(date)s, more than %(years)s years after the crime (the deadline was %(deadline)s).")
                % {
                    "date": f"{claim.received_on:%d.%m.%Y}",
                    "years": rules.claim_years,
                    "deadline": f"{deadline:%d.%m.%Y}",
                },
            ),
        )
    return checks


def problems(checks: list[Check]) -> list[Check]:
    return [check for check in checks if check.state == FAIL]
