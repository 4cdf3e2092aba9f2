"""Born-digital approval PDFs, to be signed electronically (the sample batch and the tests).

``approval_pdf`` draws a one-page *Lembar Verifikasi dan Persetujuan* with a text layer: the
package, the caption, and per role its label, decision, date, name and NIP, and optionally the BSrE
footer wording. ``esigned_approval`` signs it with the test PKI (``sopcheck.pki``), one signature
per signing role, each in its own incremental revision. Deterministic: reportlab's invariant mode,
fixed signing times, deterministic keys.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

BSRE_FOOTER = (
    "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik "
    "yang diterbitkan oleh Balai Besar Sertifikasi Elektronik (BSrE), Badan Siber dan Sandi Negara."
)


@dataclass(frozen=True, kw_only=True)
class Official:
    """A role's holder as printed on the sheet and named in the certificate."""

    role_label: str
    """The role's label as printed, e.g. 'Atasan PPID Pelaksana'."""
    name: str
    nip: str
    decision: str = "Setuju"
    date: dt.date | None = None


def approval_pdf(
    *,
    package: str,
    activity: str,
    caption: str,
    officials: Sequence[Official],
    office: str = "Pemerintah Kabupaten Lamandau",
    footer: str | None = BSRE_FOOTER,
) -> bytes:
    """The unsigned sheet as PDF bytes (A4, text layer)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=0)
    pdf.setTitle("Lembar Verifikasi dan Persetujuan")
    pdf.setCreator("sopcheck.esigngen")
    w, h = A4
    y = h - 60
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawCentredString(w / 2, y, office.upper())
    y -= 20
    pdf.drawCentredString(w / 2, y, "LEMBAR VERIFIKASI DAN PERSETUJUAN KONTEN MEDIA SOSIAL")
    pdf.setFont("Helvetica", 10)
    y -= 34
    for label, value in (("Paket", package), ("Kegiatan", activity)):
        pdf.drawString(60, y, f"{label}: {value}")
        y -= 16
    pdf.drawString(60, y, "Caption:")
    y -= 14
    for line in textwrap.wrap(caption, 95):
        pdf.drawString(72, y, line)
        y -= 13
    y -= 30
    col = (w - 120) / max(1, len(officials))
    top = y
    for i, o in enumerate(officials):
        x = 60 + i * col + 6
        y = top
        pdf.setFont("Helvetica-Bold", 9)
        for part in textwrap.wrap(o.role_label, 26):
            pdf.drawString(x, y, part)
            y -= 12
        pdf.setFont("Helvetica", 9)
        pdf.drawString(x, y - 4, f"Keputusan: {o.decision}")
        if o.date:
            pdf.drawString(x, y - 18, f"Tanggal: {o.date:%d-%m-%Y}")
        pdf.drawString(x, y - 100, o.name)
        pdf.drawString(x, y - 112, f"NIP {o.nip}")
    if footer:
        pdf.setFont("Helvetica-Oblique", 7)
        for j, line in enumerate(textwrap.wrap(footer, 120)):
            pdf.drawString(60, 50 - 9 * j, line)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def esigned_approval(
    unsigned: bytes,
    signers: Sequence[tuple[Official, dt.datetime]],
    *,
    pki=None,
    timestamp: bool = False,
) -> bytes:
    """``unsigned`` signed by each official at the given time (with a TSA token when asked)."""
    from . import pki as pkimod

    p = pki or pkimod.test_pki()
    data = unsigned
    for n, (o, when) in enumerate(signers, 1):
        ident = p.signer(o.name, nip=o.nip, title=o.role_label)
        data = pkimod.sign_pdf(data, ident, p, field=f"TTE{n}", signing_time=when,
                               timestamp_time=when + dt.timedelta(minutes=1) if timestamp else None)  # fmt: skip
    return data
