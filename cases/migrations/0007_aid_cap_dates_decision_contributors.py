# Written by hand: the yearly cap becomes amounts with effective dates (AidCapYear -> AidCap, the history
# kept), and a decision records the cap in force on its decision date and everyone who changed its content.

import datetime
from decimal import Decimal

import django.core.validators
from django.conf import settings
from django.db import migrations, models

# The content of a draft (cases.services.aid.DRAFT_FIELDS).
CONTENT = ["kind", "amount_cap", "valid_from", "valid_until", "service_type", "facts", "reasoning"]

YEARS_TO_DATES = """
UPDATE cases_aidcap SET valid_from = make_date(year, 1, 1);
UPDATE cases_historicalaidcap SET valid_from = make_date(year, 1, 1);
"""
# Back to one amount per year: the amount in force on 1 January (or the year's first) stays.
DATES_TO_YEARS = """
DELETE FROM cases_aidcap later USING cases_aidcap earlier
    WHERE extract(year FROM later.valid_from) = extract(year FROM earlier.valid_from)
      AND later.valid_from > earlier.valid_from;
UPDATE cases_aidcap SET year = extract(year FROM valid_from);
UPDATE cases_historicalaidcap SET year = extract(year FROM valid_from);
"""


def rename_permissions(old: str, new: str, old_name: str, new_name: str):
    """Keep the administrators' grants: the permissions of the renamed models (and their history models)
    change their codenames here, before post_migrate creates permissions for the new names."""

    def run(apps, schema_editor):
        Permission = apps.get_model("auth", "Permission")
        codenames = rf"^(add|change|delete|view)_(historical)?{old}$"
        for permission in Permission.objects.filter(content_type__app_label="cases", codename__regex=codenames):
            permission.codename = permission.codename[: -len(old)] + new
            permission.name = permission.name.replace(old_name, new_name)
            permission.save(update_fields=["codename", "name"])

    return run


def backfill_contributors(apps, schema_editor):
    """The author of every decision; for decisions not yet issued, also everyone whose saved version
    changed the content (from the change history)."""
    AidDecision = apps.get_model("cases", "AidDecision")
    HistoricalAidDecision = apps.get_model("cases", "HistoricalAidDecision")
    Contributor = AidDecision.contributors.through
    # The unique index of the new table is only made at the end of the migration: add each pair once.
    schema_editor.execute(
        "INSERT INTO cases_aiddecision_contributors (aiddecision_id, user_id) "
        "SELECT id, drafted_by_id FROM cases_aiddecision"
    )
    pairs = set()
    pending = AidDecision.objects.exclude(status="issued").values_list("pk", "drafted_by_id")
    for pk, author_id in pending.iterator():
        previous = None
        versions = (
            HistoricalAidDecision.objects.filter(id=pk)
            .order_by("history_date", "history_id")
            .values_list("history_user_id", *CONTENT)
        )
        for user_id, *content in versions:
            if user_id not in (None, author_id) and content != previous:
                pairs.add((pk, user_id))
            previous = content
    Contributor.objects.bulk_create([Contributor(aiddecision_id=pk, user_id=user_id) for pk, user_id in pairs])


GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION cases_guard_issued_decision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'issued' THEN
            RAISE EXCEPTION 'an issued decision is never deleted' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'issued' AND (
        NEW.status IS DISTINCT FROM OLD.status OR NEW.kind IS DISTINCT FROM OLD.kind
        OR NEW.amount_cap IS DISTINCT FROM OLD.amount_cap OR NEW.valid_from IS DISTINCT FROM OLD.valid_from
        OR NEW.valid_until IS DISTINCT FROM OLD.valid_until OR NEW.service_type IS DISTINCT FROM OLD.service_type
        OR NEW.facts IS DISTINCT FROM OLD.facts OR NEW.reasoning IS DISTINCT FROM OLD.reasoning
        OR NEW.legal_basis IS DISTINCT FROM OLD.legal_basis
        OR NEW.eligibility_rule IS DISTINCT FROM OLD.eligibility_rule
        OR NEW.application_id IS DISTINCT FROM OLD.application_id OR NEW.amends_id IS DISTINCT FROM OLD.amends_id
        OR NEW.issued_at IS DISTINCT FROM OLD.issued_at OR NEW.decision_date IS DISTINCT FROM OLD.decision_date
        OR NEW.signer_id IS DISTINCT FROM OLD.signer_id OR NEW.signer_name IS DISTINCT FROM OLD.signer_name
        OR (OLD.letter_id IS NOT NULL AND NEW.letter_id IS DISTINCT FROM OLD.letter_id)%s
    ) THEN
        RAISE EXCEPTION 'an issued decision never changes: issue an amendment or a revocation'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
"""
GUARD_WITH_CAP = GUARD_FUNCTION % "\n        OR NEW.cap_in_force IS DISTINCT FROM OLD.cap_in_force"
GUARD_BEFORE = GUARD_FUNCTION % ""

CAP_VALIDATORS = [django.core.validators.MinValueValidator(datetime.date(2023, 1, 1))]
NOTE_HELP = "Where the amount comes from (the regulation), or e.g. 'demo value, confirm'."


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0006_record_holding_links_rule_versions_unassigned_tasks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # --- the cap: amounts with effective dates ---
        migrations.RenameModel("AidCapYear", "AidCap"),
        migrations.RenameModel("HistoricalAidCapYear", "HistoricalAidCap"),
        migrations.RunPython(
            rename_permissions("aidcapyear", "aidcap", "yearly aid cap", "aid cap"),
            rename_permissions("aidcap", "aidcapyear", "aid cap", "yearly aid cap"),
        ),
        migrations.AddField("aidcap", "valid_from", models.DateField(null=True, verbose_name="valid from")),
        migrations.AddField("historicalaidcap", "valid_from", models.DateField(null=True, verbose_name="valid from")),
        migrations.AlterField(
            "aidcap",
            "year",
            models.PositiveSmallIntegerField(
                null=True,
                unique=True,
                validators=[django.core.validators.MinValueValidator(2023)],
                verbose_name="year",
            ),
        ),
        migrations.AlterField(
            "historicalaidcap",
            "year",
            models.PositiveSmallIntegerField(
                null=True,
                db_index=True,
                validators=[django.core.validators.MinValueValidator(2023)],
                verbose_name="year",
            ),
        ),
        migrations.RunSQL(YEARS_TO_DATES, DATES_TO_YEARS),
        migrations.AlterField(
            "aidcap",
            "valid_from",
            models.DateField(unique=True, validators=CAP_VALIDATORS, verbose_name="valid from"),
        ),
        migrations.AlterField(
            "historicalaidcap",
            "valid_from",
            models.DateField(db_index=True, validators=CAP_VALIDATORS, verbose_name="valid from"),
        ),
        migrations.RemoveField("aidcap", "year"),
        migrations.RemoveField("historicalaidcap", "year"),
        migrations.AlterField(
            "aidcap", "note", models.CharField(help_text=NOTE_HELP, max_length=200, verbose_name="source")
        ),
        migrations.AlterField(
            "historicalaidcap", "note", models.CharField(help_text=NOTE_HELP, max_length=200, verbose_name="source")
        ),
        migrations.AlterField(
            "aidcap",
            "amount",
            models.DecimalField(
                decimal_places=2,
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                verbose_name="cap (EUR)",
            ),
        ),
        migrations.AlterModelOptions(
            name="aidcap",
            options={"ordering": ["-valid_from"], "verbose_name": "aid cap", "verbose_name_plural": "aid caps"},
        ),
        migrations.AlterModelOptions(
            name="historicalaidcap",
            options={
                "get_latest_by": ("history_date", "history_id"),
                "ordering": ("-history_date", "-history_id"),
                "verbose_name": "historical aid cap",
                "verbose_name_plural": "historical aid caps",
            },
        ),
        migrations.AddConstraint(
            "aidcap", models.CheckConstraint(condition=models.Q(amount__gt=0), name="aidcap_amount_positive")
        ),
        # --- decisions: the cap in force on the decision date, and who changed the content ---
        migrations.AddField(
            "aiddecision",
            "cap_in_force",
            models.DecimalField(
                blank=True,
                decimal_places=2,
                editable=False,
                max_digits=12,
                null=True,
                verbose_name="cap in force on the decision date (EUR)",
            ),
        ),
        migrations.AddField(
            "historicalaiddecision",
            "cap_in_force",
            models.DecimalField(
                blank=True,
                decimal_places=2,
                editable=False,
                max_digits=12,
                null=True,
                verbose_name="cap in force on the decision date (EUR)",
            ),
        ),
        migrations.AddField(
            "aiddecision",
            "contributors",
            models.ManyToManyField(
                blank=True,
                editable=False,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="content changed by",
            ),
        ),
        migrations.RunPython(backfill_contributors, migrations.RunPython.noop),
        migrations.RunSQL(GUARD_WITH_CAP, GUARD_BEFORE),
    ]
