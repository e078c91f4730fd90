"""The agency's e-seal on letters: every PDF the system renders is an archival PDF (PDF/A-2b, fonts
embedded) sealed with the agency's e-seal certificate as a PAdES baseline signature (B-B; B-T when a
timestamp service is configured), so that anyone can check who issued it and that nothing changed.

The seal's key and certificate come from a PKCS#12 file (`SEAL_PKCS12_FILE`, its password
`SEAL_PKCS12_PASSWORD` or `SEAL_PKCS12_PASSWORD_FILE`); a seal is checked against the CA certificates in
`SEAL_TRUST_ROOTS`. Development and tests make their own test CA and seal under .dev/ (scripts/devseal.py);
production refuses to start without a seal (settings.SEAL_REQUIRED)."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from io import BytesIO

from cryptography.utils import CryptographyDeprecationWarning
from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.exceptions import ImproperlyConfigured

# pyHanko still imports DSA (which nobody here uses): not a warning on every command.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", CryptographyDeprecationWarning)
    from pyhanko.keys import load_certs_from_pemder
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

# What WeasyPrint makes before the seal: PDF/A-2b allows a signature added as an incremental update.
PDF_VARIANT = "pdf/a-2b"
FIELD_NAME = "Seal"
CHECK_CACHE_SECONDS = 3600


def seal_configured() -> bool:
    return bool(settings.SEAL_PKCS12_FILE)


@cache
def _signer(path: str, password: str):

    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() if password else None)
    if signer is None:
        raise ImproperlyConfigured(f"SEAL_PKCS12_FILE={path}: the seal's key and certificate cannot be read")
    return signer


@cache
def _trust_roots(paths: tuple[str, ...]) -> list:

    return list(load_certs_from_pemder(list(paths))) if paths else []


def seal_pdf(pdf: bytes) -> bytes:
    """The PDF with the agency's seal added (an incremental update: the bytes before it stay)."""

    signer = _signer(settings.SEAL_PKCS12_FILE, settings.SEAL_PKCS12_PASSWORD)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=settings.AGENCY["name"],
        location="Eesti",
    )
    timestamper = timestamps.HTTPTimeStamper(settings.SEAL_TIMESTAMP_URL) if settings.SEAL_TIMESTAMP_URL else None
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    return signers.sign_pdf(writer, metadata, signer=signer, timestamper=timestamper).getvalue()


@dataclass(frozen=True)
class SealCheck:
    """What a PDF's seal says: whether there is one, whether the document is exactly what was sealed
    (intact: the hash and the signature hold, and nothing was added after), whether the certificate leads
    to a trusted root, who sealed it and when."""

    sealed: bool
    intact: bool = False
    trusted: bool = False
    signer: str = ""
    signed_at: datetime | None = None
    timestamped: bool = False
    problem: str = ""

    @property
    def valid(self) -> bool:
        return self.sealed and self.intact and self.trusted

    @property
    def level(self) -> str:
        return "PAdES B-T" if self.timestamped else "PAdES B-B" if self.sealed else ""


def check_seal(data: bytes) -> SealCheck:
    """Validate the seal of a PDF (pyHanko's validator, against SEAL_TRUST_ROOTS; nothing fetched)."""

    try:
        signatures = PdfFileReader(BytesIO(data), strict=False).embedded_signatures
    except Exception as error:  # anything unreadable is "not a sealed PDF"
        return SealCheck(sealed=False, problem=f"not a readable PDF: {type(error).__name__}")
    if not signatures:
        return SealCheck(sealed=False)
    signature = signatures[0]
    context = ValidationContext(
        trust_roots=_trust_roots(tuple(settings.SEAL_TRUST_ROOTS)), allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = validate_pdf_signature(signature, context)
    except (SignatureValidationError, ValueError) as error:
        return SealCheck(sealed=True, problem=str(error)[:200])
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(signatures) == 1
    return SealCheck(
        sealed=True,
        intact=bool(status.intact and status.valid and whole),
        trusted=bool(status.trusted),
        signer=_common_name(status.signing_cert.subject),
        signed_at=status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt,
        timestamped=status.timestamp_validity is not None,
        problem="" if whole else "changed after it was sealed",
    )


def check_document(document) -> SealCheck | None:
    """The seal check of a registered document's stored file (kept for an hour by its checksum: the file
    never changes, and a changed one has another checksum)."""
    if not document.file or document.content_type != "application/pdf":
        return None
    key = f"seal-check:{document.sha256}"
    found = django_cache.get(key)
    if found is not None:
        return found
    try:
        with document.file.open("rb") as stored:
            data = stored.read()
    except OSError:
        return SealCheck(sealed=False, problem="the stored file cannot be read")
    result = check_seal(data)
    if document.sha256 and document.verify_checksum():
        django_cache.set(key, result, CHECK_CACHE_SECONDS)
    return result


def archival_format(data: bytes) -> str:
    """The PDF/A part and conformance its XMP metadata claims ("PDF/A-2b"), or ""."""

    try:
        metadata = PdfFileReader(BytesIO(data), strict=False).root["/Metadata"].get_object().data
    except Exception:  # no metadata, or not a readable PDF: no claim
        return ""
    part = re.search(rb"pdfaid:part(?:=\"|>)(\d)", metadata)
    conformance = re.search(rb"pdfaid:conformance(?:=\"|>)([ABUabu])", metadata)
    if not part:
        return ""
    return f"PDF/A-{part.group(1).decode()}{conformance.group(1).decode().lower() if conformance else ''}"


def seal_facts(data: bytes) -> tuple[str, datetime | None]:
    """Who sealed a PDF and when it says so, read without validating (for the register entry)."""

    try:
        signatures = PdfFileReader(BytesIO(data), strict=False).embedded_signatures
    except Exception:  # anything unreadable has no seal to tell of
        return "", None
    if not signatures:
        return "", None
    signature = signatures[0]
    return _common_name(signature.signer_cert.subject), signature.self_reported_timestamp


def _common_name(subject) -> str:
    return subject.native.get("common_name", "") or subject.human_friendly
