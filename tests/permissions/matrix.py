"""The permission matrix: for every URL pattern of the project, what each role gets, with an object in
its scope and one out of it. A pattern without a row here fails tests/permissions/test_matrix.py.

Statuses: 200 page, 302 redirect (anonymous: to the login page), 400 a form posted empty, 403 role or
action not allowed on a visible object, 404 out of scope (not revealed), 405 method not allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = [
    "anonymous",
    "administrator",
    "regional_manager",
    "specialist",
    "colleague",
    "service_organiser",
    "coordinator",
    "volunteer",
    "marac_partner",
    "former_partner",
    "analyst",
    "expert_doctor",
]
CASEWORK = {"regional_manager", "specialist", "colleague"}
PARTNER_ROLES = ("marac_partner", "former_partner")
OTHERS = set(ROLES) - CASEWORK - {"anonymous"}


@dataclass
class Row:
    """`kwargs` names the scenario objects the URL needs (or None); `expect` maps role to (in scope,
    out of scope); roles not named get `default`."""

    kwargs: dict[str, str] | None = None
    method: str = "get"
    expect: dict[str, tuple[int, int]] = field(default_factory=dict)
    default: tuple[int, int] = (403, 403)
    anonymous: int = 302

    def expected(self, role: str) -> tuple[int, int]:
        if role == "anonymous":
            return (self.anonymous, self.anonymous)
        if role == "former_partner" and role not in self.expect:
            # A partner whose membership ended is, outside MARAC pages, any partner.
            return self.expect.get("marac_partner", self.default)
        return self.expect.get(role, self.default)


def every_role(status: int) -> dict[str, tuple[int, int]]:
    return {role: (status, status) for role in ROLES if role != "anonymous"}


def casework(
    view: tuple[int, int],
    *,
    colleague: tuple[int, int] | None = None,
    specialist: tuple[int, int] | None = None,
    manager: tuple[int, int] | None = None,
):
    return {
        "regional_manager": manager or view,
        "specialist": specialist or view,
        "colleague": colleague or view,
    }


STATISTICS_READERS = ("analyst", "regional_manager", "service_organiser", "administrator")
VIEW = (200, 404)  # visible in scope, not revealed out of it
CHANGE_ONLY_RESPONSIBLE = {"colleague": (403, 404)}
CASE = {"pk": "case"}
PERSON = {"pk": "person"}
APPLICATION = {"pk": "aid_application"}
DRAFT = {"pk": "aid_decision"}
ISSUED = {"pk": "aid_issued"}
REFERRAL = {"pk": "referral"}
CLAIM = {"pk": "claim"}
COMP_ISSUED = {"pk": "compensation_issued"}
OPINION = {"pk": "expert_opinion"}
MEDIATION = {"pk": "mediation"}
MATERIAL = {"pk": "material"}
MATERIAL_STAFF = dict.fromkeys(
    ("regional_manager", "specialist", "colleague", "service_organiser", "coordinator"), (200, 200)
)
MATERIAL_BUTTON = dict.fromkeys(MATERIAL_STAFF, (302, 302))
# The prevention plan: national (a plan of this year "in scope", of last year "out"): its planners.
PLANNERS = dict.fromkeys(("regional_manager", "service_organiser", "coordinator"), (200, 200))
PLANNER_BUTTON = dict.fromkeys(PLANNERS, (302, 302))
PLAN = {"year": "prevention_plan.year"}
PREVENTION_ACTIVITY = {"pk": "prevention_activity"}
EVENT = {"pk": "crisis_event"}
CRISIS_PERSON = {"pk": "crisis_registration"}
# The event's roster (here the specialist and the volunteer) and the region's managers; the colleague,
# staff of the region but not on the roster, gets nothing.
CRISIS_ROSTER = {"regional_manager": VIEW, "specialist": VIEW, "colleague": (404, 404), "volunteer": VIEW}
CRISIS_MANAGE = {"regional_manager": VIEW, "specialist": (403, 404), "colleague": (404, 404), "volunteer": (403, 404)}
CRISIS_MANAGE_BUTTON = {**CRISIS_MANAGE, "regional_manager": (302, 404)}
CRISIS_BUTTON = {
    "regional_manager": (302, 404),
    "specialist": (302, 404),
    "colleague": (404, 404),
    "volunteer": (302, 404),
}
MEDIATION_WORK = {**casework(VIEW), "volunteer": VIEW}
MEDIATION_BUTTON = {**casework((302, 404)), "volunteer": (302, 404)}
# Approving: a regional manager of the crime's region; other casework staff see the decision (403).
COMP_MANAGER = casework((302, 404), colleague=(403, 404), specialist=(403, 404))
CLOSED_REFERRAL = {"pk": "closed_referral"}
INVOICE = {"pk": "invoice"}
VOLUNTEER = {"pk": "volunteer"}
ASSIGNMENT = {"pk": "assignment"}
ACTIVITY = {"pk": "activity"}
# The coordinator: every volunteer; a regional manager: their regions'; the supervisor (the "specialist"
# supervises the volunteer in scope) reads only; other staff: not revealed.
VOLUNTEER_VIEW = {
    "coordinator": (200, 200),
    "regional_manager": (200, 404),
    "specialist": (200, 404),
    "colleague": (404, 404),
}
VOLUNTEER_CHANGE = {**VOLUNTEER_VIEW, "specialist": (403, 404)}
REPORT = {"pk": "expense_report"}
REPORT_VIEW = VOLUNTEER_VIEW
REPORT_DECIDE = {
    "coordinator": (302, 302),
    "regional_manager": (302, 404),
    "specialist": (302, 404),
    "colleague": (404, 404),
    "service_organiser": (403, 403),
}

ASSESSMENT = {"pk": "assessment"}
NETWORK = {"pk": "network"}
MEMBERSHIP = {"pk": "membership"}
MEETING = {"pk": "meeting"}
ITEM = {"pk": "agenda_item"}
MARAC_CASE = {"pk": "marac_case"}
MARAC_ROLES = ("coordinator", "regional_manager", "specialist", "colleague", "marac_partner", "former_partner")
FORMER = {"former_partner": (404, 404)}
# Running a network: the coordinator and the regional manager of its region; other MARAC roles see it
# (403) or not (404).
MARAC_ORGANISE = {
    "coordinator": (200, 404),
    "regional_manager": (200, 404),
    "specialist": (403, 404),
    "colleague": (403, 404),
    "marac_partner": (403, 404),
    "former_partner": (404, 404),
}
MARAC_BUTTON = {"coordinator": (302, 404), "regional_manager": (302, 404)}
MARAC_ORGANISER_ONLY = {"coordinator": (200, 404), "regional_manager": (200, 404)}
MARAC_ORGANISER_BUTTON = MARAC_BUTTON

OWN_ONLY_BUTTON = {role: (302, 404) for role in ROLES if role != "anonymous"}

MATRIX: dict[str, Row] = {
    # --- platform ---
    "home": Row(expect=every_role(200)),
    "login": Row(expect=every_role(302), anonymous=200),
    "logout": Row(expect=every_role(405), anonymous=405),
    "otp-verify": Row(expect=every_role(302)),
    # TARA is off here (tests/platform/test_tara.py runs it against a real provider): no such pages.
    "tara-start": Row(expect=every_role(404), anonymous=404),
    "tara-callback": Row(expect=every_role(404), anonymous=404),
    "tara-failed": Row(expect=every_role(302), anonymous=302),
    "otp-setup": Row(expect=every_role(200)),
    # One's own passkeys only (the scenario's are unconfirmed: a confirmed one would ask for the second step).
    "passkey-rename": Row(kwargs={"pk": "passkey"}, method="post", expect=OWN_ONLY_BUTTON),
    "passkey-remove": Row(kwargs={"pk": "passkey"}, method="post", expect=OWN_ONLY_BUTTON),
    # The ceremonies answer JSON; never a first factor (anonymous: 403). Completing with no ceremony
    # begun: 400. The second factor is not asked first (an account with one must give it to add a passkey).
    "otp_webauthn:credential-registration-complete": Row(method="post", expect=every_role(400), anonymous=403),
    "otp_webauthn:credential-registration-begin": Row(method="post", expect=every_role(200), anonymous=403),
    "otp_webauthn:credential-authentication-complete": Row(method="post", expect=every_role(400), anonymous=403),
    "otp_webauthn:credential-authentication-begin": Row(method="post", expect=every_role(200), anonymous=403),
    "otp_webauthn:js-i18n-catalog": Row(expect=every_role(200), anonymous=200),
    "set_language": Row(expect=every_role(302), anonymous=302),
    "heartbeat": Row(expect=every_role(200), anonymous=200),
    "access-log": Row(expect={"regional_manager": (200, 200), "administrator": (200, 200)}),
    "job": Row(kwargs={"pk": "job"}, expect={role: (200, 404) for role in ROLES if role != "anonymous"}),
    "job-download": Row(kwargs={"pk": "job"}, expect={role: (200, 404) for role in ROLES if role != "anonymous"}),
    "sample-letter": Row(expect={"administrator": (200, 200)}),
    "password-set": Row(kwargs={"uidb64": "__MQ", "token": "__x-y"}, expect=every_role(200), anonymous=200),
    # --- cases ---
    "cases:case-list": Row(expect=casework((200, 200))),
    "cases:case-search": Row(method="post", expect=casework((302, 302))),
    "cases:intake": Row(expect=casework((200, 200))),
    "cases:case": Row(kwargs=CASE, expect=casework(VIEW)),
    "cases:case-timeline": Row(kwargs=CASE, expect=casework(VIEW)),
    "cases:case-edit": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404))),
    "cases:case-open-sealed": Row(kwargs=CASE, method="post", expect=casework((400, 404))),
    "cases:case-close": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404))),
    "cases:case-reopen": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404))),
    "cases:case-assign": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404), specialist=(403, 404))),
    "cases:case-transfer": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404), specialist=(403, 404))),
    "cases:case-seal": Row(kwargs=CASE, expect={"regional_manager": VIEW}),
    "cases:party-add": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404))),
    "cases:contact-add": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404))),
    "cases:note-add": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404))),
    "cases:plan-add": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404))),
    "cases:plan-status": Row(
        kwargs={"pk": "case", "item_pk": "plan_item"}, expect=casework(VIEW, colleague=(403, 404))
    ),
    "cases:task-add": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404))),
    "cases:task-done": Row(
        kwargs={"pk": "case", "task_pk": "task"}, method="post", expect=casework((302, 404), colleague=(403, 404))
    ),
    "cases:attachment-add": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404))),
    "cases:attachment": Row(kwargs={"pk": "case", "doc_pk": "attachment"}, expect=casework(VIEW)),
    "cases:person-search": Row(expect=casework((200, 200))),
    "cases:person": Row(kwargs=PERSON, expect=casework(VIEW)),
    "cases:person-edit": Row(kwargs=PERSON, expect=casework(VIEW, colleague=(403, 404))),
    "cases:safe-contact": Row(kwargs=PERSON, expect=casework(VIEW, colleague=(403, 404))),
    "cases:person-intake": Row(kwargs={"person_pk": "person"}, expect=casework(VIEW, colleague=(403, 404))),
    "cases:access-report": Row(kwargs=PERSON, expect=casework(VIEW, colleague=(403, 404))),
    "cases:aid-application-add": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404))),
    "cases:aid-applications": Row(expect=casework((200, 200))),
    "cases:aid-approvals": Row(expect={"regional_manager": (200, 200)}),
    "cases:aid-application": Row(kwargs=APPLICATION, expect=casework(VIEW)),
    "cases:aid-application-edit": Row(kwargs=APPLICATION, expect=casework(VIEW, colleague=(403, 404))),
    "cases:aid-decision-add": Row(kwargs=APPLICATION, expect=casework(VIEW, colleague=(403, 404))),
    "cases:aid-decision": Row(kwargs=DRAFT, expect=casework(VIEW)),
    "cases:aid-decision-edit": Row(kwargs=DRAFT, expect=casework(VIEW, colleague=(403, 404))),
    # The actions run against an issued decision: allowed users are refused by the procedure (a message and
    # a redirect), so the matrix changes no state; the others never reach it.
    "cases:aid-decision-submit": Row(kwargs=ISSUED, method="post", expect=casework((302, 404), colleague=(403, 404))),
    "cases:aid-decision-issue": Row(kwargs=ISSUED, method="post", expect=casework((302, 404), colleague=(403, 404))),
    "cases:aid-decision-approve": Row(
        kwargs=ISSUED, method="post", expect=casework((302, 404), colleague=(403, 404), specialist=(403, 404))
    ),
    "cases:aid-decision-return": Row(
        kwargs=ISSUED, method="post", expect=casework((302, 404), colleague=(403, 404), specialist=(403, 404))
    ),
    "cases:aid-decision-letter": Row(kwargs=ISSUED, expect=casework(VIEW)),
    "cases:aid-decision-preview": Row(kwargs=DRAFT, expect=casework(VIEW)),
    "cases:aid-decision-deliver": Row(kwargs=ISSUED, method="post", expect=casework((302, 404), colleague=(403, 404))),
    "cases:aid-decision-amend": Row(kwargs=ISSUED, expect=casework(VIEW, colleague=(403, 404))),
    # --- compensation: the casework staff of the crime's region, and the claimant's case's ---
    "compensation:claim-list": Row(expect=casework((200, 200))),
    "compensation:claim-add": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404))),
    "compensation:claim-add-person": Row(expect=casework((200, 200))),
    "compensation:claim": Row(kwargs=CLAIM, expect=casework(VIEW)),
    "compensation:claim-edit": Row(kwargs=CLAIM, expect=casework(VIEW)),
    "compensation:crime-edit": Row(kwargs=CLAIM, expect=casework(VIEW)),
    # Posted empty: the reason is missing (a message, nothing changes).
    "compensation:claim-withdraw": Row(kwargs=CLAIM, method="post", expect=casework((302, 404))),
    "compensation:item-add": Row(kwargs=CLAIM, expect=casework(VIEW)),
    "compensation:document-add": Row(kwargs=CLAIM, expect=casework(VIEW)),
    "compensation:item-edit": Row(kwargs={"pk": "loss_item"}, expect=casework(VIEW)),
    # Against an item of a decided claim: allowed users are refused by the procedure (no state changes).
    "compensation:item-remove": Row(kwargs={"pk": "decided_loss_item"}, method="post", expect=casework((302, 404))),
    "compensation:document": Row(kwargs={"pk": "claim_document"}, expect=casework(VIEW)),
    "compensation:decision-add": Row(kwargs=CLAIM, expect=casework(VIEW)),
    "compensation:decision": Row(kwargs=COMP_ISSUED, expect=casework(VIEW)),
    "compensation:decision-edit": Row(kwargs={"pk": "compensation_draft"}, expect=casework(VIEW)),
    "compensation:decision-letter": Row(kwargs=COMP_ISSUED, expect=casework(VIEW)),
    # The actions run against an issued refusal: allowed users are refused by the procedure.
    "compensation:decision-submit": Row(kwargs=COMP_ISSUED, method="post", expect=casework((302, 404))),
    "compensation:decision-deliver": Row(kwargs=COMP_ISSUED, method="post", expect=casework((302, 404))),
    "compensation:payments-stop": Row(kwargs=COMP_ISSUED, method="post", expect=casework((302, 404))),
    "compensation:decision-discard": Row(kwargs=COMP_ISSUED, method="post", expect=casework((302, 404))),
    # Against the open claim, posted empty: refused by the procedure (no reason; nothing to keep).
    "compensation:claim-reopen": Row(kwargs=CLAIM, method="post", expect=casework((302, 404))),
    "compensation:claim-keep-decision": Row(kwargs=CLAIM, method="post", expect=casework((302, 404))),
    **{
        f"compensation:{name}": Row(kwargs=COMP_ISSUED, method="post", expect=COMP_MANAGER)
        for name in ("decision-approve", "decision-return", "payments-approve")
    },
    "compensation:payments": Row(expect=casework((200, 200))),
    "compensation:request-add": Row(kwargs=CLAIM, expect=casework(VIEW)),
    "compensation:request-answer": Row(kwargs={"pk": "information_request"}, expect=casework(VIEW)),
    "compensation:request-letter": Row(kwargs={"pk": "information_request"}, expect=casework(VIEW)),
    "compensation:opinion-add": Row(kwargs=CLAIM, expect=casework(VIEW)),
    # The doctor asked sees the opinion's page and the documents shared with it, nothing else of the claim.
    "compensation:my-opinions": Row(expect={"expert_doctor": (200, 200)}),
    "compensation:opinion": Row(kwargs=OPINION, expect={**casework(VIEW), "expert_doctor": VIEW}),
    "compensation:opinion-document": Row(
        kwargs={"pk": "expert_opinion", "doc_pk": "claim_document"}, expect={**casework(VIEW), "expert_doctor": VIEW}
    ),
    "compensation:payment-file-make": Row(kwargs={"pk": "region"}, method="post", expect=casework((302, 404))),
    "compensation:payment-file": Row(kwargs={"pk": "compensation_batch"}, expect=casework(VIEW)),
    # --- mediation: the region's casework staff, and the mediator (here the volunteer) of their own ---
    "mediation:list": Row(expect={**casework((200, 200)), "volunteer": (200, 200)}),
    "mediation:receive": Row(expect=casework((200, 200))),
    **{
        f"mediation:{name}": Row(kwargs=MEDIATION, expect=MEDIATION_WORK)
        for name in ("mediation", "meeting-add", "agreement", "obligation-add", "report-letter")
    },
    # The referral is the region's staff's: the mediator sees it, does not rewrite it.
    "mediation:edit": Row(kwargs=MEDIATION, expect={**casework(VIEW), "volunteer": (403, 404)}),
    # Buttons posted empty: refused by the form (a message on the page); the report is made (a job).
    **{
        f"mediation:{name}": Row(kwargs=MEDIATION, method="post", expect=MEDIATION_BUTTON)
        for name in ("close", "new-offence", "report")
    },
    "mediation:obligation-settle": Row(kwargs={"pk": "obligation"}, method="post", expect=MEDIATION_BUTTON),
    # Appointing: the region's casework staff; the mediator sees the mediation but does not appoint.
    "mediation:appoint": Row(kwargs=MEDIATION, method="post", expect={**casework((302, 404)), "volunteer": (403, 404)}),
    # --- crisis response: the region's managers, and the event's roster (the specialist, the volunteer) ---
    "crisis:event-list": Row(expect={**casework((200, 200)), "volunteer": (200, 200)}),
    "crisis:event-open": Row(
        expect={"regional_manager": (200, 200), "specialist": (403, 403), "colleague": (403, 403)}
    ),
    **{f"crisis:{name}": Row(kwargs=EVENT, expect=CRISIS_ROSTER) for name in ("event", "register")},
    "crisis:registration": Row(kwargs=CRISIS_PERSON, expect=CRISIS_ROSTER),
    "crisis:event-edit": Row(kwargs=EVENT, expect=CRISIS_MANAGE),
    # The manager (first in ROLES) closes it: the roster no longer reaches it, the colleague never did.
    "crisis:event-close": Row(
        kwargs={"pk": "crisis_event_to_close"},
        method="post",
        expect={
            "regional_manager": (302, 404),
            "specialist": (404, 404),
            "colleague": (404, 404),
            "volunteer": (404, 404),
        },
    ),
    "crisis:roster-add": Row(kwargs=EVENT, method="post", expect=CRISIS_MANAGE_BUTTON),
    "crisis:roster-end": Row(kwargs={"pk": "roster_entry"}, method="post", expect=CRISIS_MANAGE_BUTTON),
    # Posted empty: first aid is logged (a note is optional); the others are refused or close the person.
    **{
        f"crisis:{name}": Row(kwargs=CRISIS_PERSON, method="post", expect=CRISIS_BUTTON)
        for name in ("first-aid", "follow-up", "refer", "close")
    },
    # A case is opened by casework staff only (through the intake).
    "crisis:open-case": Row(
        kwargs=CRISIS_PERSON,
        method="post",
        expect={"regional_manager": (302, 404), "specialist": (302, 404), "colleague": (404, 404)},
    ),
    # --- information materials: staff who write them; the public page and feed without login ---
    "prevention:material-list": Row(expect=MATERIAL_STAFF),
    "prevention:material-add": Row(expect=MATERIAL_STAFF),
    **{
        f"prevention:{name}": Row(kwargs=MATERIAL, expect=MATERIAL_STAFF)
        for name in ("material", "material-edit", "file-add")
    },
    "prevention:file": Row(kwargs={"pk": "material_file"}, expect=MATERIAL_STAFF),
    # Buttons (the manager, first in ROLES, starts a revision and withdraws the other material; the rest
    # are refused by the procedure); approving is for managers and service organisers only.
    **{
        f"prevention:{name}": Row(kwargs=MATERIAL, method="post", expect=MATERIAL_BUTTON)
        for name in ("publish", "return", "revise", "reviewed")
    },
    "prevention:withdraw": Row(kwargs={"pk": "material_to_withdraw"}, method="post", expect=MATERIAL_BUTTON),
    "prevention:approve": Row(
        kwargs=MATERIAL,
        method="post",
        expect={**MATERIAL_BUTTON, "specialist": (403, 403), "colleague": (403, 403), "coordinator": (403, 403)},
    ),
    "prevention:public": Row(expect=every_role(200), anonymous=200),
    "prevention:public-feed": Row(expect=every_role(200), anonymous=200),
    "prevention:public-file": Row(kwargs={"pk": "material", "language": "__et"}, expect=every_role(200), anonymous=200),
    # --- the prevention plan: its planners; the effectiveness also for analysts; answers without login ---
    **{f"prevention:{name}": Row(expect=PLANNERS) for name in ("plan-list", "plan-add", "activity-list")},
    **{
        f"prevention:{name}": Row(kwargs=PLAN, expect=PLANNERS)
        for name in ("plan", "plan-edit", "project-add", "activity-add")
    },
    **{
        f"prevention:{name}": Row(kwargs={"pk": "prevention_project"}, expect=PLANNERS)
        for name in ("project", "project-edit", "expense-add")
    },
    **{
        f"prevention:{name}": Row(kwargs=PREVENTION_ACTIVITY, expect=PLANNERS)
        for name in ("activity", "activity-edit", "participants")
    },
    # Buttons: the manager (first in ROLES) marks one held and cancels another; the rest are refused by the
    # procedure (a message, 302).
    "prevention:activity-held": Row(kwargs={"pk": "activity_to_hold"}, method="post", expect=PLANNER_BUTTON),
    "prevention:activity-cancel": Row(kwargs={"pk": "activity_to_cancel"}, method="post", expect=PLANNER_BUTTON),
    **{
        f"prevention:{name}": Row(kwargs=PREVENTION_ACTIVITY, method="post", expect=PLANNER_BUTTON)
        for name in ("answers-open", "answers-close")
    },
    "prevention:effectiveness": Row(expect={**PLANNERS, "analyst": (200, 200)}),
    **{f"prevention:{name}": Row(expect=PLANNERS) for name in ("questionnaire-list", "questionnaire-add")},
    **{
        f"prevention:{name}": Row(kwargs={"pk": "questionnaire"}, expect=PLANNERS)
        for name in ("questionnaire", "question-add")
    },
    "prevention:question-edit": Row(kwargs={"pk": "question"}, expect=PLANNERS),
    **{
        f"prevention:{name}": Row(kwargs={"pk": "questionnaire"}, method="post", expect=PLANNER_BUTTON)
        for name in ("questionnaire-offer", "questionnaire-withdraw", "questionnaire-copy")
    },
    # The manager (first in ROLES) removes it: the other planners find it gone.
    "prevention:question-remove": Row(
        kwargs={"pk": "question_to_remove"},
        method="post",
        expect={"regional_manager": (302, 302), "service_organiser": (404, 404), "coordinator": (404, 404)},
    ),
    "prevention:answer": Row(
        kwargs={"key": "activity_taking_answers.answer_key", "phase": "__feedback"},
        expect=every_role(200),
        anonymous=200,
    ),
    # --- providers, referrals, invoices ---
    "referrals:provider-list": Row(expect={**casework((200, 200)), "service_organiser": (200, 200)}),
    "referrals:provider-add": Row(expect={"service_organiser": (200, 200)}),
    "referrals:provider": Row(
        kwargs={"pk": "provider"}, expect={**casework((200, 200)), "service_organiser": (200, 200)}
    ),
    "referrals:provider-edit": Row(kwargs={"pk": "provider"}, expect={"service_organiser": (200, 200)}),
    "referrals:specialist-add": Row(kwargs={"pk": "provider"}, expect={"service_organiser": (200, 200)}),
    "referrals:specialist-edit": Row(
        kwargs={"specialist_pk": "provider_specialist"}, expect={"service_organiser": (200, 200)}
    ),
    "referrals:contract-add": Row(kwargs={"pk": "provider"}, expect={"service_organiser": (200, 200)}),
    "referrals:tariff-add": Row(kwargs={"pk": "contract"}, expect={"service_organiser": (200, 200)}),
    "referrals:referral-add": Row(kwargs=ISSUED, expect=casework(VIEW, colleague=(403, 404))),
    "referrals:referral": Row(kwargs=REFERRAL, expect=casework(VIEW)),
    "referrals:referral-letter": Row(kwargs=REFERRAL, expect=casework(VIEW)),
    "referrals:referral-respond": Row(
        kwargs=REFERRAL, method="post", expect=casework((302, 404), colleague=(403, 404))
    ),
    "referrals:referral-cancel": Row(
        kwargs=CLOSED_REFERRAL, method="post", expect=casework((302, 404), colleague=(403, 404))
    ),
    "referrals:referral-complete": Row(
        kwargs=CLOSED_REFERRAL, method="post", expect=casework((302, 404), colleague=(403, 404))
    ),
    "referrals:referral-extend": Row(kwargs=REFERRAL, expect=casework(VIEW, colleague=(403, 404))),
    "referrals:referral-extension-letter": Row(
        kwargs={"pk": "referral", "extension_pk": "referral_extension"}, expect=casework(VIEW)
    ),
    "referrals:invoice-list": Row(expect={"service_organiser": (200, 200), "regional_manager": (200, 200)}),
    "referrals:invoice-add": Row(expect={"service_organiser": (200, 200)}),
    "referrals:invoice-import": Row(expect={"service_organiser": (200, 200)}),
    "referrals:invoice": Row(kwargs=INVOICE, expect={"service_organiser": VIEW, "regional_manager": VIEW}),
    "referrals:invoice-line-add": Row(kwargs=INVOICE, method="post", expect={"service_organiser": (400, 404)}),
    "referrals:invoice-line-decide": Row(
        kwargs={"pk": "invoice", "line_pk": "invoice_line"}, method="post", expect={"service_organiser": (302, 404)}
    ),
    "referrals:invoice-lines-accept-passed": Row(
        kwargs=INVOICE, method="post", expect={"service_organiser": (302, 404), "regional_manager": (403, 403)}
    ),
    "referrals:invoice-check": Row(
        kwargs=INVOICE, method="post", expect={"service_organiser": (302, 404), "regional_manager": (403, 404)}
    ),
    "referrals:invoice-approve": Row(
        kwargs=INVOICE, method="post", expect={"service_organiser": (302, 404), "regional_manager": (302, 404)}
    ),
    "referrals:invoice-reject": Row(
        kwargs=INVOICE, method="post", expect={"service_organiser": (302, 404), "regional_manager": (302, 404)}
    ),
    "referrals:invoice-paid": Row(kwargs=INVOICE, method="post", expect={"service_organiser": (302, 404)}),
    "referrals:payments": Row(expect={"service_organiser": (200, 200)}),
    "referrals:payment-file": Row(kwargs={"pk": "payment_export", "kind": "__xml"}, expect={"service_organiser": VIEW}),
    "referrals:budget": Row(expect={"service_organiser": (200, 200), "administrator": (200, 200)}),
    # --- statistics (figures only) ---
    "reporting:dashboard": Row(
        expect=dict.fromkeys(("analyst", "regional_manager", "service_organiser", "administrator"), (200, 200))
    ),
    "reporting:statistics-compute": Row(
        expect=dict.fromkeys(("analyst", "regional_manager", "service_organiser", "administrator"), (200, 200))
    ),
    "reporting:own-work": Row(expect=casework((200, 200))),
    "reporting:feedback-results": Row(
        expect=dict.fromkeys(("analyst", "regional_manager", "service_organiser", "administrator"), (200, 200))
    ),
    "reporting:feedback-invite": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404))),
    "reporting:feedback-slip": Row(expect=casework((200, 200))),
    # The client's survey: no login; a link that cannot be used answers the same for everyone.
    "reporting:feedback-survey": Row(kwargs={"token": "__no-such-link"}, expect=every_role(410), anonymous=410),
    "reporting:feedback-thanks": Row(expect=every_role(200), anonymous=200),
    # Yearly reports are public documents (figures only): every statistics user reads every report.
    "reporting:yearly-reports": Row(
        expect=dict.fromkeys(("analyst", "regional_manager", "service_organiser", "administrator"), (200, 200))
    ),
    "reporting:yearly-report": Row(
        kwargs={"pk": "yearly_report"},
        expect=dict.fromkeys(("analyst", "regional_manager", "service_organiser", "administrator"), (200, 200)),
    ),
    "cases:anonymous-list": Row(expect=casework((200, 200))),
    "cases:anonymous-add": Row(expect=casework((200, 200))),
    "cases:anonymous-convert": Row(kwargs={"pk": "anonymous_contact"}, method="post", expect=casework((302, 404))),
    # --- volunteers ---
    "volunteers:apply": Row(expect=every_role(200), anonymous=200),
    "volunteers:apply-thanks": Row(expect=every_role(200), anonymous=200),
    "volunteers:volunteer-list": Row(expect=dict.fromkeys((*CASEWORK, "coordinator"), (200, 200))),
    "volunteers:volunteer": Row(kwargs=VOLUNTEER, expect=VOLUNTEER_VIEW),
    "volunteers:volunteer-edit": Row(kwargs=VOLUNTEER, expect=VOLUNTEER_CHANGE),
    "volunteers:volunteer-step": Row(kwargs=VOLUNTEER, expect=VOLUNTEER_CHANGE),
    "volunteers:volunteer-assign": Row(kwargs=VOLUNTEER, expect={"coordinator": (200, 200)}),
    # A button: an applied candidate gets no account, so the allowed POST comes back with a message.
    "volunteers:volunteer-user": Row(
        kwargs=VOLUNTEER,
        method="post",
        expect={**VOLUNTEER_CHANGE, "coordinator": (302, 302), "regional_manager": (302, 404)},
    ),
    # Volunteer support on a case: whoever sees the case; assigning: the regional manager of the case (the
    # coordinator has the role but sees no case).
    "volunteers:case": Row(kwargs=CASE, expect=casework(VIEW)),
    "volunteers:assignment-add": Row(kwargs=CASE, expect={"regional_manager": (200, 404), "coordinator": (404, 404)}),
    "volunteers:assignment-end": Row(
        kwargs=ASSIGNMENT, method="post", expect={"regional_manager": (302, 404), "coordinator": (404, 404)}
    ),
    # The volunteer's own pages: their own assignments and entries only.
    "volunteers:my-clients": Row(expect={"volunteer": (200, 200)}),
    "volunteers:my-month": Row(expect={"volunteer": (200, 200)}),
    "volunteers:activity-add": Row(expect={"volunteer": (200, 200)}),
    "volunteers:client-card": Row(kwargs=ASSIGNMENT, expect={"volunteer": VIEW}),
    "volunteers:activity-edit": Row(kwargs=ACTIVITY, expect={"volunteer": VIEW}),
    # Supervision: contacts by the volunteer's supervisor or the coordinator; sessions and figures for the
    # registry's roles, narrowed to what each sees.
    "volunteers:supervision-add": Row(kwargs=VOLUNTEER, expect={**VOLUNTEER_VIEW, "regional_manager": (403, 404)}),
    "volunteers:group-sessions": Row(expect=dict.fromkeys((*CASEWORK, "coordinator"), (200, 200))),
    "volunteers:group-session-add": Row(expect=dict.fromkeys((*CASEWORK, "coordinator"), (200, 200))),
    "volunteers:overview": Row(expect=dict.fromkeys((*CASEWORK, "coordinator"), (200, 200))),
    "volunteers:my-year": Row(expect={"volunteer": (200, 200)}),
    # Trainings: the coordinator records them and approves hours; regional managers read their regions'.
    "volunteers:trainings": Row(expect={"coordinator": (200, 200), "regional_manager": (200, 200)}),
    "volunteers:training-add": Row(expect={"coordinator": (200, 200)}),
    "volunteers:training": Row(
        kwargs={"pk": "training"}, expect={"coordinator": (200, 200), "regional_manager": (200, 200)}
    ),
    "volunteers:training-approve": Row(kwargs={"pk": "training"}, method="post", expect={"coordinator": (302, 302)}),
    "volunteers:certificate": Row(
        kwargs={"pk": "training_attendance"},
        method="post",
        expect={"coordinator": (302, 302), "regional_manager": (302, 404)},
    ),
    # Expense reports: the volunteer submits their own month; staff read as they see the volunteer; the
    # supervisor, a regional manager or the coordinator decides; the service organiser reads and pays.
    "volunteers:month-submit": Row(method="post", expect={"volunteer": (302, 302)}),
    "volunteers:report-list": Row(expect=dict.fromkeys((*CASEWORK, "coordinator", "service_organiser"), (200, 200))),
    "volunteers:report": Row(
        kwargs=REPORT, expect={**REPORT_VIEW, "service_organiser": (200, 200), "volunteer": (200, 404)}
    ),
    "volunteers:report-approve": Row(kwargs=REPORT, method="post", expect=REPORT_DECIDE),
    "volunteers:report-return": Row(kwargs=REPORT, method="post", expect=REPORT_DECIDE),
    "volunteers:payments": Row(expect={"service_organiser": (200, 200)}),
    "volunteers:payment-file": Row(
        kwargs={"pk": "expense_payment", "kind": "__csv"}, expect={"service_organiser": (200, 200)}
    ),
    # --- MARAC ---
    # Risk assessment and referral inside a case: as the case (changing: who may change the case).
    "marac:case-risk": Row(kwargs=CASE, expect=casework(VIEW)),
    "marac:assessment-add": Row(kwargs=CASE, expect=casework(VIEW, colleague=(403, 404))),
    "marac:assessment": Row(kwargs=ASSESSMENT, expect=casework(VIEW)),
    "marac:refer": Row(kwargs=ASSESSMENT, expect=casework(VIEW, colleague=(403, 404))),
    # Networks: staff of the region and the network's current members see; the coordinator and the
    # regional manager run it; a partner whose membership ended sees nothing of it.
    "marac:network-list": Row(expect=dict.fromkeys(MARAC_ROLES, (200, 200))),
    "marac:network": Row(kwargs=NETWORK, expect={**dict.fromkeys(MARAC_ROLES, VIEW), **FORMER}),
    "marac:agency-add": Row(kwargs=NETWORK, expect=MARAC_ORGANISE),
    "marac:member-add": Row(kwargs=NETWORK, expect=MARAC_ORGANISE),
    "marac:schedule": Row(kwargs=NETWORK, expect=MARAC_ORGANISE),
    "marac:member-end": Row(kwargs=MEMBERSHIP, method="post", expect=MARAC_BUTTON),
    "marac:member-roles": Row(kwargs=MEMBERSHIP, expect=MARAC_ORGANISER_ONLY),
    "marac:meeting": Row(kwargs=MEETING, expect={**dict.fromkeys(MARAC_ROLES, VIEW), **FORMER}),
    "marac:agenda-fill": Row(kwargs=MEETING, method="post", expect=MARAC_BUTTON),
    "marac:agenda-send": Row(kwargs=MEETING, method="post", expect=MARAC_BUTTON),
    "marac:attendance": Row(kwargs=MEETING, method="post", expect=MARAC_BUTTON),
    "marac:meeting-edit": Row(kwargs=MEETING, expect=MARAC_ORGANISER_ONLY),
    "marac:meeting-close": Row(kwargs=MEETING, expect=MARAC_ORGANISER_ONLY),
    # The agenda PDF: the organisers, and the members of the meeting's day before it is held.
    "marac:meeting-document": Row(
        kwargs={**MEETING, "kind": "__agenda"},
        expect={**dict.fromkeys(MARAC_ROLES, (404, 404)), **MARAC_ORGANISER_ONLY, "marac_partner": VIEW},
    ),
    "marac:minutes": Row(kwargs=ITEM, expect=MARAC_ORGANISER_ONLY),
    "marac:agenda-remove": Row(kwargs=ITEM, method="post", expect=MARAC_ORGANISER_BUTTON),
    "marac:action-add": Row(kwargs=ITEM, expect=MARAC_ORGANISER_ONLY),
    # The MARAC record: the case's staff, the organisers, and partners of the network while it is on
    # the agenda (never the victim support case behind it).
    "marac:case-list": Row(
        expect=dict.fromkeys(("coordinator", "regional_manager", "marac_partner", "former_partner"), (200, 200))
    ),
    "marac:case": Row(kwargs=MARAC_CASE, expect={**dict.fromkeys(MARAC_ROLES, VIEW), **FORMER}),
    "marac:case-document": Row(
        kwargs={**MARAC_CASE, "kind": "__referral"}, expect={**dict.fromkeys(MARAC_ROLES, VIEW), **FORMER}
    ),
    "marac:case-letters": Row(
        kwargs=MARAC_CASE,
        method="post",
        expect={**MARAC_BUTTON, **casework((403, 404), manager=(302, 404), specialist=(302, 404))},
    ),
    "marac:action": Row(
        kwargs={"pk": "marac_action"},
        expect={
            **dict.fromkeys(MARAC_ROLES, (403, 404)),
            **MARAC_ORGANISE,
            "marac_partner": VIEW,
            **FORMER,
        },
    ),
    "marac:action-edit": Row(kwargs={"pk": "marac_action"}, expect={**MARAC_ORGANISER_ONLY}),
    "marac:my-actions": Row(expect=dict.fromkeys(MARAC_ROLES, (200, 200))),
    # Figures: aggregates (analysts' small counts suppressed).
    "marac:figures": Row(
        expect=dict.fromkeys(("coordinator", "regional_manager", "analyst", "administrator"), (200, 200))
    ),
    "marac:case-close": Row(kwargs=MARAC_CASE, method="post", expect=MARAC_BUTTON),
    # Cancelling is refused while actions were agreed at the meeting (the scenario's has one).
    "marac:meeting-cancel": Row(kwargs=MEETING, expect=MARAC_ORGANISER_ONLY),
    # Last: it deletes the volunteer's entry in scope.
    "volunteers:activity-delete": Row(kwargs=ACTIVITY, method="post", expect={"volunteer": (302, 404)}),
}

# The Django admin: administrators only; everyone else is sent to the login (admin's own redirect).
ADMIN_ROW = Row(expect={role: (302, 302) for role in ROLES if role not in {"anonymous", "administrator"}})
ADMIN_ALLOWED_FOR_ADMINISTRATOR = {200, 403}
