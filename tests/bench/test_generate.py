"""The benchmark's data generator and load generator at a tiny scale, so that they cannot rot
(`make bench` itself is too slow for the suite)."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from bench.generate import BENCH_PASSWORD, SCALE_COUNTS, existing_scale
from cases.models import AidApplication, AidDecision, Case, Contact, Note, Person, Task
from marac.models import Action, Answer, MaracCase
from referrals.models import InvoiceLine, Referral
from victimsupport.models import AccessLogEntry, Region, User
from volunteers.models import Volunteer

ROOT = Path(__file__).resolve().parents[2]
SCALE = 0.0005


@pytest.fixture
def generated(db):
    out = StringIO()
    call_command("generate_data", "--scale", str(SCALE), stdout=out)
    return out.getvalue()


def test_generator_fills_every_kind_at_the_asked_scale(generated):
    persons = int(SCALE_COUNTS["persons"] * SCALE)
    assert Person.objects.count() == persons
    assert Case.objects.count() == persons
    assert Contact.objects.count() == int(SCALE_COUNTS["contacts"] * SCALE)
    assert Note.objects.count() == int(SCALE_COUNTS["notes"] * SCALE)
    assert Task.objects.count() == int(SCALE_COUNTS["tasks"] * SCALE)
    assert AccessLogEntry.objects.count() == int(SCALE_COUNTS["access_log"] * SCALE)
    assert AidDecision.objects.filter(status="issued").count() == int(SCALE_COUNTS["decisions"] * SCALE)
    assert Referral.objects.exists() and InvoiceLine.objects.exists()
    # Applications waiting for a decision (the aid list), each for an open case, not received before it opened.
    waiting = AidApplication.objects.filter(status="open")
    assert waiting.count() == max(1, int(SCALE_COUNTS["open_applications"] * SCALE))
    assert not waiting.exclude(case__status="open").exists()
    assert not waiting.filter(received_on__lt=F("case__opened_on")).exists()
    # History as the application would have written it, one creation row per case.
    assert Case.history.filter(history_type="+").count() == persons
    assert existing_scale() == SCALE
    assert "done in" in generated


def test_generated_cases_are_spread_by_population_and_valid(generated):
    by_region = {region.code: Case.objects.filter(region=region).count() for region in Region.objects.all()}
    assert max(by_region, key=by_region.get) == "pohja"
    assert all(count > 0 for count in by_region.values())
    # Every case lies in a county of its own region, and personal codes carry a valid check digit.
    assert not Case.objects.exclude(county__region=F("region")).exists()
    from stdnum.ee import ik

    assert all(ik.is_valid(code) for code in Person.objects.values_list("personal_code", flat=True)[:200])


def test_generated_grants_follow_the_permission_design(generated):
    """A bench specialist sees the cases of their region and no other; the long timeline is theirs; the
    volunteers and MARAC cases are valid and guarded."""
    specialist = User.objects.get(username="bench.spets1.pohja")
    assert specialist.check_password(BENCH_PASSWORD)
    visible = Case.objects.restrict(specialist, "view")
    assert visible.count() == Case.objects.filter(region__code="pohja").count()
    assert not visible.exclude(region__code="pohja").exists()
    assert Person.objects.restrict(specialist, "view").count() == visible.count()
    assert Case.objects.restrict(specialist, "change").count() == Case.objects.filter(responsible=specialist).count()
    long_case = Case.objects.get(pk=1)
    assert long_case.responsible == specialist and long_case.region.code == "pohja"
    assert Contact.objects.filter(case=long_case).count() >= 100
    # The volunteer list's and the MARAC case list's rows (one generation for both checks: each takes seconds):
    # each MARAC case from a high-risk assessment of a domestic-violence case, in its county's network, seen by
    # the coordinator and manager of its region only.
    assert Volunteer.objects.count() == max(1, int(SCALE_COUNTS["volunteers"] * SCALE))
    assert not Volunteer.objects.exclude(counties__region=F("region")).exists()
    marac_cases = MaracCase.objects.all()
    assert marac_cases.count() == max(1, int(SCALE_COUNTS["marac_cases"] * SCALE))
    assert not marac_cases.exclude(case__incident_type="domestic_violence").exists()
    assert not marac_cases.exclude(network__county=F("case__county")).exists()
    assert not marac_cases.exclude(assessment__case=F("case"), assessment__level="high").exists()
    assert Answer.objects.count() == 24 * marac_cases.count()
    assert not Action.objects.exclude(referral__first_heard_on__isnull=False).exists()
    for username in ("bench.koord.pohja", "bench.juht.pohja"):
        user = User.objects.get(username=username)
        visible = MaracCase.objects.restrict(user)
        assert visible.count() == marac_cases.filter(network__county__region__code="pohja").count()
    coordinator = User.objects.get(username="bench.koord.pohja")
    assert Volunteer.objects.restrict(coordinator).count() == Volunteer.objects.count()  # coordinators: national
    manager = User.objects.get(username="bench.juht.pohja")
    assert Volunteer.objects.restrict(manager).count() == Volunteer.objects.filter(region__code="pohja").count()


def test_reuse_keeps_data_of_the_same_scale(generated):
    before = Case.objects.order_by("pk").values_list("pk", "opened_on")[:5]
    out = StringIO()
    call_command("generate_data", "--scale", str(SCALE), "--reuse", stdout=out)
    assert "reused" in out.getvalue()
    assert list(Case.objects.order_by("pk").values_list("pk", "opened_on")[:5]) == list(before)


@pytest.mark.django_db
def test_generator_refuses_a_database_that_is_not_for_benchmarks(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "victimsupport")
    with pytest.raises(CommandError, match="deletes every case"):
        call_command("generate_data", "--scale", "0.001")
    with pytest.raises(CommandError):
        call_command("generate_data", "--scale", "5", "--i-know-this-deletes-case-data")


def test_load_generator_measures_a_running_server(live_server, tmp_path):
    host, port = live_server.url.removeprefix("http://").split(":")
    spec = {
        "host": host,
        "port": int(port),
        "concurrency": 3,
        "duration": 0.2,
        "min_requests": 12,
        "max_requests": 1000,
        "warmup": 1,
        "requests": [{"method": "GET", "path": "/heartbeat.json", "headers": {}, "body": None}],
    }
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec))
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), str(spec_file)], capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout)
    assert result["requests"] >= 12
    assert result["requests"] == len(result["latencies"])
    assert set(result["statuses"]) <= {"200", "503"}
    assert all(0 < latency < 30 for latency in result["latencies"])
