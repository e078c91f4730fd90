"""Check that every registered document's file exists and matches its checksum (the nightly check, run
by hand): prints the numbers of those that do not and exits 1 if there are any."""

from django.core.management.base import BaseCommand, CommandError

from victimsupport.register import documents_check_integrity


class Command(BaseCommand):
    help = "Check every registered document's file against its checksum; tell the administrators of failures."

    def handle(self, *args, **options):
        broken = documents_check_integrity()
        if broken:
            raise CommandError(f"{len(broken)} documents missing or changed: {', '.join(broken)}")
        self.stdout.write(self.style.SUCCESS("Every registered document is present and intact."))
