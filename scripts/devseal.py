"""A local test CA and an e-seal certificate for development and tests, under .dev/seal/, made once with
`cryptography` (no network, nothing in the repository): letters are sealed offline exactly as in
production, and checked against this CA. Production's seal comes from SEAL_PKCS12_FILE."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

SUBJECT = [
    (NameOID.COUNTRY_NAME, "EE"),
    (NameOID.ORGANIZATION_NAME, "Sotsiaalkindlustusamet"),
    (NameOID.ORGANIZATION_IDENTIFIER, "NTREE-70001975"),
    (NameOID.COMMON_NAME, "Sotsiaalkindlustusamet (arenduse e-tempel)"),
]
CA_SUBJECT = [(NameOID.COUNTRY_NAME, "EE"), (NameOID.COMMON_NAME, "Ohvriabi arenduse test-CA")]


def _name(parts) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in parts])


def _usage(**allowed) -> x509.KeyUsage:
    names = [
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    ]
    return x509.KeyUsage(**{name: allowed.get(name, False) for name in names})


def ca_certificate(key, subject, *, not_after: dt.datetime) -> x509.Certificate:
    """A self-signed CA certificate (`subject`: (OID, value) pairs)."""
    name = _name(subject)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def issued_certificate(ca, ca_key, key, subject, *, not_after: dt.datetime, extended_usage=None) -> x509.Certificate:
    """A certificate `ca` issues for signing (a seal; with `extended_usage`, e.g. a timestamp service)."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    if extended_usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended_usage), critical=True)
    return builder.sign(ca_key, hashes.SHA256())


def pkcs12_bytes(key, certificate, ca, password: str = "") -> bytes:
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    return pkcs12.serialize_key_and_certificates(b"seal", key, certificate, [ca], encryption)


def make_seal(directory: Path, *, days: int = 3650) -> dict[str, str]:
    """Write ca.pem, seal.p12 and its password (once; kept afterwards). Returns the settings to use."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    ca_file, p12_file, password_file = directory / "ca.pem", directory / "seal.p12", directory / "password"
    if not (ca_file.exists() and p12_file.exists() and password_file.exists() and (directory / "rsa").exists()):
        now = dt.datetime.now(dt.UTC)
        # The seal is RSA like the agency's (an EC seal makes pyHanko mark the file PDF 2.0, not PDF/A-2).
        ca_key, key = ec.generate_private_key(ec.SECP256R1()), rsa.generate_private_key(65537, 3072)
        ca = ca_certificate(ca_key, CA_SUBJECT, not_after=now + dt.timedelta(days=days))
        seal = issued_certificate(ca, ca_key, key, SUBJECT, not_after=now + dt.timedelta(days=days - 1))
        password = secrets.token_urlsafe(24)
        ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        p12_file.write_bytes(pkcs12_bytes(key, seal, ca, password))
        password_file.write_text(password)
        (directory / "rsa").write_text("the seal's key is RSA (older test seals were EC and are made again)\n")
        for path in (p12_file, password_file):
            path.chmod(0o600)
    return {
        "SEAL_PKCS12_FILE": str(p12_file),
        "SEAL_PKCS12_PASSWORD_FILE": str(password_file),
        "SEAL_TRUST_ROOTS": str(ca_file),
    }
