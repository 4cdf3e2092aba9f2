"""A small test PKI and PDF signing with pyHanko, for the sample batch and the tests.

Root CA -> intermediate CA -> signer certificates (an official's name, NIP and title in the subject),
plus a timestamp authority. Everything is deterministic: RSA keys are derived from a seed (primes
found by a seeded Miller-Rabin search), serial numbers come from the seed, RSA PKCS#1 v1.5
signatures are deterministic, and ``sign_pdf`` fixes the signing time and the PDF's /ID, so the
sample batch is byte-identical on every run. Never use these keys for anything real.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from dataclasses import dataclass
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = dt.UTC
_SMALL_PRIMES = (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73)


def _probable_prime(n: int, rng: random.Random, rounds: int = 32) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return False
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(rng: random.Random, bits: int, e: int) -> int:
    while True:
        c = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if (c - 1) % e and _probable_prime(c, rng, 1) and _probable_prime(c, rng):
            return c


@cache
def rsa_key(seed: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    """A deterministic RSA key for ``seed`` (test use only)."""
    rng = random.Random(hashlib.sha256(seed.encode()).digest())
    e = 65537
    while True:
        p, q = _prime(rng, bits // 2, e), _prime(rng, bits // 2, e)
        if p != q:
            break
    p, q = max(p, q), min(p, q)
    d = pow(e, -1, (p - 1) * (q - 1))
    pub = rsa.RSAPublicNumbers(e, p * q)
    numbers = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), pub)
    return numbers.private_key()


@dataclass(frozen=True, kw_only=True)
class Identity:
    """A certificate and its private key."""

    cert: x509.Certificate
    """The certificate (cryptography)."""
    key: rsa.RSAPrivateKey
    """Its private key."""

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def asn1(self):
        from asn1crypto import x509 as ax509

        return ax509.Certificate.load(self.der)

    def asn1_key(self):
        from asn1crypto import keys as akeys

        der = self.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return akeys.PrivateKeyInfo.load(der)


def _name(
    cn: str, *, org: str = "", unit: str = "", serial: str = "", title: str = ""
) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    if title:
        attrs.append(x509.NameAttribute(NameOID.TITLE, title))
    if serial:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def issue(
    seed: str,
    subject: x509.Name,
    *,
    issuer: Identity | None,
    not_before: dt.datetime,
    not_after: dt.datetime,
    kind: str,
) -> Identity:
    """A certificate for ``subject``; ``issuer`` None makes it self-signed.

    ``kind``: 'ca' (may sign certificates), 'signer' (non-repudiation, for document signatures)
    or 'tsa' (time stamping).
    """
    key = rsa_key(seed)
    serial = int.from_bytes(hashlib.sha256(("serial:" + seed).encode()).digest()[:16], "big") >> 1
    signing_key = issuer.key if issuer else key
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    ca = kind == "ca"
    b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    b = b.add_extension(
        x509.KeyUsage(
            digital_signature=not ca, content_commitment=kind == "signer", key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
            encipher_only=False, decipher_only=False,
        ),
        critical=True,
    )  # fmt: skip
    if kind == "tsa":
        b = b.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return Identity(cert=b.sign(signing_key, hashes.SHA256()), key=key)


def _t(year: int, month: int = 1, day: int = 1) -> dt.datetime:
    return dt.datetime(year, month, day, tzinfo=UTC)


@dataclass(frozen=True, kw_only=True)
class TestPKI:
    """A root CA, an intermediate CA and a timestamp authority, all from one seed."""

    __test__ = False  # not a pytest class
    seed: str
    root: Identity
    intermediate: Identity
    tsa: Identity

    def signer(
        self,
        name: str,
        *,
        nip: str = "",
        title: str = "",
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
    ) -> Identity:
        """A signer certificate issued by the intermediate (valid 2024-2044 unless told)."""
        subject = _name(name, org="Pemerintah Kabupaten Lamandau", unit="Diskominfo", serial=nip,
                        title=title)  # fmt: skip
        return issue(
            f"{self.seed}/signer/{name}/{nip}/{title}/{not_before}/{not_after}",
            subject,
            issuer=self.intermediate,
            not_before=not_before or _t(2024),
            not_after=not_after or _t(2044),
            kind="signer",
        )


@cache
def test_pki(
    seed: str = "sopcheck-sample", org: str = "Balai Sertifikasi Elektronik Uji"
) -> TestPKI:
    """The PKI for ``seed``: every key and certificate the same on every run."""
    root = issue(
        f"{seed}/root", _name(f"{org} Root CA", org=org), issuer=None,
        not_before=_t(2020), not_after=_t(2050), kind="ca",
    )  # fmt: skip
    inter = issue(
        f"{seed}/intermediate", _name(f"{org} Intermediate CA", org=org), issuer=root,
        not_before=_t(2020), not_after=_t(2048), kind="ca",
    )  # fmt: skip
    tsa = issue(
        f"{seed}/tsa", _name(f"{org} Time Stamping Authority", org=org), issuer=inter,
        not_before=_t(2020), not_after=_t(2046), kind="tsa",
    )  # fmt: skip
    return TestPKI(seed=seed, root=root, intermediate=inter, tsa=tsa)


# ------------------------------------------------------------------------------ signing PDFs


def _pinned_signer_class():
    from pyhanko.sign import signers

    class PinnedTimeSigner(signers.PdfSigner):
        """A PdfSigner whose signing time (CMS signingTime and /M) is fixed, not the clock."""

        system_time: dt.datetime | None = None

        def init_signing_session(self, pdf_out, existing_fields_only=False):
            session = super().init_signing_session(pdf_out, existing_fields_only)
            if self.system_time is not None:
                session.system_time = self.system_time
            return session

    return PinnedTimeSigner


def _pinned_tsa_class():
    from asn1crypto import tsp
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    class PinnedTimeStamper(DummyTimeStamper):
        """pyHanko's offline test TSA with a serial number derived from the request, not random."""

        def _build_tst_info(self, message_imprint, dt, req):
            info = super()._build_tst_info(message_imprint, dt, req)
            digest = hashlib.sha256(message_imprint.dump()).digest()
            fields = {k: info[k] for k in info if info[k].native is not None}
            fields["serial_number"] = int.from_bytes(digest[:8], "big")
            return tsp.TSTInfo(fields)

    return PinnedTimeStamper


_FIXED_MOD_DATE = dt.datetime(2024, 1, 1, tzinfo=UTC)


def _writer(data: bytes, when: dt.datetime | None = None):
    """An incremental writer whose /ID and /Info ModDate are fixed (pyHanko: random and the clock)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    stamp = when or _FIXED_MOD_DATE

    class PinnedWriter(IncrementalPdfFileWriter):
        def _update_meta(self):
            super()._update_meta()
            if self._info is not None:
                info = self._info.get_object()
                if "/ModDate" in info:
                    info["/ModDate"] = generic.pdf_date(stamp)

    w = PinnedWriter(io.BytesIO(data))
    digest = hashlib.sha256(data).digest()
    w._document_id = generic.ArrayObject(
        [generic.ByteStringObject(digest[:16]), generic.ByteStringObject(digest[16:32])]
    )
    return w


def sign_pdf(
    data: bytes,
    signer: Identity,
    pki: TestPKI,
    *,
    field: str = "Signature1",
    signing_time: dt.datetime,
    timestamp_time: dt.datetime | None = None,
    reason: str | None = None,
) -> bytes:
    """``data`` signed by ``signer`` in a new or existing (empty) field, as an incremental update.

    ``signing_time`` is the claimed time; ``timestamp_time`` adds an RFC 3161 signature timestamp
    token from the PKI's TSA (pyHanko's offline DummyTimeStamper) at that time.
    """
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    chain = SimpleCertificateStore.from_certs([pki.intermediate.asn1(), pki.root.asn1()])
    simple = signers.SimpleSigner(
        signing_cert=signer.asn1(), signing_key=signer.asn1_key(), cert_registry=chain
    )
    tsa = None
    if timestamp_time is not None:
        tsa = _pinned_tsa_class()(
            tsa_cert=pki.tsa.asn1(), tsa_key=pki.tsa.asn1_key(), fixed_dt=timestamp_time,
            include_nonce=False, certs_to_embed=SimpleCertificateStore.from_certs(
                [pki.intermediate.asn1()]),
        )  # fmt: skip
    meta = signers.PdfSignatureMetadata(field_name=field, reason=reason, md_algorithm="sha256")
    pdf_signer = _pinned_signer_class()(meta, signer=simple, timestamper=tsa)
    pdf_signer.system_time = signing_time
    out = pdf_signer.sign_pdf(_writer(data, signing_time))
    return out.getvalue()


def add_signature_field(data: bytes, name: str) -> bytes:
    """``data`` with an empty signature field ``name`` added (an incremental update)."""
    from pyhanko.sign import fields

    w = _writer(data)
    fields.append_signature_field(w, fields.SigFieldSpec(sig_field_name=name, box=(350, 60, 550, 110), on_page=0))  # fmt: skip
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def append_page_text(data: bytes, text: str) -> bytes:
    """``data`` with ``text`` drawn on page 1 in an incremental update: content changed after signing."""
    from pyhanko.pdf_utils import generic

    w = _writer(data)
    font = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
        }
    )
    resources = generic.DictionaryObject(
        {
            generic.pdf_name("/Font"): generic.DictionaryObject(
                {generic.pdf_name("/FTamper"): w.add_object(font)}
            )
        }
    )
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = generic.StreamObject(
        stream_data=f"BT /FTamper 14 Tf 72 40 Td ({safe}) Tj ET".encode("latin-1")
    )
    w.add_stream_to_page(0, w.add_object(stream), resources=resources)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()
