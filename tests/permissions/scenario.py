"""The permission matrix's scenario: one user per role and, for each, objects in its scope (Põhja) and
out of it (Lõuna). The matrix test and the browser sweep of every page use it."""

from __future__ import annotations

import datetime
import decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.services import anonymous as anonymous_services
from cases.services import work as work_services
from compensation import letters as compensation_letters
from compensation.models import PaymentBatch
from compensation.services import claims as compensation_services
from compensation.services import decisions as compensation_decisions
from compensation.services import evidence as compensation_evidence
from marac.letters import make_agenda, make_referral_letters
from marac.models import Agency, Membership, Network
from marac.selectors import current_questionnaire
from marac.services import actions as marac_actions
from marac.services import assessments as assessment_services
from marac.services import meetings
from marac.services import referrals as marac_referrals
from referrals.letters import _register_extension
from referrals.services import invoices as invoice_services
from referrals.services import payments as payment_services
from referrals.services import referrals as referral_services
from reporting.models import Survey, YearlyReport
from tests.factories import (
    login_verified,
    make_aid,
    make_case,
    make_invoice,
    make_provider,
    make_referral,
    make_user,
    region,
)
from tests.permissions.matrix import PARTNER_ROLES
from victimsupport.jobs import job_create, job_finish, job_run
from victimsupport.models import County
from victimsupport.register import register_document, series_for
from volunteers.models import ExpensePayment, ExpenseReport, Training, TrainingAttendance, Volunteer
from volunteers.services import assignments as assignment_services
from volunteers.services import recruitment


def scenario(role_users):
    """Objects in the actors' scope (Põhja, made by the responsible specialist) and out of it (Lõuna)."""
    specialist = role_users["specialist"]
    outsider = make_user("specialist", "louna")
    objects = {}
    provider = make_provider()
    organisers = {"in": role_users["service_organiser"], "out": make_user("service_organiser", "louna")}
    approvers = {"in": make_user("service_organiser", "pohja"), "out": make_user("service_organiser", "louna")}
    for scope, actor, region_code in (("in", specialist, "pohja"), ("out", outsider, "louna")):
        case = make_case(actor, region_code=region_code)
        item = work_services.plan_item_add(actor=actor, case=case, kind="need", text="Turvaline elukoht")
        task = work_services.task_add(
            actor=actor, case=case, title="Helista", due_on=timezone.localdate(), assigned_to=actor
        )
        attachment = work_services.attachment_add(
            actor=actor,
            case=case,
            title="Avaldus",
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 test"),
        )
        contact = anonymous_services.anonymous_contact_add(
            actor=actor,
            happened_at=timezone.now() - datetime.timedelta(hours=1),
            region=region(region_code),
            county=None,
            age_group="27-64",
            sex="F",
            incident_type="domestic_violence",
            channel="phone",
            duration_minutes=30,
            topic="",
        )
        application, draft, issued = make_aid(actor, case)
        referral = make_referral(actor, issued, provider, amount="100.00")
        extension = referral_services.referral_extend(
            actor=actor, referral=referral, amount=decimal.Decimal("10.00"), reason="Veel üks seanss"
        )
        with transaction.atomic():
            _register_extension(extension, actor)
        closed_referral = make_referral(actor, issued, provider, amount="50.00", letter=False)
        invoice = make_invoice(organisers[scope], referral, number=f"M-{scope}", sessions=1)
        paid = make_invoice(
            organisers[scope],
            make_referral(actor, issued, provider, amount="100.00", letter=False),
            number=f"P-{scope}",
            sessions=1,
            first_day=3,
        )
        for line in paid.lines.all():
            invoice_services.line_decide(actor=organisers[scope], line=line, decision="accepted")
        invoice_services.invoice_mark_checked(actor=organisers[scope], invoice=paid)
        invoice_services.invoice_approve(actor=approvers[scope], invoice=paid)
        export = payment_services.payments_export(actor=organisers[scope])
        report_job = job_create(kind="yearly_report", created_by=actor, params={"year": 2025, "language": "et"})
        objects[scope] = {
            "yearly_report": YearlyReport.objects.create(
                year=2025,
                language="et",
                job=report_job,
                created_by=actor,
                document=register_document(
                    title="Ohvriabi statistika 2025",
                    doc_type="yearly_report",
                    responsible=actor,
                    content=b"%PDF-1.4 report",
                    filename="statistika-2025-et.pdf",
                    series=series_for("yearly_report"),
                    restricted=False,
                ),
            ),
            "provider": provider,
            "provider_specialist": provider.specialists.first(),
            "contract": provider.contracts.first(),
            "referral": referral,
            "referral_extension": extension,
            "closed_referral": closed_referral,
            "invoice": invoice,
            "invoice_line": invoice.lines.first(),
            "payment_export": export,
            "aid_application": application,
            "aid_decision": draft,
            "aid_issued": issued,
            "case": case,
            "person": case.client,
            "plan_item": item,
            "task": task,
            "attachment": attachment,
            "anonymous_contact": contact,
            "volunteer": _volunteer(region_code, supervisor=actor),
        }
        volunteer_user = role_users["volunteer"] if scope == "in" else make_user("volunteer", region_code)
        manager = role_users["regional_manager"] if scope == "in" else make_user("regional_manager", region_code)
        assignment, activity = _assignment(case, volunteer_user, manager, region_code, supervisor=actor)
        objects[scope] |= _marac_objects(
            case,
            actor,
            region_code,
            coordinator=role_users["coordinator"] if scope == "in" else make_user("coordinator", region_code),
            partner=role_users["marac_partner"] if scope == "in" else make_user("marac_partner", region_code),
            former=role_users["former_partner"] if scope == "in" else None,
        )
        objects[scope] |= {
            "assignment": assignment,
            "activity": activity,
            **_expense_objects(assignment.volunteer, organisers[scope]),
            **_training_objects(assignment.volunteer, region_code, role_users["coordinator"]),
            **_compensation_objects(
                case,
                actor,
                manager,
                doctor=role_users["expert_doctor"] if scope == "in" else make_user("expert_doctor"),
            ),
            **_mediation_objects(actor, region_code, mediator=volunteer_user),
            **_crisis_objects(manager, actor, volunteer_user, region_code),
            **_material_objects(actor, role_users["regional_manager"]),
            **_prevention_objects(role_users["service_organiser"], actor, timezone.localdate().year - (scope == "out")),
        }
    return objects


def _material_objects(owner, approver) -> dict:
    """A published material with its Estonian file, and another to be withdrawn (materials have no region:
    in and out of scope are alike)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from prevention.services import materials as material_services

    def published():
        material = material_services.material_create(
            actor=owner,
            title="Juhend",
            kind="guide",
            audience="ohvrid",
            summary="Kuhu pöörduda.",
            owner=owner,
            review_due_on=timezone.localdate() + datetime.timedelta(days=30),
        )
        upload = SimpleUploadedFile("juhend.pdf", b"%PDF-1.4 juhend", content_type="application/pdf")
        material_services.file_add(actor=owner, material=material, language="et", upload=upload)
        material_services.material_approve(actor=approver, material=material)
        return material_services.material_publish(actor=owner, material=material)

    material = published()
    return {"material": material, "material_to_withdraw": published(), "material_file": material.files.get()}


def _prevention_objects(planner, trainer, year: int) -> dict:
    """A plan of `year` (plans are national: this year's "in scope", last year's "out"), a project, a held
    activity, one to mark held, one to cancel, and one taking answers."""
    from prevention.services import plans as prevention_services
    from prevention.services import questionnaires as questionnaire_services

    plan = prevention_services.plan_create(actor=planner, year=year, aims="Partnerid oskavad abi pakkuda.")
    first, last = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), timezone.localdate())
    project = prevention_services.project_create(
        actor=planner,
        plan=plan,
        name="Koolitused",
        aim="Teadmised",
        method="Koolitused",
        starts_on=first,
        ends_on=datetime.date(year, 12, 31),
        budget=decimal.Decimal("1000.00"),
        lead=planner,
    )
    feedback = Survey.objects.get(purpose="training_feedback", active=True)

    def activity(title: str, **fields):
        values = {
            "title": title,
            "kind": "training",
            "topic": "domestic_violence",
            "audiences": ["police"],
            "held_on": last,
            "ends_on": None,
            "place": "Tallinn",
            "online": False,
            "trainer": trainer,
            "trainer_name": "",
            "project": project,
            "knowledge_check": None,
            "feedback_survey": feedback,
            "notes": "",
        }
        return prevention_services.activity_create(actor=planner, plan=plan, **(values | fields))

    held = prevention_services.activity_held(actor=planner, activity=activity("Koolitus"))
    questionnaire = questionnaire_services.questionnaire_create(
        actor=planner, purpose="knowledge_check", title_et="Kontroll", title_ru="Проверка", title_en="Check"
    )

    def question(text: str):
        return questionnaire_services.question_add(
            actor=planner,
            survey=questionnaire,
            kind="yes_no",
            required=True,
            correct_answer="yes",
            text_et=text,
            text_ru=text,
            text_en=text,
        )

    taking = prevention_services.answers_open(actor=planner, activity=activity("Vastused"), open=True)
    return {
        "prevention_plan": plan,
        "prevention_project": project,
        "prevention_activity": held,
        "activity_to_hold": activity("Märkida toimunuks"),
        "activity_to_cancel": activity("Tühistada"),
        "activity_taking_answers": taking,
        "questionnaire": questionnaire,
        "question": question("Kas abi on tasuta?"),
        "question_to_remove": question("Eemaldada?"),
    }


def _crisis_objects(manager, specialist, volunteer_user, region_code: str) -> dict:
    """An event of the region under way: the specialist its contact point (on the roster), the volunteer
    on the roster too, one person registered. The colleague is staff of the region but not on it."""
    from crisis.models import RosterEntry
    from crisis.services import events as crisis_services

    def staffed_event():
        event = crisis_services.event_open(
            actor=manager,
            region=region(region_code),
            title="Õnnetus",
            place="Tallinn",
            started_at=timezone.now() - datetime.timedelta(hours=1),
            lead_agency="Päästeamet",
            contact_point=specialist,
            notes="",
        )
        RosterEntry.objects.create(event=event, user=volunteer_user, starts_at=timezone.now(), added_by=manager)
        return event

    Volunteer.objects.filter(user=volunteer_user).update(kinds=["marac", "mediator", "crisis"])  # helps at events
    event = staffed_event()
    registration = crisis_services.registration_add(
        actor=specialist, event=event, who="Mari", contact="", category="affected", needs=[]
    )
    return {
        "crisis_event": event,
        "crisis_event_to_close": staffed_event(),  # closing ends the roster's access: not the event above
        "crisis_registration": registration,
        # Ending a shift ends its helper's reach: the shift ended here is a third helper's.
        "roster_entry": RosterEntry.objects.create(
            event=event, user=make_user("specialist", region_code), starts_at=timezone.now(), added_by=manager
        ),
    }


def _mediation_objects(actor, region_code: str, *, mediator) -> dict:
    """A mediation of the region whose mediator is the volunteer (the role's user in scope), agreed, with
    an open obligation and the report made."""
    from mediation.letters import register_report
    from mediation.models import Mediation, Obligation
    from mediation.services import mediations as mediation_services

    today = timezone.localdate()
    person = {"birth_date": datetime.date(1990, 1, 1), "language": "et", "phone": "", "email": "", "personal_code": ""}
    rules = {"phone_allowed": True, "sms_allowed": False, "email_allowed": False, "safe_times": ""}
    mediation = mediation_services.mediation_receive(
        actor=actor,
        region=region(region_code),
        parties={
            "victim": {**person, "first_name": "Lepi", "last_name": "Kannatanu"},
            "offender": {**person, "first_name": "Lepi", "last_name": "Kahtlustatav"},
        },
        contacts={"victim": rules, "offender": rules},
        received_on=today,
        referred_by="prosecutor",
        referring_body="Prokuratuur",
        proceedings_number=f"M-{region_code}",
        offence="Ähvardamine",
        victim_consent_on=today,
        offender_consent_on=today,
    )
    Volunteer.objects.filter(user=mediator).update(kinds=["marac", "mediator"])  # the in-scope volunteer mediates
    Mediation.objects.filter(pk=mediation.pk).update(
        mediator=mediator, appointed_on=today, agreement_on=today, status="follow_up"
    )
    obligation = Obligation.objects.create(mediation=mediation, party="offender", what="Vabandus", due_on=today)
    mediation.refresh_from_db()
    with transaction.atomic():
        register_report(mediation, actor)
    return {"mediation": mediation, "obligation": obligation}


def _compensation_objects(case, actor, manager, *, doctor) -> dict:
    """A claim with a loss item, a document and a draft decision; a claim refused by an issued decision (the
    actions on it are refused by the procedure), and a payment file."""
    today = timezone.localdate()

    def claim_in(a_case, number):
        return compensation_services.claim_open(
            actor=actor,
            case=a_case,
            crime_fields={
                "victim": a_case.client,
                "occurred_on": today - datetime.timedelta(days=30),
                "in_estonia": True,
                "place": "",
                "description": "Rünnak",
                "reported_on": today - datetime.timedelta(days=29),
                "proceedings_number": f"{case.pk}-{number}",
                "late_report_reason": "",
                "health_damage": "serious",
                "disorder_months": None,
            },
            claimant=a_case.client,
            claimant_role="victim",
            relation="",
            received_on=today,
            iban="",
            notes="",
        )

    item_fields = {
        "kind": "treatment",
        "description": "Arve",
        "period_from": None,
        "period_until": None,
        "amount_claimed": decimal.Decimal("100"),
        "amount_accepted": None,
        "other_sources": decimal.Decimal("0"),
        "other_sources_note": "",
    }
    claim = claim_in(case, 1)
    item = compensation_services.item_add(actor=actor, claim=claim, **item_fields)
    document = compensation_services.document_add(
        actor=actor, claim=claim, title="Arve", upload=SimpleUploadedFile("arve.pdf", b"%PDF-1.4 arve")
    )
    decided = claim_in(make_case(actor, region_code=case.region.code), 2)
    decided_item = compensation_services.item_add(actor=actor, claim=decided, **item_fields)
    decision_fields = {
        "kind": "refusal",
        "one_off_amount": decimal.Decimal("0"),
        "monthly_amount": decimal.Decimal("0"),
        "monthly_from": None,
        "monthly_months": 0,
        "facts": "",
        "reasoning": "Tingimused ei ole täidetud.",
    }
    issued = compensation_decisions.decision_draft(actor=actor, claim=decided, **decision_fields)
    compensation_decisions.decision_submit(actor=actor, decision=issued)
    issued = compensation_decisions.decision_approve(actor=manager, decision=issued)
    with transaction.atomic():
        compensation_letters._register_letter(issued, manager)
    draft = compensation_decisions.decision_draft(actor=actor, claim=claim, **decision_fields)
    info_request = compensation_evidence.request_send(
        actor=actor,
        claim=claim,
        recipient_kind="police",
        recipient_name="Põhja prefektuur",
        recipient_address="ppa@politsei.ee",
        question="Kas menetlus on alustatud?",
    )
    with transaction.atomic():
        compensation_letters._register_request(info_request, actor)
    opinion = compensation_evidence.opinion_ask(
        actor=actor, claim=claim, doctor=doctor, question="Seos?", documents=[document], due_on=today
    )
    batch = PaymentBatch(
        region=case.region, created_by=actor, execution_date=today, total=decimal.Decimal("1"), xml_sha256=""
    )
    batch.xml_file.save("h.xml", ContentFile(b"<x/>"), save=False)
    batch.save()
    return {
        "claim": claim,
        "loss_item": item,
        "claim_document": document,
        "decided_loss_item": decided_item,
        "compensation_draft": draft,
        "compensation_issued": issued,
        "compensation_batch": batch,
        "region": case.region,
        "information_request": info_request,
        "expert_opinion": opinion,
    }


def _marac_objects(case, specialist, region_code: str, *, coordinator, partner, former) -> dict:
    """A network of the region with a current partner (and, in scope, one whose membership ended), the
    case assessed high by judgement and referred, a meeting with the case on its sent agenda and an
    action for the partner."""
    today = timezone.localdate()
    network = Network.objects.create(name=f"MARAC {region_code}", county=case.county)
    police = Agency.objects.create(network=network, kind="police", name=f"Politsei {region_code}")
    support = Agency.objects.create(network=network, kind="victim_support", name=f"Ohvriabi {region_code}")
    Membership.objects.create(network=network, agency=support, user=coordinator, starts_on=today, is_coordinator=True)
    membership = Membership.objects.create(network=network, agency=police, user=partner, starts_on=today)
    if former is not None:
        Membership.objects.create(
            network=network,
            agency=police,
            user=former,
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today - datetime.timedelta(days=1),
        )
    questionnaire = current_questionnaire()
    assessment = assessment_services.assessment_create(
        actor=specialist,
        case=case,
        questionnaire=questionnaire,
        answers={q.number: "no" for q in questionnaire.questions.all()},
        assessed_on=today,
        judgement_level="high",
        judgement_reason="Kägistamiskatse",
    )
    marac_case = marac_referrals.maraccase_refer(
        actor=specialist, assessment=assessment, network=network, legal_basis="oas_10"
    )
    job_run(
        job_create(kind="marac_referral_letters", created_by=specialist, target=marac_case).pk, make_referral_letters
    )
    meeting = meetings.meetings_schedule(
        actor=coordinator, network=network, first_on=today + datetime.timedelta(days=2), at=datetime.time(10), count=1
    )[0]
    item = meetings.agenda_add(actor=coordinator, meeting=meeting, referral=marac_case)
    action = marac_actions.action_add(
        actor=coordinator, item=item, agency=police, owner=partner, description="Kontroll", due_on=meeting.held_on
    )
    job_run(job_create(kind="marac_agenda", created_by=coordinator, target=meeting).pk, make_agenda)
    return {
        "assessment": assessment,
        "network": network,
        "membership": membership,
        "marac_case": marac_case,
        "meeting": meeting,
        "agenda_item": item,
        "marac_action": action,
    }


def _volunteer(region_code: str, *, supervisor, email: str = ""):
    county = County.objects.filter(region__code=region_code).order_by("code").first()
    volunteer = recruitment.volunteer_apply(
        county=county,
        first_name="Vaba",
        last_name="Tahtlik",
        email=email or f"vaba.{region_code}@example.invalid",
        phone="",
        languages=["et"],
        kinds=["marac"],
        motivation="",
    )
    Volunteer.objects.filter(pk=volunteer.pk).update(supervisor=supervisor)
    return volunteer


def _training_objects(volunteer, region_code: str, coordinator) -> dict:
    training = Training.objects.create(
        kind="further",
        topic="Koolitus",
        held_on=timezone.localdate(),
        hours=decimal.Decimal("4"),
        region=region(region_code),
        created_by=coordinator,
    )
    attendance = TrainingAttendance.objects.create(training=training, volunteer=volunteer, hours=training.hours)
    return {"training": training, "training_attendance": attendance}


def _expense_objects(volunteer, organiser) -> dict:
    """A submitted expense report of the volunteer, and a payment file."""
    month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    report = ExpenseReport.objects.create(
        volunteer=volunteer,
        month=month,
        status="submitted",
        confirmed=True,
        submitted_at=timezone.now(),
        limit=decimal.Decimal("335.00"),
    )
    payment = ExpensePayment(created_by=organiser, execution_date=timezone.localdate(), total=0, xml_sha256="")
    payment.csv_file.save("m.csv", ContentFile(b"a;b"), save=False)
    payment.xml_file.save("m.xml", ContentFile(b"<x/>"), save=False)
    payment.save()
    return {"expense_report": report, "expense_payment": payment}


def _assignment(case, volunteer_user, manager, region_code: str, *, supervisor=None):
    """An active volunteer (the role's user in scope, another one out of it) assigned to the case, with
    one activity logged."""
    today = timezone.localdate()
    volunteer = _volunteer(region_code, supervisor=supervisor, email=f"{volunteer_user.username}@example.invalid")
    Volunteer.objects.filter(pk=volunteer.pk).update(
        status="active",
        background_checked_on=today,
        background_check="clear",
        base_training_on=today,
        agreement_signed_on=today,
        pledge_signed_on=today,
        user=volunteer_user,
    )
    volunteer.refresh_from_db()
    assignment = assignment_services.assignment_create(
        actor=manager,
        case=case,
        volunteer=volunteer,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
        tasks="Tugi",
    )
    activity = assignment_services.activity_add(
        actor=volunteer_user,
        assignment=assignment,
        happened_on=today,
        duration_minutes=30,
        kind="call",
        trip_from="",
        trip_to="",
        km=decimal.Decimal("0"),
        call_minutes=10,
        note="",
    )
    return assignment, activity


def jobs_for(user, other):
    jobs = {}
    for scope, owner in (("in", user), ("out", other)):
        job = job_create(kind="sample_letter", created_by=owner)
        job.result_name = "x.pdf"
        job.result_file.save("x.pdf", ContentFile(b"%PDF-1.4"), save=False)
        job_finish(job, result_url=reverse("job-download", args=[job.pk]))
        jobs[scope] = job
    return jobs


def make_role_users() -> dict:
    """One user per role of the matrix (Põhja where a role has a region)."""
    users = {
        "administrator": make_user("administrator", is_staff=True),
        "regional_manager": make_user("regional_manager", "pohja"),
        "specialist": make_user("specialist", "pohja"),
        "colleague": make_user("specialist", "pohja"),
        "service_organiser": make_user("service_organiser", "pohja"),
        "coordinator": make_user("coordinator", "pohja"),
        "volunteer": make_user("volunteer", "pohja"),
        "marac_partner": make_user("marac_partner", "pohja"),
        "former_partner": make_user("marac_partner", "pohja"),
        "analyst": make_user("analyst"),
        "expert_doctor": make_user("expert_doctor"),
    }
    return users


def log_in_as(client, role: str, user) -> None:
    """Partners must give the second factor (OTP_REQUIRED_ROLES); the others log in without one."""
    if role in PARTNER_ROLES:
        login_verified(client, user)
    else:
        client.force_login(user)


def matrix_url(name: str, row, objects: dict, scope: str) -> str:
    if not row.kwargs:
        return reverse(name)
    kwargs = {}
    for key, value in row.kwargs.items():
        # "__text" is a literal URL part, "name.field" a scenario object's field, anything else its pk.
        if value.startswith("__"):
            kwargs[key] = value[2:]
        else:
            obj, _dot, attribute = value.partition(".")
            kwargs[key] = getattr(objects[scope][obj], attribute or "pk")
    return reverse(name, kwargs=kwargs)
