"""Electronic signatures in approval files, validated with pyHanko (issue 8).

For every signature field of a PDF: are the signed bytes intact, does the signature cover the whole
file or were revisions added (and were those changes allowed: form filling, further signatures), who
signed (certificate subject, issuer, serial, validity), when (claimed time, timestamp token), and is
the chain trusted: only against the trust roots given (never the system's list). With no root
configured, trust is 'not_verified', never valid. A signer certificate that has expired since is
validated again at the time of a valid timestamp token (valid at the time of signing).
Revocation information embedded in the file (DSS, Adobe archival attribute) is used; nothing is
fetched. Also: text that claims an e-signature in a file that carries none, and a scan that shows
a foreign QR code (a printed e-signed document: a person must check the QR). Never raises.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import replace
from pathlib import Path

from ..model import ESignFile, SignatureInfo

for _name in (
    "pyhanko",
    "pyhanko_certvalidator",
):  # their warnings are our findings, not stderr noise
    logging.getLogger(_name).addHandler(logging.NullHandler())

#: Wording of an e-signature claim in Indonesian documents (the BSrE/BSSN footer) and in English.
CLAIM_PATTERNS = (
    r"ditandatangani\s+secara\s+elektronik",
    r"tanda\s*tangan\s+elektronik",
    r"sertifikat\s+elektronik\s+yang\s+diterbitkan",
    r"balai\s+(?:besar\s+)?sertifikasi\s+elektronik",
    r"\bBSrE\b",
    r"signed\s+electronically",
    r"digitally\s+signed",
)
_CLAIM = re.compile("|".join(f"(?:{p})" for p in CLAIM_PATTERNS), re.IGNORECASE)
_IMAGE_EXT = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".heic", ".heif"}


def load_cert(data: bytes):
    """An asn1crypto certificate from PEM or DER bytes; ValueError when it is neither."""
    from asn1crypto import pem
    from asn1crypto import x509 as ax509

    try:
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        cert = ax509.Certificate.load(data)
        cert.native  # noqa: B018 - parse it all now, not later
        return cert
    except Exception as e:
        raise ValueError(f"not a PEM or DER X.509 certificate ({type(e).__name__}: {e})") from e


def claims_in(text: str) -> tuple[str, ...]:
    """The e-signature claims found in ``text``, as written (deduplicated, in order)."""
    seen: list[str] = []
    for m in _CLAIM.finditer(text):
        s = " ".join(m.group(0).split())
        if s.lower() not in (x.lower() for x in seen):
            seen.append(s)
    return tuple(seen)


def _subject_attr(name, key: str) -> str | None:
    v = name.native.get(key)
    if isinstance(v, list):
        v = v[0] if v else None
    return str(v) if v else None


def _revinfo(reader, emb) -> tuple[list, list, str | None]:
    """CRLs and OCSP responses embedded in the file (DSS and the signature's Adobe attribute)."""
    from asn1crypto import crl as acrl
    from asn1crypto import ocsp as aocsp
    from pyhanko.pdf_utils.decode_limits import DecodePurpose
    from pyhanko.sign.general import find_unique_cms_attribute
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError

    crls, ocsps, where = [], [], []
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        crls += [acrl.CertificateList.load(r.get_object().read_data(DecodePurpose.CRL))
                 for r in dss.crls]  # fmt: skip
        ocsps += [aocsp.OCSPResponse.load(r.get_object().read_data(DecodePurpose.OCSP_RESPONSE))
                  for r in dss.ocsps]  # fmt: skip
        if crls or ocsps:
            where.append(f"DSS: {len(crls)} CRL, {len(ocsps)} OCSP")
    except NoDSSFoundError:
        pass
    try:
        arch = find_unique_cms_attribute(
            emb.signer_info["signed_attrs"], "adobe_revocation_info_archival"
        )
        c, o = list(arch["crl"] or ()), list(arch["ocsp"] or ())
        crls += c
        ocsps += o
        if c or o:
            where.append(f"signature attribute: {len(c)} CRL, {len(o)} OCSP")
    except (KeyError, ValueError):  # none, or several (malformed): not used
        pass
    return crls, ocsps, "; ".join(where) or None


def _context(roots, emb, crls, ocsps, moment=None):
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=list(roots), other_certs=list(emb.other_embedded_certs), crls=crls,
        ocsps=ocsps, moment=moment, allow_fetching=False, revocation_mode="soft-fail",
    )  # fmt: skip


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    if t is None:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def validate_signature(reader, emb, file: str, roots: tuple) -> SignatureInfo:
    """One filled signature field validated with pyHanko against ``roots`` (asn1crypto certs)."""
    from pyhanko.sign.validation import validate_pdf_signature

    crls, ocsps, revocation = _revinfo(reader, emb)
    st = validate_pdf_signature(emb, _context(roots, emb, crls, ocsps))
    cert = st.signing_cert
    validity = cert["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    ts = st.timestamp_validity
    ts_time = _aware(ts.timestamp) if ts is not None else None
    ts_ok = None if ts is None else bool(ts.intact and ts.valid)
    reasons: list[str] = []
    at_ts = False
    indic = st.trust_problem_indic.name if st.trust_problem_indic else None
    if not roots:
        trust = "not_verified"
    elif st.trusted:
        trust = "trusted"
    elif st.revoked:
        trust = "revoked"
        reasons.append(f"certificate revoked on {st.revocation_details.revocation_date:%Y-%m-%d}")
    elif indic == "OUT_OF_BOUNDS_NO_POE":
        trust = "expired"
        if ts_ok and ts.trusted and ts_time and not_before <= ts_time <= not_after:
            again = validate_pdf_signature(
                emb, _context(roots, emb, crls, ocsps, moment=ts_time), skip_diff=True
            )
            if again.trusted:
                trust, at_ts, st_path = "trusted", True, again.validation_path
                st = replace(st, validation_path=st_path, trust_problem_indic=None)
        if trust == "expired":
            why = (
                "no valid timestamp proves it was signed before"
                if not ts_ok
                else ("the timestamp is not trusted or not within the certificate's validity")
            )
            reasons.append(f"signer certificate expired on {not_after:%Y-%m-%d}; {why}")
    else:
        trust = "untrusted"
        reasons.append(f"no chain to a configured trust root ({indic})")
    if not st.intact:
        reasons.append("signed bytes changed: the digest does not match")
    elif not st.valid:
        reasons.append("the signature value does not verify")
    if ts is not None and not ts_ok:
        reasons.append("the timestamp token is not intact or not valid")
    coverage = st.coverage.name.lower() if st.coverage else None
    level = st.modification_level
    modification = level.name.lower() if level is not None else None
    if coverage in ("unclear", "contiguous_block_from_start"):
        reasons.append("the signature does not cover its whole revision")
    if modification == "other" or st.docmdp_ok is False:
        reasons.append("content changed after signing (an incremental update that is not form "
                       "filling or a further signature)")  # fmt: skip
    if st.seed_value_constraint_error is not None:
        reasons.append(f"seed value constraints: {st.seed_value_constraint_error}")
    if reasons:
        status = "invalid"
    else:
        status = "valid" if trust == "trusted" else "not_verified"
        if status == "not_verified":
            reasons.append("no trust root configured: the certificate chain was not verified")
    anchor = None
    if st.trusted and st.validation_path is not None:
        anchor = st.validation_path.trust_anchor.authority.name.human_friendly
    subject = cert.subject
    return SignatureInfo(
        file=file, field=emb.field_name, status=status, reasons=tuple(reasons), intact=bool(st.intact and st.valid),
        coverage=coverage, modification=modification, signer=subject.human_friendly,
        signer_name=_subject_attr(subject, "common_name"), signer_nip=_subject_attr(subject, "serial_number"),
        signer_title=_subject_attr(subject, "title"), issuer=cert.issuer.human_friendly,
        serial=format(cert.serial_number, "x"), not_before=not_before, not_after=not_after,
        claimed_time=_aware(st.signer_reported_dt), timestamp_time=ts_time, timestamp_ok=ts_ok,
        trust=trust, trust_detail=None if trust in ("trusted", "not_verified") else indic,
        trust_anchor=anchor, validated_at_timestamp=at_ts, revocation=revocation,
    )  # fmt: skip


def _signatures(data: bytes, file: str, roots: tuple) -> tuple[SignatureInfo, ...]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    out: list[tuple[int, SignatureInfo]] = []
    for name, value, field_ref in enumerate_sig_fields(reader):
        if value is None:
            out.append((10**9, SignatureInfo(file=file, field=name, status="empty",
                                             reasons=("signature field never signed",))))  # fmt: skip
            continue
        try:
            emb = EmbeddedPdfSignature(reader, field_ref, name)
            order = emb.signed_revision
        except Exception as e:
            why = f"pyHanko cannot parse the signature: {type(e).__name__}: {e}".strip()
            out.append(
                (10**8, SignatureInfo(file=file, field=name, status="unparseable", reasons=(why,)))
            )
            continue
        try:
            info = validate_signature(reader, emb, file, roots)
        except Exception as e:
            why = f"validation failed: {type(e).__name__}: {e}".strip()
            info = SignatureInfo(file=file, field=name, status="unparseable", reasons=(why,))
        out.append((order, info))
    return tuple(i for _, i in sorted(out, key=lambda x: x[0]))


def _foreign_qr(images) -> tuple[str, ...]:
    import zxingcpp

    from ..template import parse_qr

    found = []
    for img in images:
        # QR codes only are asked for: the search for every format costs about 60 ms on an A4
        # scan at 300 dpi, the QR reader alone 9 ms, and only QR codes were ever kept
        for r in zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode):
            if r.format == zxingcpp.BarcodeFormat.QRCode and parse_qr(r.text) is None:
                found.append(r.text[:200])
    return tuple(found)


def read_esign(path: Path, rel: str, roots: tuple = (), pack=None) -> ESignFile:
    """What ``path`` shows about electronic signatures. ``roots``: trust roots (asn1crypto certs).

    ``pack`` (its roles) lets a signer be mapped to a role by the text printed under the role's label.
    """
    try:
        if path.suffix.lower() in _IMAGE_EXT:
            from PIL import Image

            with Image.open(path) as img:
                if img.format == "JPEG" and img.mode in ("RGB", "YCbCr"):
                    img.draft("L", img.size)  # the luma alone: a QR code needs no colour
                img.load()
                return ESignFile(file=rel, scanned=True, foreign_qr=_foreign_qr([img.convert("L")]))
        data = path.read_bytes()
        text, images = _pdf_text(data)
        sigs = _signatures(data, rel, tuple(roots)) if b"/FT" in data or b"/Sig" in data else ()
        if sigs and pack is not None:
            from .esign_roles import map_roles

            sigs = map_roles(path, sigs, pack)
        scanned = not text.strip()
        qr = _foreign_qr(images) if scanned and not sigs else ()
        return ESignFile(file=rel, signatures=sigs, claims=claims_in(text), foreign_qr=qr,
                         scanned=scanned)  # fmt: skip
    except Exception as e:
        return ESignFile(file=rel, error=f"{type(e).__name__}: {e}")


def _pdf_text(data: bytes):
    """(text layer of all pages, page images when there is no text layer)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    images = []
    if not text.strip():
        import pypdfium2

        doc = pypdfium2.PdfDocument(data)
        try:
            for i in range(min(len(doc), 4)):
                images.append(doc[i].render(scale=200 / 72).to_pil().convert("L"))
        finally:
            doc.close()
    return text, images
