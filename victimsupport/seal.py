"""The agency's e-seal on letters: every PDF the system renders is an archival PDF (PDF/A-2b, fonts
embedded) sealed with the agency's e-seal certificate as a PAdES baseline signature (B-B; B-T when a
timestamp service is configured), so that anyone can check who issued it and that nothing changed.

The seal's key and certificate come from a PKCS#12 file (`SEAL_PKCS12_FILE`, its password
`SEAL_PKCS12_PASSWORD` or `SEAL_PKCS12_PASSWORD_FILE`). A seal is valid when the file is exactly what was
sealed, the certificate leads to a root in `SEAL_TRUST_ROOTS`, and it is the agency's own seal (the
certificate in use, one of `SEAL_PREVIOUS_CERTS`, or the one the register recorded for the letter): a
certificate of anyone else from the same CA is not our seal. A timestamp counts (B-T) only when its TSA
leads to a root in `SEAL_TIMESTAMP_TRUST_ROOTS`. Development and tests make their own test CA and seal
under .dev/ (scripts/devseal.py); production refuses to start without a seal (settings.SEAL_REQUIRED).

The seal is RSA: pyHanko marks a file sealed with an EC key as PDF 2.0, which PDF/A-2 is not."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from io import BytesIO

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.utils import CryptographyDeprecationWarning
from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.exceptions import ImproperlyConfigured

# pyHanko still imports DSA (which nobody here uses): not a warning on every command.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="DSA is deprecated", category=CryptographyDeprecationWarning)
    from pyhanko.keys import load_certs_from_pemder
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

logger = logging.getLogger(__name__)

# What WeasyPrint makes before the seal: PDF/A-2b allows a signature added as an incremental update.
PDF_VARIANT = "pdf/a-2b"
FIELD_NAME = "Seal"
CHECK_CACHE_SECONDS = 3600


def run_pyhanko(coroutine):
    """pyHanko's work, also where an event loop already runs in this thread (its own helpers call
    asyncio.run, which refuses to there): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def seal_configured() -> bool:
    return bool(settings.SEAL_PKCS12_FILE)


class KeptKeySigner(signers.SimpleSigner):
    """pyHanko's signer with the private key parsed once. SimpleSigner parses it for every signature, and
    cryptography then checks the whole RSA key (about 0.1 s): twice a letter, as pyHanko's estimate of the
    signature's size is a signature too. That was two thirds of a sealed letter's time."""

    _key = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo
        except ValueError:
            algorithm = ""
        if self._key is None:
            self._key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self._key, RSAPrivateKey) and algorithm == "rsassa_pkcs1v15":
            return self._key.sign(data, PKCS1v15(), hash_algorithm)
        if isinstance(self._key, RSAPrivateKey) and algorithm == "rsassa_pss":
            return self._key.sign(data, *process_pss_params(mechanism["parameters"]))
        if isinstance(self._key, EllipticCurvePrivateKey) and algorithm == "ecdsa":
            return self._key.sign(data, ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)  # other kinds of key: pyHanko's own way


@cache
def _signer(path: str, password: str):
    loaded = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() if password else None)
    if loaded is None:
        raise ImproperlyConfigured(f"SEAL_PKCS12_FILE={path}: the seal's key and certificate cannot be read")
    return KeptKeySigner(
        signing_key=loaded.signing_key,
        signing_cert=loaded.signing_cert,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
        prefer_pss=loaded.prefer_pss,
    )


def current_signer():
    return _signer(settings.SEAL_PKCS12_FILE, settings.SEAL_PKCS12_PASSWORD)


@cache
def _certificates(paths: tuple[str, ...]) -> list:
    return list(load_certs_from_pemder(list(paths))) if paths else []


def fingerprint(certificate) -> str:
    return hashlib.sha256(certificate.dump()).hexdigest()


def own_fingerprints() -> set[str]:
    """The agency's seal certificates: the one in use and the earlier ones still to be recognised."""
    own = {fingerprint(cert) for cert in _certificates(tuple(settings.SEAL_PREVIOUS_CERTS))}
    if seal_configured():
        own.add(fingerprint(current_signer().signing_cert))
    return own


def seal_pdf(pdf: bytes) -> bytes:
    """The PDF with the agency's seal added (an incremental update: the bytes before it stay)."""
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=settings.AGENCY["name"],
        location="Eesti",
    )
    timestamper = timestamps.HTTPTimeStamper(settings.SEAL_TIMESTAMP_URL) if settings.SEAL_TIMESTAMP_URL else None
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    output = run_pyhanko(signers.async_sign_pdf(writer, metadata, signer=current_signer(), timestamper=timestamper))
    return output.getvalue()


@dataclass(frozen=True)
class SealCheck:
    """What a PDF's seal says: whether there is one, whether the document is exactly what was sealed
    (intact: the hash and the signature hold, and nothing was added after), whether the certificate leads
    to a trusted root and is the agency's own seal, who sealed it and when."""

    sealed: bool
    intact: bool = False
    trusted: bool = False
    own: bool = False
    signer: str = ""
    fingerprint: str = ""
    signed_at: datetime | None = None
    timestamped: bool = False
    problem: str = ""

    @property
    def valid(self) -> bool:
        return self.sealed and self.intact and self.trusted and self.own

    @property
    def level(self) -> str:
        return "PAdES B-T" if self.timestamped else "PAdES B-B" if self.sealed else ""


def _context(paths, moment: datetime | None = None) -> ValidationContext:
    return ValidationContext(
        trust_roots=_certificates(tuple(paths)), allow_fetching=False, revocation_mode="soft-fail", moment=moment
    )


def _validate(signature, moment: datetime | None = None):
    """pyHanko's validation of one signature: its certificate judged at `moment` (now if None)."""
    return run_pyhanko(
        async_validate_pdf_signature(
            signature,
            _context(settings.SEAL_TRUST_ROOTS, moment=moment),
            ts_validation_context=_context(settings.SEAL_TIMESTAMP_TRUST_ROOTS),
        )
    )


def check_seal(data: bytes, *, also_own: frozenset[str] = frozenset()) -> SealCheck:
    """Validate the seal of a PDF (pyHanko's validator, against SEAL_TRUST_ROOTS; nothing fetched).
    `also_own`: fingerprints of certificates to take as the agency's besides own_fingerprints()."""
    try:
        signatures = PdfFileReader(BytesIO(data), strict=False).embedded_signatures
    except Exception as error:  # anything unreadable is "not a sealed PDF"
        return SealCheck(sealed=False, problem=f"not a readable PDF: {type(error).__name__}")
    if not signatures:
        return SealCheck(sealed=False)
    try:
        signature = signatures[0]
        status = _validate(signature)
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(signatures) == 1
        stamp = status.timestamp_validity
        stamped = bool(stamp and stamp.intact and stamp.valid and stamp.trusted)
        signer_fingerprint = fingerprint(status.signing_cert)
        problems = [
            "" if whole else "changed after it was sealed",
            "" if not stamp or stamped else "its timestamp is not trusted",
        ]
        trusted = bool(status.trusted)
        if not trusted and stamped:
            # The certificate may have expired since: a trusted timestamp shows when the seal was made,
            # and the seal is judged at that time (PAdES B-T's point).
            trusted = bool(_validate(signature, moment=stamp.timestamp).trusted)
            problems.append("the certificate has expired since the letter was sealed" if trusted else "")
        return SealCheck(
            sealed=True,
            intact=bool(status.intact and status.valid and whole),
            trusted=trusted,
            own=signer_fingerprint in (own_fingerprints() | also_own),
            signer=_common_name(status.signing_cert.subject),
            fingerprint=signer_fingerprint,
            signed_at=stamp.timestamp if stamped else status.signer_reported_dt,
            timestamped=stamped,
            problem="; ".join(problem for problem in problems if problem),
        )
    except Exception as error:  # a malformed signature is a broken seal, never an error page
        logger.warning("seal check failed: %s: %s", type(error).__name__, error)
        return SealCheck(sealed=True, problem=f"the seal cannot be read: {type(error).__name__}")


def check_document(document) -> SealCheck | None:
    """The seal check of a registered document's stored file: the file as it is now (its own hash is the
    cache key, with the trust settings), the certificate the register recorded counting as the agency's."""
    if not document.file or document.content_type != "application/pdf":
        return None
    try:
        with document.file.open("rb") as stored:
            data = stored.read()
    except OSError:
        return SealCheck(sealed=False, problem="the stored file cannot be read")
    trust = "|".join([*settings.SEAL_TRUST_ROOTS, "#", *settings.SEAL_TIMESTAMP_TRUST_ROOTS, "#", *own_fingerprints()])
    key = f"seal-check:{hashlib.sha256(data).hexdigest()}:{hashlib.sha256(trust.encode()).hexdigest()[:16]}"
    found = django_cache.get(key)
    if found is None:
        recorded = frozenset({document.seal_fingerprint} - {""})
        found = check_seal(data, also_own=recorded)
        django_cache.set(key, found, CHECK_CACHE_SECONDS)
    return found


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


def seal_facts(data: bytes) -> tuple[str, str, datetime | None]:
    """Who sealed a PDF (name, certificate fingerprint) and when it says so, read without validating (for
    the register entry: the letter was sealed here a moment ago)."""
    try:
        signatures = PdfFileReader(BytesIO(data), strict=False).embedded_signatures
        if not signatures:
            return "", "", None
        signature = signatures[0]
        certificate = signature.signer_cert
        return _common_name(certificate.subject)[:200], fingerprint(certificate), signature.self_reported_timestamp
    except Exception:  # anything unreadable has no seal to tell of
        return "", "", None


def _common_name(subject) -> str:
    return subject.native.get("common_name", "") or subject.human_friendly
