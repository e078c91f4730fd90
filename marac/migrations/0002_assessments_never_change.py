"""A risk assessment and its answers are never edited, only superseded: the database refuses UPDATE."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION marac_refuse_assessment_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a risk assessment is never changed: make a new one (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER riskassessment_never_changes BEFORE UPDATE ON marac_riskassessment
    FOR EACH STATEMENT EXECUTE FUNCTION marac_refuse_assessment_change();
CREATE TRIGGER answer_never_changes BEFORE UPDATE ON marac_answer
    FOR EACH STATEMENT EXECUTE FUNCTION marac_refuse_assessment_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS answer_never_changes ON marac_answer;
DROP TRIGGER IF EXISTS riskassessment_never_changes ON marac_riskassessment;
DROP FUNCTION IF EXISTS marac_refuse_assessment_change();
"""


class Migration(migrations.Migration):
    dependencies = [("marac", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, REVERSE)]
