"""Check the agency's e-seal on a letter someone sent back: `manage.py verify_letter FILE`. Exit status 0
when the seal is valid (the file is exactly what was sealed, the seal leads to a trusted root, and it is
the agency's own seal certificate)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from victimsupport.seal import archival_format, check_seal


class Command(BaseCommand):
    help = "Check the e-seal of a PDF letter against the configured trust roots."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the PDF to check")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        check = check_seal(data)
        lines = [f"{path.name}: {archival_format(data) or 'not PDF/A'}"]
        if not check.sealed:
            lines.append(f"no seal{': ' + check.problem if check.problem else ''}")
        else:
            when = check.signed_at.isoformat() if check.signed_at else "?"
            lines += [
                f"sealed by: {check.signer}",
                f"sealed at: {when} ({check.level}{', timestamped' if check.timestamped else ''})",
                f"intact: {'yes' if check.intact else 'NO' + (' (' + check.problem + ')' if check.problem else '')}",
                f"trusted: {'yes' if check.trusted else 'NO'}",
                f"the agency's seal: {'yes' if check.own else 'NO'}",
            ]
        self.stdout.write("\n".join(lines))
        if not check.valid:
            raise CommandError("the seal is not valid", returncode=1)
        self.stdout.write(self.style.SUCCESS("the seal is valid"))
