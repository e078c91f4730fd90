"""Fill the database with national-scale generated data (bench/generate.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Generate benchmark data at --scale N (1 = a national service over twenty years). Deletes case data."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.01)
        parser.add_argument("--reuse", action="store_true", help="do nothing if data of this scale exists")
        parser.add_argument(
            "--i-know-this-deletes-case-data",
            dest="confirmed",
            action="store_true",
            help="needed unless the database's name ends in _bench or starts with test_",
        )

    def handle(self, *args, scale, reuse, confirmed, **options):
        from bench.generate import Generator, existing_scale

        name = connection.settings_dict["NAME"]
        if not (confirmed or name.endswith("_bench") or name.startswith("test_")):
            raise CommandError(
                f"This deletes every case in {name!r}. Use a *_bench database, or confirm with "
                "--i-know-this-deletes-case-data."
            )
        if not 0 < scale <= 2:
            raise CommandError("--scale must be more than 0 and at most 2")
        if reuse and existing_scale() == scale:
            self.stdout.write(f"data of scale {scale} exists: reused")
            return
        Generator(scale, report=lambda line: self.stdout.write(line, ending="\n") or self.stdout.flush()).run()
