"""Letters are archival PDFs sealed with the agency's e-seal (PAdES), checked by pyHanko and by an
independent implementation (poppler's pdfsig); a letter changed after sealing fails both. The test seal
and CA are made at run time under .dev/ (scripts/devseal.py); none is in the repository."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template import Context, Template

from scripts.devseal import ca_certificate, issued_certificate, pkcs12_bytes
from tests.factories import make_user
from victimsupport.register import register_document, series_for
from victimsupport.sampleletter import sample_letter_pdf
from victimsupport.seal import archival_format, check_seal, run_pyhanko

ROOT = Path(__file__).resolve().parents[2]


def seal_files(directory: Path, ca_name: str, name: str, valid: dt.timedelta | dt.datetime) -> tuple[str, str]:
    """A CA of its own and a seal certificate it issued (valid for a while, or until a moment): the CA's
    PEM file and the seal's PKCS#12 file (no password)."""
    now = dt.datetime.now(dt.UTC)
    not_after = valid if isinstance(valid, dt.datetime) else now + valid
    ca_key, key = rsa.generate_private_key(65537, 2048), rsa.generate_private_key(65537, 2048)
    ca = ca_certificate(ca_key, [(NameOID.COMMON_NAME, ca_name)], not_after=now + dt.timedelta(days=9))
    seal = issued_certificate(ca, ca_key, key, [(NameOID.COMMON_NAME, name)], not_after=not_after)
    ca_file, p12_file = directory / f"{ca_name}.pem", directory / f"{name}.p12"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    p12_file.write_bytes(pkcs12_bytes(key, seal, ca))
    return str(ca_file), str(p12_file)


@pytest.fixture(scope="module")
def sealed() -> bytes:
    return sample_letter_pdf("et")


def pdfsig(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout


def changed(data: bytes) -> bytes:
    """One byte of the signed part changed (the producer's name in the document information)."""
    changed = bytearray(data)
    where = changed.index(b"WeasyPrint")
    changed[where] = ord("w")
    return bytes(changed)


def test_a_letter_is_an_archival_pdf_with_a_valid_seal(sealed, tmp_path):
    check = check_seal(sealed)
    assert check.valid and check.intact and check.trusted and check.level == "PAdES B-B"
    assert check.signer == "Sotsiaalkindlustusamet (arenduse e-tempel)" and check.signed_at is not None
    assert archival_format(sealed) == "PDF/A-2b"
    report = pdfsig(tmp_path, sealed)
    assert "Signature is Valid." in report and "Total document signed" in report
    assert "Sotsiaalkindlustusamet (arenduse e-tempel)" in report


def test_a_letter_changed_after_sealing_fails_both_checks(sealed, tmp_path):
    tampered = changed(sealed)
    check = check_seal(tampered)
    assert check.sealed and not check.intact and not check.valid
    assert "Digest Mismatch" in pdfsig(tmp_path, tampered)
    # Something added after the seal (an incremental update): the seal no longer covers the whole file.
    appended = sealed + b"\n1 0 obj\n(added later)\nendobj\n"
    assert not check_seal(appended).valid
    assert "Total document signed" not in pdfsig(tmp_path, appended)


def test_verify_letter_for_a_file_sent_back(sealed, tmp_path):
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(sealed)
    bad.write_bytes(changed(sealed))
    out = StringIO()
    call_command("verify_letter", str(good), stdout=out)
    assert "the seal is valid" in out.getvalue() and "PDF/A-2b" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("verify_letter", str(bad), stdout=StringIO())
    (tmp_path / "note.txt").write_text("not a letter")
    with pytest.raises(CommandError):
        call_command("verify_letter", str(tmp_path / "note.txt"), stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("verify_letter", str(tmp_path / "missing.pdf"), stdout=StringIO())


@pytest.mark.django_db
def test_the_register_entry_and_the_letter_page_tell_of_the_seal(sealed):
    document = register_document(
        title="Proovikiri",
        doc_type="sample",
        responsible=make_user("specialist", "pohja"),
        content=sealed,
        filename="proov.pdf",
        series=series_for("aid_decision"),
    )
    assert document.archival_format == "PDF/A-2b"
    assert document.sealed_by == "Sotsiaalkindlustusamet (arenduse e-tempel)" and document.sealed_at
    assert len(document.seal_fingerprint) == 64
    shown = Template("{% load seals %}{% letter_seal document %}").render(Context({"document": document}))
    assert "Sotsiaalkindlustusamet (arenduse e-tempel)" in shown and "badge--ok" in shown
    with document.file.open("wb") as stored:  # the stored file changed behind the register's back
        stored.write(changed(sealed))
    document.refresh_from_db()  # (the check of the intact file is cached: the changed one is another file)
    shown = Template("{% load seals %}{% letter_seal document %}").render(Context({"document": document}))
    assert "badge--danger" in shown


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_the_seal_key_is_read_once_whatever_its_kind(kind, tmp_path, settings, monkeypatch):
    """pyHanko read the key for every signature (and cryptography checked an RSA key each time, 0.1 s),
    twice a letter: the seal is read once per process, and an elliptic-curve seal works the same way."""
    from cryptography.hazmat.primitives.asymmetric import ec

    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(65537, 2048)
    key = rsa.generate_private_key(65537, 2048) if kind == "rsa" else ec.generate_private_key(ec.SECP256R1())
    ca = ca_certificate(ca_key, [(NameOID.COMMON_NAME, f"CA {kind}")], not_after=now + dt.timedelta(days=9))
    subject = [(NameOID.COMMON_NAME, f"E-tempel {kind}")]
    seal = issued_certificate(ca, ca_key, key, subject, not_after=ca.not_valid_after_utc)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "seal.p12").write_bytes(pkcs12_bytes(key, seal, ca))
    settings.SEAL_PKCS12_FILE, settings.SEAL_PKCS12_PASSWORD = str(tmp_path / "seal.p12"), ""
    settings.SEAL_TRUST_ROOTS = [str(tmp_path / "ca.pem")]
    reads = []
    real = serialization.load_der_private_key
    monkeypatch.setattr(serialization, "load_der_private_key", lambda *a, **k: reads.append(1) or real(*a, **k))
    letters = [sample_letter_pdf("et"), sample_letter_pdf("en")]
    assert len(reads) == 1
    for letter in letters:
        check = check_seal(letter)
        assert check.intact and check.trusted and check.signer == f"E-tempel {kind}", check
    assert "Signature is Valid." in pdfsig(tmp_path, letters[0])


def test_without_a_seal_the_letter_does_not_claim_one(settings):
    settings.SEAL_PKCS12_FILE = ""
    from victimsupport.sampleletter import sample_letter_pdf as render

    pdf = render("et")
    assert not check_seal(pdf).sealed and archival_format(pdf) == "PDF/A-2b"
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Proovikiri" in text and "e-templiga" not in text


def test_production_does_not_start_without_a_seal():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SEAL_", "DJANGO_", "PYTEST"))}
    env |= {"IGNORE_DEV_ENV": "1", "SECRET_KEY": "x" * 50, "DATABASE_URL": "postgresql://x@localhost/x"}
    env |= {
        "REDIS_URL": "redis://localhost:6379/0",
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "victimsupport.settings",
    }
    code = "import django; django.setup()"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "must name readable files" in result.stderr
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env | {"SEAL_REQUIRED": "false"}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_no_private_key_or_seal_in_the_repository():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert not [name for name in files if name.endswith((".p12", ".pfx", ".key"))]
    for name in files:
        path = ROOT / name
        if path.suffix in {".py", ".pem", ".txt", ".md", ".yml", ".env", ""} and path.is_file():
            assert not re.search(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----", path.read_bytes()), name


@pytest.fixture
def timestamp_service(tmp_path):
    """An RFC 3161 timestamp service over HTTP (pyHanko's test TSA answering real requests), with a CA of
    its own; returns its URL and that CA's PEM file."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from asn1crypto import keys, tsp
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID
    from pyhanko.sign.timestamps import DummyTimeStamper

    TIME_STAMPING = ExtendedKeyUsageOID.TIME_STAMPING

    # pyHanko's test TSA signs with RSA only.
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), rsa.generate_private_key(65537, 2048)
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    ca = ca_certificate(ca_key, [(NameOID.COMMON_NAME, "Test TSA CA")], not_after=until)
    tsa = issued_certificate(
        ca, ca_key, key, [(NameOID.COMMON_NAME, "Test TSA")], not_after=until, extended_usage=[TIME_STAMPING]
    )
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ca_file = tmp_path / "tsa-ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    yield f"http://127.0.0.1:{server.server_port}/", str(ca_file)
    server.shutdown()


def test_with_a_timestamp_service_the_seal_is_pades_b_t(settings, timestamp_service, tmp_path):
    url, tsa_ca = timestamp_service
    settings.SEAL_TIMESTAMP_URL = url
    pdf = sample_letter_pdf("et")
    # A timestamp counts only from a service whose CA is trusted for timestamps.
    untrusted = check_seal(pdf)
    assert untrusted.valid and not untrusted.timestamped and "timestamp is not trusted" in untrusted.problem
    settings.SEAL_TIMESTAMP_TRUST_ROOTS = [tsa_ca]
    check = check_seal(pdf)
    assert check.valid and check.timestamped and check.level == "PAdES B-T"
    assert "Signature is Valid." in pdfsig(tmp_path, pdf)


def test_a_seal_of_someone_else_from_a_trusted_ca_is_not_the_agencys(settings, tmp_path, sealed):
    """Public CAs seal for everyone: only the agency's own certificate makes a letter ours."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    ca_file, p12_file = seal_files(tmp_path, "Avalik CA", "Sotsiaalkindlustusamet", dt.timedelta(days=9))
    settings.SEAL_TRUST_ROOTS = [*settings.SEAL_TRUST_ROOTS, ca_file]
    ours = settings.SEAL_PKCS12_FILE
    settings.SEAL_PKCS12_FILE = ""
    unsealed = sample_letter_pdf("et")
    settings.SEAL_PKCS12_FILE = ours
    signer = signers.SimpleSigner.load_pkcs12(p12_file)
    metadata = signers.PdfSignatureMetadata(field_name="Seal", subfilter=fields.SigSeedSubFilter.PADES)
    writer = IncrementalPdfFileWriter(io.BytesIO(unsealed))
    forged = run_pyhanko(signers.async_sign_pdf(writer, metadata, signer=signer)).getvalue()
    check = check_seal(forged)
    assert check.intact and check.trusted and not check.own and not check.valid
    assert check_seal(sealed).own  # ours still is


def test_sealing_and_checking_work_where_an_event_loop_runs():
    """pyHanko's own helpers refuse to run inside a running loop (browser tests leave one, so may a worker)."""
    import asyncio

    async def inside() -> bool:
        return check_seal(sample_letter_pdf("et")).valid

    try:
        asyncio.get_running_loop()  # a browser test of this run left one: this very call is the case
    except RuntimeError:
        assert asyncio.run(inside())
    else:
        assert check_seal(sample_letter_pdf("et")).valid


def test_a_timestamped_seal_outlives_its_certificate(settings, timestamp_service, tmp_path):
    """A seal certificate expires after some years; letters sealed with a trusted timestamp before that
    stay valid (judged at the timestamp's time), ones without a timestamp no longer are."""
    import time

    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=6)
    ca_file, p12_file = seal_files(tmp_path, "Lühiajaline CA", "Sotsiaalkindlustusamet (lühike)", expires)
    url, tsa_ca = timestamp_service
    settings.SEAL_PKCS12_FILE, settings.SEAL_PKCS12_PASSWORD = p12_file, ""
    settings.SEAL_TRUST_ROOTS = [ca_file]
    settings.SEAL_TIMESTAMP_TRUST_ROOTS = [tsa_ca]
    plain = sample_letter_pdf("et")
    settings.SEAL_TIMESTAMP_URL = url
    stamped = sample_letter_pdf("et")
    assert check_seal(plain).valid and check_seal(stamped).valid
    time.sleep(max(0.0, (expires - dt.datetime.now(dt.UTC)).total_seconds()) + 1)
    later = check_seal(stamped)
    assert later.valid and "expired since" in later.problem
    assert not check_seal(plain).valid  # no proof of when it was sealed
