"""Give the application's database role what it needs and no more (run as the owner after migrate).

The application role (the user of DATABASE_URL, or --role) may SELECT, INSERT, UPDATE and DELETE the
application's tables and use their sequences, but only SELECT and INSERT on the access log. With one
role for both (development), there is nothing to do.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

from victimsupport.env import database_config, env_str

APPEND_ONLY_TABLES = {"victimsupport_accesslogentry"}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--role", help="the application role (default: the user of DATABASE_URL)")

    def handle(self, *args, role=None, **options):
        if role is None:
            try:
                role = database_config(env_str("DATABASE_APP_URL", env_str("DATABASE_URL")))["USER"]
            except Exception as exc:
                raise CommandError(f"cannot tell the application role: {exc}") from exc
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            owner = cursor.fetchone()[0]
            if role == owner:
                self.stdout.write(f"the application runs as the owner ({owner}): nothing to grant")
                return
            tables = connection.introspection.table_names(cursor)
            for table in tables:
                privileges = "SELECT, INSERT" if table in APPEND_ONLY_TABLES else "SELECT, INSERT, UPDATE, DELETE"
                cursor.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(table), sql.Identifier(role)))
                cursor.execute(
                    sql.SQL("GRANT " + privileges + " ON {} TO {}").format(sql.Identifier(table), sql.Identifier(role))
                )
            cursor.execute(
                sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(sql.Identifier(role))
            )
        self.stdout.write(self.style.SUCCESS(f"granted {len(tables)} tables to {role}"))
