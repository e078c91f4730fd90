"""The database itself refuses to change or delete access log rows and registered documents' files.

Statement-level triggers fire for every role, superusers included, and for statements that touch no
row; they hold whatever the application does.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION vs_refuse_accesslog_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER accesslog_append_only BEFORE UPDATE OR DELETE ON victimsupport_accesslogentry
    FOR EACH STATEMENT EXECUTE FUNCTION vs_refuse_accesslog_change();

CREATE FUNCTION vs_guard_registered_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'registered documents are never deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.sha256 <> '' AND (NEW.sha256 IS DISTINCT FROM OLD.sha256 OR NEW.file IS DISTINCT FROM OLD.file
            OR NEW.number IS DISTINCT FROM OLD.number OR NEW.size IS DISTINCT FROM OLD.size) THEN
        RAISE EXCEPTION 'an issued document never changes: register a correction instead'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER registereddocument_immutable BEFORE UPDATE OR DELETE ON victimsupport_registereddocument
    FOR EACH ROW EXECUTE FUNCTION vs_guard_registered_document();
"""

REVERSE = """
DROP TRIGGER IF EXISTS registereddocument_immutable ON victimsupport_registereddocument;
DROP FUNCTION IF EXISTS vs_guard_registered_document();
DROP TRIGGER IF EXISTS accesslog_append_only ON victimsupport_accesslogentry;
DROP FUNCTION IF EXISTS vs_refuse_accesslog_change();
"""


class Migration(migrations.Migration):
    dependencies = [("victimsupport", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, REVERSE)]
