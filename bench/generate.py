"""National-scale data for the benchmark: `manage.py generate_data --scale N`.

At scale 1: 1,000,000 persons and cases over the four regions and 15 counties by population,
8,000,000 case work entries (contacts, notes, tasks), 150,000 aid decisions, 120,000 referrals,
400,000 invoice lines and 20,000,000 access log rows, with the change history and the permission
grants the application itself would write. Everything is generated inside PostgreSQL
(INSERT ... SELECT over generate_series) with the big tables' indexes and foreign keys set aside while
loading and rebuilt after. Generated people only: Estonian-looking names and valid personal codes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone
from stdnum.ee import registrikood

from bench import BENCH_PASSWORD
from cases.models import (
    AidApplication,
    AidDecision,
    AidEntitlement,
    Case,
    CaseEvent,
    CaseParty,
    Contact,
    Note,
    Person,
    Task,
)
from marac.models import Action, MaracCase
from referrals.models import Invoice, InvoiceLine, Referral
from victimsupport.models import Region, Role, User
from victimsupport.services import user_set_roles_and_regions
from volunteers.models import Volunteer

# Population by county (approximate, rounded), as the weight of the county's cases.
COUNTY_POPULATION = {
    "harju": 620,
    "tartu": 157,
    "ida-viru": 131,
    "parnu": 87,
    "laane-viru": 59,
    "viljandi": 46,
    "rapla": 34,
    "voru": 35,
    "saare": 33,
    "jarva": 30,
    "valga": 28,
    "jogeva": 27,
    "polva": 24,
    "laane": 20,
    "hiiu": 9,
}
FEMALE = [
    "Mari",
    "Kati",
    "Liis",
    "Kadri",
    "Triin",
    "Anneli",
    "Õie",
    "Ülle",
    "Sirje",
    "Tiiu",
    "Maie",
    "Reet",
    "Helen",
    "Kristiina",
    "Pille",
    "Merike",
    "Eha",
    "Küllike",
    "Elena",
    "Tatjana",
    "Natalja",
    "Svetlana",
    "Olga",
    "Irina",
    "Jelena",
    "Ljudmila",
    "Anastassia",
    "Marina",
    "Julia",
    "Žanna",
    "Kätlin",
    "Getter",
    "Laura",
    "Mirjam",
]
MALE = [
    "Jüri",
    "Toomas",
    "Andres",
    "Peeter",
    "Märt",
    "Tõnu",
    "Priit",
    "Rein",
    "Aivar",
    "Urmas",
    "Sergei",
    "Andrei",
    "Aleksei",
    "Dmitri",
    "Vladimir",
    "Igor",
    "Jevgeni",
    "Mihhail",
    "Kristjan",
    "Ott",
    "Siim",
    "Rasmus",
    "Kaarel",
]
LAST = [
    "Tamm",
    "Saar",
    "Sepp",
    "Mägi",
    "Kask",
    "Kukk",
    "Rebane",
    "Ilves",
    "Pärn",
    "Koppel",
    "Kuusk",
    "Karu",
    "Lepik",
    "Kõiv",
    "Lõhmus",
    "Oja",
    "Vaher",
    "Põder",
    "Kallas",
    "Jõgi",
    "Mölder",
    "Raudsepp",
    "Luik",
    "Pukk",
    "Tõnisson",
    "Ivanov",
    "Smirnov",
    "Vassiljev",
    "Petrov",
    "Kuznetsov",
    "Mihhailov",
    "Pavlov",
    "Sokolov",
    "Jakovlev",
    "Šmidt",
    "Žukov",
    "Kütt",
    "Sööt",
    "Ütt",
    "Laur",
    "Rüütel",
    "Aavik",
    "Teder",
    "Org",
    "Kivi",
    "Paju",
    "Liiv",
]

SCALE_COUNTS = {
    "persons": 1_000_000,
    "contacts": 4_500_000,
    "notes": 2_000_000,
    "tasks": 1_500_000,
    "decisions": 150_000,
    "open_applications": 300,  # waiting for a decision on any day: about two weeks of 7,500 a year
    "referrals": 120_000,
    "invoice_lines": 400_000,
    "access_log": 20_000_000,
    # About 300 volunteers at work at a time (64 MARAC support persons, 108 mediators, 20 counsellors and crisis
    # helpers at the end of 2022) and twice as many who applied and left over the years.
    "volunteers": 900,
    # The latest high-risk domestic-violence cases went to MARAC: about 2,200 a year (the UK's expected 40 a year
    # per 10,000 adult women; Estonia heard 144 new cases in 2020), an upper bound, over four to five years.
    "marac_cases": 10_000,
}
# Raised when the generator makes new kinds of rows: data of an older version is generated again, not reused.
GENERATOR_VERSION = 2  # 2: volunteers, MARAC cases and the coordinators
LONG_TIMELINE_ENTRIES = 2000
YEARS = 20


def counts(scale: float) -> dict[str, int]:
    return {key: max(1, int(value * scale)) for key, value in SCALE_COUNTS.items()}


def sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


def pick(array: list[str], random_expr: str = "random()") -> str:
    return f"({sql_array(array)})[1 + floor({random_expr} * {len(array)})::int]"


def run(sql: str, params: list | None = None) -> int:
    with connection.cursor() as cursor:
        if params:
            cursor.execute(sql, params)
        else:
            cursor.execute(sql)  # no placeholders: a % in the SQL is the modulo operator
        return cursor.rowcount


# --- setting indexes and foreign keys aside while loading ---


@contextmanager
def bulk_load(tables: list[str], report: Callable[[str], None]):
    """Drop the tables' secondary indexes, unique constraints and foreign keys; put them back after."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
            FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('f', 'u')
        """,
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = ANY(%s) AND i.schemaname = 'public'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition, _kind in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')
        for _table, name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    try:
        yield
    finally:
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _table, _name, definition in indexes:
                cursor.execute(definition)
            for table, name, definition, kind in constraints:
                if kind == "u":
                    cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            for table, name, definition, kind in constraints:
                if kind == "f":
                    cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition} NOT VALID')
                    cursor.execute(f'ALTER TABLE "{table}" VALIDATE CONSTRAINT "{name}"')
        report(f"indexes and keys rebuilt in {time.monotonic() - started:.0f} s")


def history_table(model) -> tuple[str, list[str]]:
    historical = model.history.model
    base = {field.column for field in model._meta.fields}
    columns = [
        field.column for field in historical._meta.fields if field.column in base and field.column != "history_id"
    ]
    return historical._meta.db_table, columns


def copy_history(model, *, date_expr: str, user_expr: str, where: str = "TRUE") -> int:
    """The history rows the application writes on create ('+'), for every row of `model`."""
    table, columns = history_table(model)
    column_list = ", ".join(f'"{column}"' for column in columns)
    source = ", ".join(f't."{column}"' for column in columns)
    return run(f"""
        INSERT INTO "{table}" ({column_list}, history_date, history_change_reason, history_type, history_user_id)
        SELECT {source}, {date_expr}, NULL, '+', {user_expr} FROM "{model._meta.db_table}" t WHERE {where}
    """)


# --- the generator ---


class Generator:
    def __init__(self, scale: float, report: Callable[[str], None] = print):
        self.scale = scale
        self.n = counts(scale)
        self.report = report
        self.started = time.monotonic()
        self.today = timezone.localdate()

    def step(self, label: str, function: Callable[[], int | None]) -> None:
        started = time.monotonic()
        rows = function()
        rows_text = f"{rows:,} rows, " if isinstance(rows, int) and rows >= 0 else ""
        self.report(
            f"{label}: {rows_text}{time.monotonic() - started:.1f} s (total {time.monotonic() - self.started:.0f} s)"
        )

    def run(self) -> dict:
        run("SELECT setseed(0.2026)")
        run("SET synchronous_commit = off")
        self.step("clearing earlier data", self.clear)
        self.step("staff and bench users", self.staff)
        big = [model._meta.db_table for model in (Person, Case, CaseParty, CaseEvent, Contact, Note, Task)]
        big += [model.history.model._meta.db_table for model in (Person, Case, CaseParty, Contact, Note, Task)]
        big += [
            "cases_caseuserobjectpermission",
            "cases_casegroupobjectpermission",
            "cases_personuserobjectpermission",
            "cases_persongroupobjectpermission",
            "victimsupport_accesslogentry",
        ]
        with bulk_load(big, self.report):
            self.step("persons", self.persons)
            self.step("cases", self.cases)
            self.step("the long timeline's case", self.long_timeline_case)
            self.step("victims in their cases", self.parties)
            self.step("case events", self.events)
            self.step("permission grants", self.grants)
            self.step("contacts", self.contacts)
            self.step("notes", self.notes)
            self.step("tasks", self.tasks)
            self.step("change history", self.history)
            self.step("access log", self.access_log)
        self.step("mental-health aid", self.aid)
        self.step("providers, referrals and invoices", self.billing)
        self.step("volunteers", self.volunteers)
        self.step("MARAC networks, risk assessments, cases and actions", self.marac)
        self.step("sequences", self.sequences)
        self.step("visibility map and planner statistics (VACUUM ANALYZE)", self.vacuum)
        seconds = time.monotonic() - self.started
        self.report(f"done in {seconds:.0f} s")
        return {"scale": self.scale, "counts": self.n, "seconds": round(seconds, 1)}

    # Each step returns the number of rows written.

    def clear(self) -> int:
        tables = [
            "referrals_invoiceline",
            "referrals_historicalinvoiceline",
            "referrals_invoice",
            "referrals_historicalinvoice",
            "referrals_paymentexport",
            "referrals_historicalpaymentexport",
            "referrals_referral",
            "referrals_historicalreferral",
            "cases_entitlementcharge",
            "cases_aidentitlement",
            "cases_historicalaidentitlement",
            "cases_aiddecision",
            "cases_historicalaiddecision",
            "cases_aidapplication",
            "cases_historicalaidapplication",
            "referrals_tariff",
            "referrals_historicaltariff",
            "referrals_contract",
            "referrals_historicalcontract",
            "referrals_providerspecialist",
            "referrals_historicalproviderspecialist",
            "referrals_provider_counties",
            "referrals_provider",
            "referrals_historicalprovider",
            "cases_caseevent",
            "cases_contact",
            "cases_historicalcontact",
            "cases_note",
            "cases_historicalnote",
            "cases_task",
            "cases_historicaltask",
        ]
        tables += [
            "cases_planitem",
            "cases_historicalplanitem",
            "cases_attachment",
            "cases_historicalattachment",
            "cases_caseparty",
            "cases_historicalcaseparty",
            "cases_caseuserobjectpermission",
            "cases_casegroupobjectpermission",
            "cases_personuserobjectpermission",
            "cases_persongroupobjectpermission",
            "cases_safecontact",
            "cases_historicalsafecontact",
            "cases_personrelation",
            "cases_historicalpersonrelation",
            "cases_anonymouscontact",
            "cases_historicalanonymouscontact",
            "cases_case",
            "cases_historicalcase",
            "cases_person",
            "cases_historicalperson",
            "victimsupport_accesslogentry",
            "victimsupport_notification",
            "victimsupport_job",
            "reporting_statisticsrun",
        ]
        # The volunteers and MARAC cases with everything that hangs on them (their reference data stays: the
        # questionnaire, the networks and their agencies).
        kept = {"questionnaire", "question", "answeroption", "network", "agency", "membership", "countypopulation"}
        kept.add("expenserule")  # reference data the migrations seed
        tables += [
            model._meta.db_table
            for label in ("volunteers", "marac")
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
            if model._meta.model_name.removeprefix("historical") not in kept
            and not model._meta.db_table.startswith(("marac_network_", "marac_agency_"))
        ]
        run("TRUNCATE " + ", ".join(f'"{table}"' for table in tables) + " RESTART IDENTITY CASCADE")
        return -1

    def staff(self) -> int:
        """Specialists and managers per region in proportion to its people, and the bench's own users."""
        password = make_password(BENCH_PASSWORD)
        weights = self.region_weights()
        total_specialists = max(8, round(100 * min(1.0, max(self.scale, 0.08))))
        created = 0
        with transaction.atomic():
            for region in Region.objects.order_by("pk"):
                wanted = max(2, round(total_specialists * weights[region.pk]))
                for index in range(wanted):
                    created += self.ensure_user(
                        f"bench.spets{index + 1}.{region.code}", [Role.SPECIALIST], region, password, "Spetsialist"
                    )
                created += self.ensure_user(
                    f"bench.juht.{region.code}", [Role.REGIONAL_MANAGER], region, password, "Juht"
                )
                created += self.ensure_user(
                    f"bench.koord.{region.code}", [Role.COORDINATOR], region, password, "Koordinaator"
                )
            admin, _ = User.objects.get_or_create(
                username="bench.admin",
                defaults={
                    "password": password,
                    "is_staff": True,
                    "is_superuser": True,
                    "first_name": "Bench",
                    "last_name": "Admin",
                },
            )
            user_set_roles_and_regions(admin, roles=[Role.ADMINISTRATOR], regions=[])
            organiser = User.objects.filter(username="bench.teenused").first()
            if organiser is None:
                organiser = User.objects.create(
                    username="bench.teenused", password=password, first_name="Bench", last_name="Teenused"
                )
            user_set_roles_and_regions(organiser, roles=[Role.SERVICE_ORGANISER], regions=list(Region.objects.all()))
        return created

    def ensure_user(self, username, roles, region, password, last_name) -> int:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "password": password,
                "first_name": "Bench",
                "last_name": last_name,
                "position": "ohvriabitöötaja",
            },
        )
        if created:
            user_set_roles_and_regions(user, roles=roles, regions=[region])
        return int(created)

    def region_weights(self) -> dict[int, float]:
        from victimsupport.models import County

        totals: dict[int, float] = {}
        for county in County.objects.all():
            totals[county.region_id] = totals.get(county.region_id, 0) + COUNTY_POPULATION.get(county.code, 10)
        whole = sum(totals.values())
        return {region: value / whole for region, value in totals.items()}

    def county_table(self) -> None:
        """bench_county(lo, hi, county_id, region_id): cumulative population weights to pick a county."""
        from victimsupport.models import County

        run("DROP TABLE IF EXISTS bench_county")
        run("CREATE UNLOGGED TABLE bench_county (lo float, hi float, county_id bigint, region_id bigint)")
        counties = list(County.objects.order_by("pk"))
        whole = sum(COUNTY_POPULATION.get(county.code, 10) for county in counties)
        position = 0.0
        for county in counties:
            share = COUNTY_POPULATION.get(county.code, 10) / whole
            run(
                "INSERT INTO bench_county VALUES (%s, %s, %s, %s)",
                [position, position + share, county.pk, county.region_id],
            )
            position += share
        run("UPDATE bench_county SET hi = 1.0001 WHERE hi = (SELECT max(hi) FROM bench_county)")
        run("DROP TABLE IF EXISTS bench_staff")
        run("""CREATE UNLOGGED TABLE bench_staff AS
               SELECT ur.region_id, row_number() OVER (PARTITION BY ur.region_id ORDER BY u.id) - 1 AS idx, u.id AS user_id
               FROM victimsupport_user u JOIN victimsupport_user_regions ur ON ur.user_id = u.id
               WHERE u.username LIKE 'bench.spets%'""")
        run("CREATE INDEX ON bench_staff (region_id, idx)")
        run("DROP TABLE IF EXISTS bench_staff_count")
        run("CREATE UNLOGGED TABLE bench_staff_count AS SELECT region_id, count(*) AS n FROM bench_staff GROUP BY 1")

    def persons(self) -> int:
        self.county_table()
        first = f"CASE WHEN female THEN {pick(FEMALE)} ELSE {pick(MALE)} END"
        digits = " + ".join(f"substr(body, {i}, 1)::int * {w}" for i, w in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 9, 1], 1))
        digits2 = " + ".join(
            f"substr(body, {i}, 1)::int * {w}" for i, w in enumerate([3, 4, 5, 6, 7, 8, 9, 1, 2, 3], 1)
        )
        return run(f"""
            INSERT INTO cases_person (id, first_name, last_name, personal_code, birth_date, sex, language, email, phone,
                county_id, municipality, settlement, street, house, apartment, postal_code, ads_code, search_name,
                created_at, created_by_id, version)
            SELECT g, fn, ln, body || (CASE WHEN c1 < 10 THEN c1 WHEN c2 < 10 THEN c2 ELSE 0 END)::text, bd,
                   CASE WHEN female THEN 'F' ELSE 'M' END, CASE WHEN random() < 0.25 THEN 'ru' ELSE 'et' END, '',
                   '+372 5' || lpad((floor(random() * 9999999))::int::text, 7, '0'), county_id, '', '', '', '', '',
                   '', '', lower(translate(fn || ' ' || ln, 'ÕÄÖÜŠŽõäöüšž', 'OAOUSZoaousz')),
                   now(), (SELECT min(user_id) FROM bench_staff), 1
            FROM (
                SELECT g, female, fn, ln, bd, county_id, body, ({digits}) % 11 AS c1, ({digits2}) % 11 AS c2
                FROM (
                    SELECT g, female, {first} AS fn, {pick(LAST)} AS ln, bd, county_id,
                           (CASE WHEN bd < '2000-01-01' THEN 3 ELSE 5 END + CASE WHEN female THEN 1 ELSE 0 END)::text
                           || to_char(bd, 'YYMMDD') || lpad(floor(random() * 1000)::int::text, 3, '0') AS body
                    FROM (
                        SELECT g, random() < 0.75 AS female, DATE '1940-01-01' + floor(random() * 25000)::int AS bd,
                               random() AS r
                        FROM generate_series(1, {self.n["persons"]}) g
                    ) base JOIN bench_county bc ON base.r >= bc.lo AND base.r < bc.hi
                ) named
            ) checked
        """)

    def cases(self) -> int:
        days = YEARS * 365
        incident = (
            "CASE WHEN r1 < 0.45 THEN 'domestic_violence' WHEN r1 < 0.53 THEN 'sexual_violence' "
            "WHEN r1 < 0.73 THEN 'other_violence' WHEN r1 < 0.85 THEN 'property' WHEN r1 < 0.90 THEN 'crisis' "
            "WHEN r1 < 0.91 THEN 'trafficking' ELSE 'other' END"
        )
        source = (
            "CASE WHEN r2 < 0.35 THEN 'self' WHEN r2 < 0.80 THEN 'police' WHEN r2 < 0.90 THEN 'local_government' "
            "WHEN r2 < 0.95 THEN 'health' WHEN r2 < 0.97 THEN 'marac' ELSE 'other' END"
        )
        return run(f"""
            INSERT INTO cases_case (id, client_id, region_id, county_id, responsible_id, status, opened_on,
                referral_source, referral_source_detail, consent_given_by, consent_at, consent_scope, incident_type,
                incident_date, incident_place, proceedings_kind, proceedings_number, proceedings_date, risk_level,
                summary, sealed, sealed_reason, closed_on, closure_reason, closure_note, created_at, created_by_id,
                version)
            SELECT p.id, p.id, bc.region_id, p.county_id, s.user_id,
                   CASE WHEN closed THEN 'closed' ELSE 'open' END, opened, src,
                   CASE WHEN src = 'self' THEN '' ELSE 'Põhja prefektuur' END,
                   CASE WHEN src = 'self' THEN '' ELSE 'konstaabel' END,
                   CASE WHEN src = 'self' THEN NULL ELSE (opened - 1)::timestamptz END,
                   CASE WHEN src = 'self' THEN '' ELSE 'nimi, kontaktandmed' END,
                   inc, opened - 2, '', CASE WHEN proc THEN 'criminal' ELSE '' END,
                   CASE WHEN proc THEN '2' || lpad(p.id::text, 10, '0') ELSE '' END,
                   CASE WHEN proc THEN opened - 1 ELSE NULL END,
                   CASE WHEN r3 < 0.7 THEN 'standard' WHEN r3 < 0.9 THEN 'medium' ELSE 'high' END, '',
                   FALSE, '', CASE WHEN closed THEN LEAST(opened + 30 + floor(r3 * 170)::int, CURRENT_DATE) END,
                   CASE WHEN closed THEN 'goals_met' ELSE '' END, '', opened::timestamptz, s.user_id, 1
            FROM (
                SELECT p.id, p.county_id, CURRENT_DATE - floor(random() * {days})::int AS opened, random() AS r1,
                       random() AS r2, random() AS r3, random() AS r4, random() AS rs
                FROM cases_person p
            ) p
            JOIN bench_county bc ON bc.county_id = p.county_id
            JOIN bench_staff_count sc ON sc.region_id = bc.region_id
            JOIN bench_staff s ON s.region_id = bc.region_id AND s.idx = floor(p.rs * sc.n)
            CROSS JOIN LATERAL (SELECT {incident} AS inc, {source} AS src,
                                       p.opened < CURRENT_DATE - 200 AND p.r4 < 0.95 AS closed,
                                       p.r2 >= 0.35 AND p.r2 < 0.80 AND p.r4 < 0.6 AS proc) x
        """)

    def largest_region(self) -> int:
        weights = self.region_weights()
        return max(weights, key=weights.get)

    def long_timeline_case(self) -> int:
        """Case 1 (the long timeline the benchmark opens) belongs to the largest region's first bench specialist."""
        region = self.largest_region()
        return run(
            """
            WITH target AS (
                SELECT bc.county_id, s.user_id FROM bench_county bc
                JOIN bench_staff s ON s.region_id = bc.region_id AND s.idx = 0
                WHERE bc.region_id = %s ORDER BY bc.hi - bc.lo DESC LIMIT 1
            ), moved AS (
                UPDATE cases_person p SET county_id = target.county_id FROM target WHERE p.id = 1
            )
            UPDATE cases_case c SET region_id = %s, county_id = target.county_id, responsible_id = target.user_id,
                                    created_by_id = target.user_id
            FROM target WHERE c.id = 1
            """,
            [region, region],
        )

    def parties(self) -> int:
        return run("""
            INSERT INTO cases_caseparty (case_id, person_id, role, note, created_at, created_by_id)
            SELECT id, client_id, 'victim', '', created_at, created_by_id FROM cases_case
        """)

    def events(self) -> int:
        opened = run("""
            INSERT INTO cases_caseevent (case_id, kind, at, by_id, detail)
            SELECT id, 'opened', opened_on::timestamptz, created_by_id, '' FROM cases_case
        """)
        closed = run("""
            INSERT INTO cases_caseevent (case_id, kind, at, by_id, detail)
            SELECT id, 'closed', closed_on::timestamptz + interval '15 hours', responsible_id, 'eesmärgid saavutatud'
            FROM cases_case WHERE status = 'closed'
        """)
        return opened + closed

    def grants(self) -> int:
        perm = {
            p.codename: p.pk
            for p in Permission.objects.filter(
                content_type__app_label="cases", content_type__model__in=["case", "person"]
            )
        }
        rows = run(f"""
            INSERT INTO cases_casegroupobjectpermission (content_object_id, group_id, permission_id)
            SELECT c.id, r.staff_group_id, {perm["view_case"]} FROM cases_case c
              JOIN victimsupport_region r ON r.id = c.region_id
            UNION ALL SELECT c.id, r.managers_group_id, p.perm FROM cases_case c
              JOIN victimsupport_region r ON r.id = c.region_id
              CROSS JOIN (VALUES ({perm["view_case"]}), ({perm["change_case"]}), ({perm["assign_case"]})) p(perm)
        """)
        rows += run(f"""
            INSERT INTO cases_caseuserobjectpermission (content_object_id, user_id, permission_id)
            SELECT c.id, c.responsible_id, p.perm FROM cases_case c
              CROSS JOIN (VALUES ({perm["view_case"]}), ({perm["change_case"]})) p(perm)
        """)
        rows += run(f"""
            INSERT INTO cases_persongroupobjectpermission (content_object_id, group_id, permission_id)
            SELECT c.client_id, r.staff_group_id, {perm["view_person"]} FROM cases_case c
              JOIN victimsupport_region r ON r.id = c.region_id
            UNION ALL SELECT c.client_id, r.managers_group_id, p.perm FROM cases_case c
              JOIN victimsupport_region r ON r.id = c.region_id
              CROSS JOIN (VALUES ({perm["view_person"]}), ({perm["change_person"]}), ({perm["contact_person"]})) p(perm)
        """)
        rows += run(f"""
            INSERT INTO cases_personuserobjectpermission (content_object_id, user_id, permission_id)
            SELECT c.client_id, c.responsible_id, p.perm FROM cases_case c
              CROSS JOIN (VALUES ({perm["view_person"]}), ({perm["change_person"]}), ({perm["contact_person"]})) p(perm)
        """)
        return rows

    def _spread(self, total: int) -> str:
        """Entries over the cases, plus the one long timeline (case 1) the benchmark opens."""
        return (
            f"SELECT g, CASE WHEN g <= {LONG_TIMELINE_ENTRIES} THEN 1 "
            f"ELSE 1 + floor(random() * {self.n['persons']})::int END AS case_id "
            f"FROM generate_series(1, {total}) g"
        )

    def contacts(self) -> int:
        return run(f"""
            INSERT INTO cases_contact (case_id, happened_at, duration_minutes, channel, kind, summary, recorded_by_id,
                                       recorded_at)
            SELECT c.id, at, (ARRAY[20, 30, 45, 60, 90])[1 + floor(random() * 5)::int],
                   (ARRAY['phone', 'phone', 'in_person', 'video', 'email'])[1 + floor(random() * 5)::int],
                   (ARRAY['counselling', 'counselling', 'information', 'case_management', 'accompaniment'])
                       [1 + floor(random() * 5)::int],
                   'Nõustamine: arutasime olukorda ja järgmisi samme.', c.responsible_id, at
            FROM ({self._spread(self.n["contacts"])}) s JOIN cases_case c ON c.id = s.case_id
            CROSS JOIN LATERAL (SELECT LEAST(c.opened_on::timestamptz + random() * interval '200 days'
                                             + interval '9 hours', now() - interval '1 hour') AS at) t
        """)

    def notes(self) -> int:
        return run(f"""
            INSERT INTO cases_note (case_id, text, restricted, written_by_id, written_at)
            SELECT c.id, 'Märge: klient soovib suhelda telefoni teel.', random() < 0.1, c.responsible_id,
                   LEAST(c.opened_on::timestamptz + random() * interval '200 days', now() - interval '1 hour')
            FROM ({self._spread(self.n["notes"])}) s JOIN cases_case c ON c.id = s.case_id
        """)

    def tasks(self) -> int:
        return run(f"""
            INSERT INTO cases_task (case_id, title, due_on, assigned_to_id, remind_on, reminded_at, done_at,
                                    created_by_id, created_at)
            SELECT c.id, 'Helistada kliendile', due, c.responsible_id, NULL, NULL,
                   CASE WHEN c.status = 'closed' OR random() < 0.85 THEN due::timestamptz END,
                   c.responsible_id, c.opened_on::timestamptz
            FROM ({self._spread(self.n["tasks"])}) s JOIN cases_case c ON c.id = s.case_id
            CROSS JOIN LATERAL (SELECT c.opened_on + floor(random() * 60)::int AS due) d
        """)

    def history(self) -> int:
        rows = copy_history(Person, date_expr="t.created_at", user_expr="t.created_by_id")
        rows += copy_history(Case, date_expr="t.created_at", user_expr="t.created_by_id")
        rows += copy_history(CaseParty, date_expr="t.created_at", user_expr="t.created_by_id")
        rows += copy_history(Contact, date_expr="t.recorded_at", user_expr="t.recorded_by_id")
        rows += copy_history(Note, date_expr="t.written_at", user_expr="t.written_by_id")
        rows += copy_history(Task, date_expr="t.created_at", user_expr="t.created_by_id")
        return rows

    def access_log(self) -> int:
        """The reads normal use leaves: case and person pages, lists and searches, over the twenty years."""
        total, batch, done = self.n["access_log"], 2_000_000, 0
        while done < total:
            size = min(batch, total - done)
            done += run(f"""
                WITH staff AS (SELECT array_agg(user_id ORDER BY user_id) AS ids FROM bench_staff)
                INSERT INTO victimsupport_accesslogentry (at, user_id, action, object_type, object_id, person_ids, ip,
                                                          path, reason, restricted)
                SELECT now() - random() * interval '{YEARS * 365} days',
                       staff.ids[1 + floor(g.rs * array_length(staff.ids, 1))::int],
                       (ARRAY['view', 'view', 'view', 'list', 'search'])[1 + floor(random() * 5)::int],
                       CASE WHEN random() < 0.7 THEN 'cases.case' ELSE 'cases.person' END, pid, ARRAY[pid],
                       ('10.' || floor(random() * 250)::int || '.' || floor(random() * 250)::int || '.'
                        || floor(random() * 250)::int)::inet, '/cases/', '', random() < 0.02
                FROM (SELECT 1 + floor(random() * {self.n["persons"]})::int AS pid, random() AS rs
                      FROM generate_series(1, {size})) g, staff
            """)
            self.report(f"  access log {done:,}/{total:,} ({time.monotonic() - self.started:.0f} s)")
        return done

    def aid(self) -> int:
        """Applications and issued decisions for eligible cases; entitlements for the grants."""
        wanted = self.n["decisions"]
        rows = run(f"""
            INSERT INTO cases_aidapplication (case_id, applicant_id, applicant_role, basis, received_on, what_happened,
                symptoms, urgency, language_wish, service_wished, status, decision_due_on, created_by_id, created_at,
                version)
            SELECT c.id, c.client_id, 'victim', c.incident_type, c.opened_on + 3, 'Vägivald kodus.', 'Unehäired.',
                   'soon', 'et', 'counselling', 'decided', c.opened_on + 17, c.responsible_id, c.opened_on::timestamptz, 1
            FROM cases_case c WHERE c.incident_type IN ('domestic_violence', 'sexual_violence')
            ORDER BY c.id LIMIT {wanted}
        """)
        rows += run("""
            INSERT INTO cases_aiddecision (application_id, kind, status, amount_cap, valid_from, valid_until,
                service_type, facts, reasoning, eligibility_rule, eligibility_explanation, legal_basis,
                approval_required, drafted_by_id, drafted_at, return_comment, issued_at, decision_date, signer_id,
                signer_name, signer_position, letter_language, delivery_channel, delivery_note, version)
            SELECT a.id, CASE WHEN r < 0.85 THEN 'grant' WHEN r < 0.93 THEN 'partial' ELSE 'refusal' END, 'issued',
                   CASE WHEN r < 0.93 THEN 886.00 END, CASE WHEN r < 0.93 THEN a.received_on + 5 END,
                   CASE WHEN r < 0.93 THEN a.received_on + 185 END, CASE WHEN r < 0.93 THEN 'counselling' ELSE '' END,
                   '', 'Abivajadus on olemas.', a.basis, 'Taotleja on vägivalla ohver.', 'Ohvriabi seadus', FALSE,
                   a.created_by_id, a.created_at, '', a.created_at + interval '5 days', a.received_on + 5,
                   a.created_by_id, 'Bench Spetsialist', 'ohvriabitöötaja', 'et', 'email', '', 2
            FROM (SELECT a.*, random() AS r FROM cases_aidapplication a) a
        """)
        rows += self.open_applications()
        rows += run("""
            INSERT INTO cases_aidentitlement (person_id, decision_id, cap, valid_from, valid_until, service_type)
            SELECT a.applicant_id, d.id, d.amount_cap, d.valid_from, d.valid_until, d.service_type
            FROM cases_aiddecision d JOIN cases_aidapplication a ON a.id = d.application_id
            WHERE d.kind IN ('grant', 'partial')
        """)
        rows += copy_history(AidApplication, date_expr="t.created_at", user_expr="t.created_by_id")
        rows += copy_history(AidDecision, date_expr="t.issued_at", user_expr="t.signer_id")
        rows += copy_history(AidEntitlement, date_expr="now()", user_expr="NULL")
        return rows

    def open_applications(self) -> int:
        """Applications waiting for a decision (the aid list): one for each of the latest open violence cases,
        received in the last three weeks (not before its case opened)."""
        return run(f"""
            INSERT INTO cases_aidapplication (case_id, applicant_id, applicant_role, basis, received_on, what_happened,
                symptoms, urgency, language_wish, service_wished, status, decision_due_on, created_by_id, created_at,
                version)
            SELECT c.id, c.client_id, 'victim', c.incident_type, c.received_on, 'Vägivald kodus.', 'Unehäired.',
                   'soon', 'et', 'counselling', 'open', c.received_on + 14, c.responsible_id,
                   c.received_on::timestamptz, 1
            FROM (SELECT c.*, GREATEST(c.opened_on, CURRENT_DATE - floor(random() * 20)::int) AS received_on
                  FROM cases_case c
                  WHERE c.status = 'open' AND c.incident_type IN ('domestic_violence', 'sexual_violence')
                    AND c.responsible_id IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM cases_aidapplication a WHERE a.case_id = c.id)
                  ORDER BY c.opened_on DESC, c.id DESC LIMIT {self.n["open_applications"]}) c
        """)

    def billing(self) -> int:
        """Providers with contracts, referrals from the entitlements, invoices with session lines, the ledger."""
        from decimal import Decimal

        from referrals.models import Contract, Provider, ProviderSpecialist, Tariff
        from victimsupport.models import County

        counties = list(County.objects.all())
        providers = []
        for index in range(max(5, round(60 * min(1.0, self.scale * 10)))):
            body = f"{1000000 + index:07d}"
            code = body + registrikood.calc_check_digit(body)
            provider = Provider.objects.create(
                name=f"Teraapiakeskus {index + 1} OÜ",
                registry_code=code,
                iban="EE382200221020145685",
                languages=["et", "ru"] if index % 3 else ["et"],
                remote=index % 2 == 0,
                waiting_days=index % 30,
                email=f"info{index}@teraapia.invalid",
            )
            provider.counties.set([counties[index % len(counties)], counties[(index * 7) % len(counties)]])
            contract = Contract.objects.create(
                provider=provider,
                number=f"L-{index + 1}",
                valid_from=date(2005, 1, 1),
                services=["counselling", "psychotherapy"],
            )
            Tariff.objects.create(
                contract=contract, service="counselling", hourly_rate=Decimal("72.50"), effective_from=date(2005, 1, 1)
            )
            Tariff.objects.create(
                contract=contract,
                service="psychotherapy",
                hourly_rate=Decimal("90.00"),
                effective_from=date(2005, 1, 1),
            )
            for number in range(3):
                ProviderSpecialist.objects.create(
                    provider=provider,
                    first_name="Pille",
                    last_name=f"Psühholoog{number}",
                    licence_kind="clinical",
                    licence_number=f"PS-{index}-{number}",
                    licence_valid_from=date(2000, 1, 1),
                    languages=["et"],
                )
            providers.append(provider)
        provider_count = len(providers)
        first_provider = providers[0].pk
        organiser = User.objects.get(username="bench.teenused").pk
        rows = run(f"""
            INSERT INTO referrals_referral (decision_id, entitlement_id, provider_id, specialist_id, service, hours,
                amount, valid_from, valid_until, status, response_on, response_note, created_by_id, created_at,
                version)
            SELECT e.decision_id, e.id, {first_provider} + (e.id % {provider_count}), NULL, e.service_type, 10,
                   362.50, e.valid_from, e.valid_until, 'completed', e.valid_from + 3, '', d.signer_id,
                   e.valid_from::timestamptz, 1
            FROM cases_aidentitlement e JOIN cases_aiddecision d ON d.id = e.decision_id
            ORDER BY e.id LIMIT {self.n["referrals"]}
        """)
        invoices_wanted = max(1, self.n["invoice_lines"] // 4)
        rows += run(f"""
            INSERT INTO referrals_invoice (provider_id, referral_id, number, invoice_date, received_on, due_on, status,
                entered_by_id, entered_at, checked_by_id, checked_at, approved_by_id, approved_at, rejection_reason,
                approved_total, paid_on, version)
            SELECT r.provider_id, r.id, 'A-' || r.id, r.valid_from + 40, r.valid_from + 42, r.valid_from + 72,
                   CASE WHEN r.valid_from + 80 < CURRENT_DATE THEN 'paid' ELSE 'received' END, {organiser},
                   now(), NULL, NULL, NULL, NULL, '', 290.00,
                   CASE WHEN r.valid_from + 80 < CURRENT_DATE THEN r.valid_from + 70 END, 1
            FROM referrals_referral r ORDER BY r.id LIMIT {invoices_wanted}
        """)
        rows += run(f"""
            INSERT INTO referrals_invoiceline (invoice_id, person_id, session_date, start_time, duration_minutes,
                specialist_id, service, rate, amount, accepted_amount, status, findings, reason)
            SELECT i.id, e.person_id, r.valid_from + n * 7, time '10:00', 60,
                   (SELECT min(s.id) FROM referrals_providerspecialist s WHERE s.provider_id = i.provider_id),
                   r.service, 72.50, 72.50, 72.50, 'accepted', '{{}}', ''
            FROM referrals_invoice i JOIN referrals_referral r ON r.id = i.referral_id
            JOIN cases_aidentitlement e ON e.id = r.entitlement_id
            CROSS JOIN generate_series(0, 3) n
            ORDER BY i.id LIMIT {self.n["invoice_lines"]}
        """)
        run(
            "UPDATE referrals_invoice SET checked_by_id = entered_by_id, checked_at = now(), "
            "approved_by_id = (SELECT min(id) FROM victimsupport_user WHERE username LIKE 'bench.juht%'), "
            "approved_at = now() WHERE status = 'paid'"
        )
        rows += run(f"""
            INSERT INTO cases_entitlementcharge (entitlement_id, kind, amount, source_type, source_id, created_at,
                                                 created_by_id)
            SELECT entitlement_id, 'commitment', amount, 'referrals.referral', id, created_at, created_by_id
            FROM referrals_referral
            UNION ALL
            SELECT r.entitlement_id, 'release', i.approved_total, 'referrals.referral', r.id, now(), {organiser}
            FROM referrals_invoice i JOIN referrals_referral r ON r.id = i.referral_id
            UNION ALL
            SELECT r.entitlement_id, 'invoice', i.approved_total, 'referrals.invoice', i.id, now(), {organiser}
            FROM referrals_invoice i JOIN referrals_referral r ON r.id = i.referral_id
        """)
        rows += copy_history(Referral, date_expr="t.created_at", user_expr="t.created_by_id")
        rows += copy_history(Invoice, date_expr="t.entered_at", user_expr="t.entered_by_id")
        rows += copy_history(InvoiceLine, date_expr="now()", user_expr="NULL")
        return rows

    def volunteers(self) -> int:
        """Volunteers in every county by its people, over twenty years: a third at work (active or paused, with a
        specialist of their region as supervisor), a few candidates in the pipeline, the rest left, not accepted
        or withdrawn."""
        self.county_table()
        run("DROP TABLE IF EXISTS bench_volunteer")
        run(f"""
            CREATE UNLOGGED TABLE bench_volunteer AS
            SELECT g, r, r2, bc.county_id, bc.region_id, s.user_id AS supervisor_id, {pick(FEMALE)} AS fn,
                   {pick(LAST)} AS ln,
                   CURRENT_DATE - CASE WHEN r < 0.05 THEN floor(r2 * 30)::int
                                       ELSE 60 + floor(r2 * {YEARS * 365 - 60})::int END AS applied,
                   CASE WHEN r < 0.02 THEN 'applied' WHEN r < 0.05 THEN 'interviewed'
                        WHEN r < 0.30 THEN 'active' WHEN r < 0.34 THEN 'paused' WHEN r < 0.80 THEN 'left'
                        WHEN r < 0.90 THEN 'rejected' ELSE 'withdrawn' END AS status
            FROM (SELECT g, random() AS r, random() AS r2, random() AS rc, random() AS rs
                  FROM generate_series(1, {self.n["volunteers"]}) g) base
            JOIN bench_county bc ON base.rc >= bc.lo AND base.rc < bc.hi
            JOIN bench_staff_count sc ON sc.region_id = bc.region_id
            JOIN bench_staff s ON s.region_id = bc.region_id AND s.idx = floor(base.rs * sc.n)
        """)
        rows = run("""
            INSERT INTO volunteers_volunteer (first_name, last_name, email, phone, address, region_id, languages,
                kinds, motivation, status, applied_at, interviewed_on, background_checked_on, background_check,
                base_training_on, agreement_signed_on, pledge_signed_on, closed_on, supervisor_id, user_id, iban,
                conflicts, version)
            SELECT fn, ln, 'vabatahtlik' || g || '@bench.invalid', '+372 5' || lpad(g::text, 7, '0'), '', region_id,
                   CASE WHEN r2 < 0.3 THEN ARRAY['et', 'ru'] ELSE ARRAY['et'] END,
                   CASE WHEN r2 < 0.35 THEN ARRAY['marac'] WHEN r2 < 0.85 THEN ARRAY['mediator']
                        WHEN r2 < 0.95 THEN ARRAY['counsellor'] ELSE ARRAY['marac', 'crisis'] END,
                   'Soovin aidata.', status, applied::timestamptz,
                   CASE WHEN status <> 'applied' THEN LEAST(applied + 10, CURRENT_DATE) END,
                   CASE WHEN status NOT IN ('applied', 'interviewed', 'rejected') THEN LEAST(applied + 20, CURRENT_DATE) END,
                   CASE WHEN status NOT IN ('applied', 'interviewed', 'rejected') THEN 'clear' ELSE '' END,
                   CASE WHEN status IN ('active', 'paused', 'left') THEN applied + 40 END,
                   CASE WHEN status IN ('active', 'paused', 'left') THEN applied + 45 END,
                   CASE WHEN status IN ('active', 'paused', 'left') THEN applied + 45 END,
                   CASE WHEN status IN ('left', 'rejected', 'withdrawn') THEN LEAST(applied + 300, CURRENT_DATE) END,
                   CASE WHEN status IN ('active', 'paused') THEN supervisor_id END, NULL, '', '', 1
            FROM bench_volunteer ORDER BY g
        """)
        run("""
            INSERT INTO volunteers_volunteer_counties (volunteer_id, county_id)
            SELECT v.id, b.county_id FROM volunteers_volunteer v
            JOIN bench_volunteer b ON v.email = 'vabatahtlik' || b.g || '@bench.invalid'
        """)
        run("""
            INSERT INTO volunteers_volunteerstep (volunteer_id, status, happened_on, note, recorded_by_id, recorded_at)
            SELECT v.id, 'applied', v.applied_at::date, '', NULL, v.applied_at FROM volunteers_volunteer v
        """)
        run("DROP TABLE bench_volunteer")
        rows += copy_history(Volunteer, date_expr="t.applied_at", user_expr="NULL")
        return rows

    def marac(self) -> int:
        """A network in every county (as the demo's), five member agencies each; MARAC cases from the latest
        high-risk domestic-violence cases, each with its DASH assessment (24 answers); heard cases have three
        actions, the older ones done; cases referred in the last month wait for their meeting."""
        from marac.models import Agency, Network, RiskAssessment
        from marac.selectors import current_questionnaire
        from victimsupport.models import County

        for county in County.objects.order_by("name"):
            if not Network.objects.filter(county=county).exists():
                Network.objects.create(
                    name=f"{county.name} MARAC-i võrgustik", county=county, meeting_place=county.name
                )
        for network in Network.objects.all():
            for kind, name in [
                ("police", "Prefektuur"),
                ("local_government", "Omavalitsus"),
                ("womens_support", "Naiste tugikeskus"),
                ("prosecutor", "Prokuratuur"),
                ("victim_support", "Ohvriabi"),
            ]:
                Agency.objects.get_or_create(network=network, name=f"{name} ({network.pk})", defaults={"kind": kind})
        questionnaire = current_questionnaire()
        high = questionnaire.high_from
        run("DROP TABLE IF EXISTS bench_marac")
        rows = run(f"""
            CREATE UNLOGGED TABLE bench_marac AS
            SELECT row_number() OVER (ORDER BY c.id) AS n, c.id AS case_id, c.client_id AS person_id,
                   c.responsible_id AS user_id, c.opened_on + 2 AS assessed_on,
                   (SELECT min(nw.id) FROM marac_network nw WHERE nw.county_id = c.county_id) AS network_id,
                   {high} + floor(random() * 8)::int AS score
            FROM cases_case c
            WHERE c.incident_type = 'domestic_violence' AND c.risk_level = 'high' AND c.responsible_id IS NOT NULL
              AND c.opened_on < CURRENT_DATE - 2
            ORDER BY c.opened_on DESC, c.id DESC LIMIT {self.n["marac_cases"]}
        """)
        run(f"""
            INSERT INTO marac_riskassessment (case_id, person_id, questionnaire_id, assessed_on, assessed_by_id, score,
                score_level, police_callouts, escalation, judgement_level, judgement_reason, level, raised_by,
                incident_note, repeat_of_id, supersedes_id, created_at)
            SELECT case_id, person_id, {questionnaire.pk}, assessed_on, user_id, score, 'high', 1, FALSE, '', '',
                   'high', 'score', '', NULL, NULL, assessed_on::timestamptz
            FROM bench_marac ORDER BY n
        """)
        options = {o.code: o.pk for o in questionnaire.options.all()}
        run(f"""
            INSERT INTO marac_answer (assessment_id, question_id, option_id, comment)
            SELECT a.id, q.id, CASE WHEN q.number <= a.score THEN {options["yes"]} ELSE {options["no"]} END, ''
            FROM marac_riskassessment a JOIN marac_question q ON q.questionnaire_id = a.questionnaire_id
        """)
        run("""
            INSERT INTO marac_maraccase (network_id, case_id, person_id, assessment_id, level, referred_on,
                referred_by, referred_by_user_id, legal_basis, legal_basis_note, is_repeat, previous_id, status,
                first_heard_on, closed_on, closure_note, referral_letter_id, notification_sheet_id, version)
            SELECT b.network_id, b.case_id, b.person_id, a.id, 'high', b.assessed_on + 1, 'victim_support', b.user_id,
                   'oas_10', '', FALSE, NULL,
                   CASE WHEN b.assessed_on > CURRENT_DATE - 30 THEN 'referred'
                        WHEN b.assessed_on > CURRENT_DATE - 365 THEN 'heard' ELSE 'closed' END,
                   CASE WHEN b.assessed_on <= CURRENT_DATE - 30 THEN b.assessed_on + 20 END,
                   CASE WHEN b.assessed_on <= CURRENT_DATE - 365 THEN b.assessed_on + 200 END, '', NULL, NULL, 1
            FROM bench_marac b JOIN marac_riskassessment a ON a.case_id = b.case_id
        """)
        rows += run("""
            INSERT INTO marac_action (referral_id, agenda_item_id, agency_id, owner_id, description, due_on, status,
                outcome, completed_on, reminded_at, created_by_id, created_at, version)
            SELECT m.id, NULL,
                   (SELECT ag.id FROM marac_agency ag WHERE ag.network_id = m.network_id ORDER BY ag.id OFFSET k LIMIT 1),
                   NULL, 'Turvaplaan ja kontakt ohvriga.', m.first_heard_on + 30,
                   CASE WHEN m.status = 'closed' OR m.first_heard_on + 30 < CURRENT_DATE - 60 THEN 'done'
                        ELSE 'open' END,
                   '', CASE WHEN m.status = 'closed' OR m.first_heard_on + 30 < CURRENT_DATE - 60
                            THEN m.first_heard_on + 25 END,
                   NULL, m.referred_by_user_id, m.first_heard_on::timestamptz, 1
            FROM marac_maraccase m CROSS JOIN generate_series(0, 2) k WHERE m.first_heard_on IS NOT NULL
        """)
        rows += copy_history(RiskAssessment, date_expr="t.created_at", user_expr="t.assessed_by_id")
        rows += copy_history(MaracCase, date_expr="t.referred_on::timestamptz", user_expr="t.referred_by_user_id")
        rows += copy_history(Action, date_expr="t.created_at", user_expr="t.created_by_id")
        run("DROP TABLE bench_marac")
        return rows

    def vacuum(self) -> int:
        """What autovacuum leaves on a live system: without the visibility map, every index-only scan
        would visit the table. (Inside a transaction, as in the test suite, only ANALYZE can run.)"""
        run("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        return -1

    def sequences(self) -> int:
        tables = ["cases_person", "cases_case"]
        for table in tables:
            run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))")
        run("DROP TABLE IF EXISTS bench_county, bench_staff, bench_staff_count")
        run("DROP TABLE IF EXISTS bench_dataset")
        run("CREATE TABLE bench_dataset (scale float, created_at timestamptz, seconds float, version int)")
        run(
            "INSERT INTO bench_dataset VALUES (%s, now(), %s, %s)",
            [self.scale, time.monotonic() - self.started, GENERATOR_VERSION],
        )
        return -1


def existing_scale() -> float | None:
    """The scale of the data a previous run of this generator version left, if any."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns"
            " WHERE table_name = 'bench_dataset' AND column_name = 'version')"
        )
        if not cursor.fetchone()[0]:
            return None  # none, or made by a generator before versions
        cursor.execute("SELECT scale FROM bench_dataset WHERE version = %s LIMIT 1", [GENERATOR_VERSION])
        row = cursor.fetchone()
        return row[0] if row else None
