"""Digital signatures (issue 8): approval PDFs signed here with pyHanko by a test PKI made here
(sopcheck.pki: root CA, intermediate, signers, TSA), then validated by sopcheck.extract.esign and
judged by PST-02, PST-04 and WKT-03..05 through the whole pipeline."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path

import pytest
import yaml
from builders import AS_OF, DEFAULT_PACK, default_pack, make_package, run

from sopcheck import esigngen, pki
from sopcheck.cli import main
from sopcheck.errors import RulePackError
from sopcheck.extract.esign import claims_in, load_cert, read_esign
from sopcheck.rulepack import load_rulepack

UTC = dt.UTC
SIGNED_AT = dt.datetime(2024, 3, 13, 2, 0, tzinfo=UTC)  # 09:00 WIB, the day after the activity
ATASAN = esigngen.Official(role_label="Atasan PPID Pelaksana", name="Budi Santoso",
                           nip="198305142013121002", date=dt.date(2024, 3, 13))  # fmt: skip
KETUA = esigngen.Official(role_label="Ketua PPID Pelaksana", name="Siti Aminah",
                          nip="197901012005012001", date=dt.date(2024, 3, 13))  # fmt: skip
TIM = esigngen.Official(role_label="Tim Pertimbangan Pelayanan Informasi", name="Rina Wulandari",
                        nip="198801012010012001", date=dt.date(2024, 3, 13))  # fmt: skip


@pytest.fixture(scope="module")
def ca() -> pki.TestPKI:
    return pki.test_pki("tests-esign")


@pytest.fixture(scope="module")
def sheet() -> bytes:
    return esigngen.approval_pdf(package="2024-03-12-musrenbang-bulik", activity="Musrenbang",
                                 caption="Musrenbang Kecamatan Bulik", officials=[TIM, KETUA, ATASAN])  # fmt: skip


def _sign(ca, data, official=ATASAN, *, field="TTE1", ts=False, **cert):
    ident = ca.signer(official.name, nip=official.nip, title=official.role_label, **cert)
    ts_time = SIGNED_AT + dt.timedelta(minutes=1) if ts else None
    return pki.sign_pdf(
        data, ident, ca, field=field, signing_time=SIGNED_AT, timestamp_time=ts_time
    )


def _read(tmp_path: Path, data: bytes, roots=(), name="persetujuan.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return read_esign(path, name, tuple(load_cert(r.pem) for r in roots), default_pack())


def test_valid_and_trusted(tmp_path, ca, sheet):
    f = _read(tmp_path, _sign(ca, sheet, ts=True), roots=[ca.root])
    (s,) = f.signatures
    assert (s.status, s.trust, s.intact, s.coverage, s.modification) == (
        "valid", "trusted", True, "entire_file", "none")  # fmt: skip
    assert s.signer_name == "Budi Santoso" and s.signer_nip == ATASAN.nip
    assert "Intermediate CA" in s.issuer and "Root CA" in s.trust_anchor
    assert s.claimed_time == SIGNED_AT and s.timestamp_time == SIGNED_AT + dt.timedelta(minutes=1)
    assert s.signing_time == (s.timestamp_time, "timestamp token")
    assert (s.role, s.role_source) == ("atasan_ppid_pelaksana", "NIP on the sheet")
    assert s.not_before.year == 2024 and s.not_after.year == 2044 and s.serial


def test_no_trust_root_is_never_valid(tmp_path, ca, sheet):
    (s,) = _read(tmp_path, _sign(ca, sheet)).signatures
    assert (s.status, s.trust, s.intact) == ("not_verified", "not_verified", True)
    assert any("no trust root" in r for r in s.reasons)
    assert s.signing_time == (SIGNED_AT, "claimed signing time")


@pytest.mark.parametrize(
    ("org", "detail"),
    [
        ("Other Root Authority", "NO_CERTIFICATE_CHAIN_FOUND"),
        # an impostor root with the very same name: the chain is built, its signature fails
        ("Balai Sertifikasi Elektronik Uji", "CERTIFICATE_CHAIN_GENERAL_FAILURE"),
    ],
)
def test_wrong_trust_root(tmp_path, ca, sheet, org, detail):
    other = pki.test_pki("tests-esign-other", org=org)
    (s,) = _read(tmp_path, _sign(ca, sheet), roots=[other.root]).signatures
    assert (s.status, s.trust, s.trust_detail) == ("invalid", "untrusted", detail)


def test_content_changed_after_signing(tmp_path, ca, sheet):
    tampered = pki.append_page_text(_sign(ca, sheet), "Keputusan: Tolak")
    (s,) = _read(tmp_path, tampered, roots=[ca.root]).signatures
    assert s.intact, "the signed revision itself is intact..."
    assert (s.status, s.coverage, s.modification) == ("invalid", "entire_revision", "other")
    assert any("content changed after signing" in r for r in s.reasons)


def test_bytes_changed_inside_signed_range(tmp_path, ca, sheet):
    data = bytearray(_sign(ca, sheet))
    i = data.index(b"Musrenbang Kecamatan Bulik")
    data[i : i + 10] = b"Musrenbanx"
    (s,) = _read(tmp_path, bytes(data), roots=[ca.root]).signatures
    assert s.status == "invalid" and s.intact is False
    assert any("digest does not match" in r for r in s.reasons)


def test_second_signature_is_an_allowed_change(tmp_path, ca, sheet):
    first = _sign(ca, sheet, ATASAN, field="TTE1")
    both = _sign(ca, pki.add_signature_field(first, "TTE2"), KETUA, field="TTE2")
    s1, s2 = _read(tmp_path, both, roots=[ca.root]).signatures
    assert (s1.field, s1.status, s1.coverage, s1.modification) == (
        "TTE1", "valid", "entire_revision", "form_filling")  # fmt: skip
    assert (s2.field, s2.status, s2.coverage) == ("TTE2", "valid", "entire_file")
    assert (s1.role, s2.role) == ("atasan_ppid_pelaksana", "ketua_ppid_pelaksana")


EXPIRED = {"not_before": dt.datetime(2023, 1, 1, tzinfo=UTC), "not_after": dt.datetime(2024, 6, 30, tzinfo=UTC)}  # fmt: skip


def test_expired_signer_with_timestamp_is_valid_at_signing_time(tmp_path, ca, sheet):
    (s,) = _read(tmp_path, _sign(ca, sheet, ts=True, **EXPIRED), roots=[ca.root]).signatures
    assert (s.status, s.trust, s.validated_at_timestamp) == ("valid", "trusted", True)
    assert s.timestamp_ok and s.not_after.year == 2024


def test_expired_signer_without_timestamp_is_not_valid(tmp_path, ca, sheet):
    (s,) = _read(tmp_path, _sign(ca, sheet, **EXPIRED), roots=[ca.root]).signatures
    assert (s.status, s.trust) == ("invalid", "expired")
    assert any("expired on 2024-06-30" in r and "no valid timestamp" in r for r in s.reasons)


def test_empty_signature_field(tmp_path, ca, sheet):
    f = _read(tmp_path, pki.add_signature_field(sheet, "TTE1"), roots=[ca.root])
    (s,) = f.signatures
    assert (s.field, s.status, s.reasons) == ("TTE1", "empty", ("signature field never signed",))


def test_unparseable_signature(tmp_path, ca, sheet):
    data = bytearray(_sign(ca, sheet))
    start = data.index(b"/Contents <") + len(b"/Contents <")
    data[start : start + 40] = b"0" * 40  # the CMS blob's header is gone
    (s,) = _read(tmp_path, bytes(data), roots=[ca.root]).signatures
    assert s.status == "unparseable" and "pyHanko cannot parse" in s.reasons[0]


def test_bsre_footer_without_signature(tmp_path, sheet):
    f = _read(tmp_path, sheet)
    assert f.signatures == () and not f.scanned
    assert "ditandatangani secara elektronik" in f.claims and "BSrE" in f.claims
    assert claims_in("Surat biasa tanpa tanda tangan.") == ()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_scanned_copy_with_qr(tmp_path, fmt):
    """A QR code on a scan is found; a colour JPEG is read from its luma alone."""
    import zxingcpp
    from PIL import Image

    qr = zxingcpp.create_barcode(
        "https://tte.example.go.id/verify/ABC123", zxingcpp.BarcodeFormat.QRCode
    )
    img = Image.new("RGB" if fmt == "JPEG" else "L", (600, 800), "white")
    img.paste(Image.fromarray(qr.to_image(scale=6)).convert(img.mode), (380, 560))
    if fmt == "JPEG":  # a blue stamp beside it: a colour scan
        img.paste((30, 60, 200), (40, 40, 200, 200))
    buf = io.BytesIO()
    img.save(buf, fmt, quality=85)
    name = "persetujuan." + ("jpg" if fmt == "JPEG" else "png")
    f = _read(tmp_path, buf.getvalue(), name=name)
    assert f.scanned and f.foreign_qr == ("https://tte.example.go.id/verify/ABC123",)


def test_results_pickle(tmp_path, ca, sheet):
    import pickle

    f = _read(tmp_path, _sign(ca, sheet, ts=True), roots=[ca.root])
    assert pickle.loads(pickle.dumps(f)) == f


# ------------------------------------------------------------------------- trust roots: pack, CLI


def _pack_with_roots(tmp_path: Path, roots: list[str]) -> Path:
    data = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    data["trust_roots"] = roots
    dest = tmp_path / "pack" / "pack.yaml"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest


def test_pack_trust_roots_load_relative_to_the_pack(tmp_path, ca):
    pack_file = _pack_with_roots(tmp_path, ["root.pem", "root.der"])
    (pack_file.parent / "root.pem").write_bytes(ca.root.pem)
    (pack_file.parent / "root.der").write_bytes(ca.root.der)
    pack = load_rulepack(pack_file)
    assert pack.trust_roots == (ca.root.der, ca.root.der)
    assert pack.trust_root_files[0].endswith("root.pem")


@pytest.mark.parametrize(
    ("content", "why"), [(None, "cannot read"), (b"not a certificate", "not a PEM or DER")]
)
def test_pack_trust_root_problems_name_the_key(tmp_path, content, why):
    pack_file = _pack_with_roots(tmp_path, ["bsre-root.pem"])
    if content is not None:
        (pack_file.parent / "bsre-root.pem").write_bytes(content)
    with pytest.raises(RulePackError) as e:
        load_rulepack(pack_file)
    assert (
        "trust_roots[0]" in str(e.value) and why in str(e.value) and "bsre-root.pem" in str(e.value)
    )


# ------------------------------------------------------------------------------ whole pipeline


def _package(tmp_path: Path, approval: bytes) -> Path:
    root = tmp_path / "batch"
    make_package(root, approval=False, extra_files={"persetujuan.pdf": approval})
    return root


def test_pipeline_valid_trusted(tmp_path, ca, sheet):
    (tmp_path / "root.pem").write_bytes(ca.root.pem)
    root = _package(tmp_path, _sign(ca, sheet, ts=True))
    f = run(root, read_sheets=True, trust=[tmp_path / "root.pem"], cache=False)
    assert f["PST-04"].status == "pass", f["PST-04"].message
    assert f["PST-02"].status == "pass" and "atasan_ppid_pelaksana" in f["PST-02"].params["signed"]
    wkt05 = f["WKT-05"]
    assert wkt05.status == "pass", wkt05.message
    assert any(e.source == "timestamp token" for e in wkt05.evidence), wkt05.evidence
    assert f["PST-01"].status == "pass"


def test_pipeline_no_trust_root_is_review(tmp_path, ca, sheet):
    root = _package(tmp_path, _sign(ca, sheet))
    f = run(root, read_sheets=True, cache=False)
    assert f["PST-04"].status == "review" and f["PST-04"].message_id == "pst04.not_verified"
    # the digital signature is intact but not verified: it does not count as the role's signature
    assert f["PST-02"].status == "review", f["PST-02"].message
    assert any(e.source == "claimed signing time" for e in f["WKT-05"].evidence)


def test_pipeline_tampered_fails(tmp_path, ca, sheet):
    (tmp_path / "root.pem").write_bytes(ca.root.pem)
    root = _package(tmp_path, pki.append_page_text(_sign(ca, sheet), "Keputusan: Tolak"))
    f = run(root, read_sheets=True, trust=[tmp_path / "root.pem"], cache=False)
    assert f["PST-04"].status == "fail" and "content changed after signing" in f["PST-04"].message
    assert f["PST-02"].status != "pass"


def test_pipeline_claim_without_signature_fails(tmp_path, sheet):
    f = run(_package(tmp_path, sheet), read_sheets=True, cache=False)
    assert f["PST-04"].status == "fail" and f["PST-04"].message_id == "pst04.claim_only"


def test_cache_key_holds_the_trust_roots(tmp_path, ca, sheet):
    (tmp_path / "root.pem").write_bytes(ca.root.pem)
    root = _package(tmp_path, _sign(ca, sheet))
    cache = tmp_path / "cache"
    assert run(root, read_sheets=True, cache=cache)["PST-04"].status == "review"
    trusted = run(root, read_sheets=True, cache=cache, trust=[tmp_path / "root.pem"])
    assert trusted["PST-04"].status == "pass"


def test_cli_check_and_inspect_with_trust(tmp_path, ca, sheet, capsys):
    (tmp_path / "root.pem").write_bytes(ca.root.pem)
    root = _package(tmp_path, _sign(ca, sheet, ts=True))
    pdf = root / "2024-03-12-musrenbang-bulik" / "persetujuan.pdf"
    assert main(["inspect", str(pdf), "--json", "--trust", str(tmp_path / "root.pem")]) == 0
    data = json.loads(capsys.readouterr().out)
    (s,) = data["esign"]["signatures"]
    assert (s["status"], s["trust"], s["role"]) == ("valid", "trusted", "atasan_ppid_pelaksana")
    assert main(["inspect", str(pdf), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "TTE1: not_verified" in out and "Budi Santoso" in out and "timestamp token" in out
    out_dir = tmp_path / "report"
    code = main(["check", str(root), "--out", str(out_dir), "--format", "json", "--quiet",
                 "--as-of", AS_OF, "--no-cache", "--trust", str(tmp_path / "root.pem")])  # fmt: skip
    report = json.loads((out_dir / "sopcheck-report.json").read_text(encoding="utf-8"))
    (pkg,) = report["packages"]
    pst04 = next(f for f in pkg["findings"] if f["rule"] == "PST-04")
    assert pst04["status"] == "pass" and code in (0, 1)
    assert main(["inspect", str(pdf), "--trust", str(tmp_path / "missing.pem")]) == 2


# ------------------------------------------------------------------------------ the sample batch


@pytest.mark.parametrize("trusted", [False, True], ids=["no-trust-root", "trust-sample-root"])
def test_sample_esign_packages(tmp_path, trusted):
    from sopcheck import check, sample

    ids = list(sample.TRUSTED)
    batch = sample.generate(tmp_path / "batch", only=ids)
    trust = [batch / sample.TRUST_ROOT_FILE] if trusted else []
    result = check(batch, as_of=AS_OF, jobs=1, cache=False, trust=trust)
    got = {p.id: {f.rule: f.status.value for f in p.findings} for p in result.packages}
    want = {i: {**sample.EXPECTED[i], **(sample.TRUSTED[i] if trusted else {})} for i in ids}
    assert got == want


def test_esigned_sample_sheet_is_deterministic(tmp_path):
    from sopcheck import sample

    a = sample.generate(tmp_path / "a", only=["2024-04-04-tte-bsre"])
    b = sample.generate(tmp_path / "b", only=["2024-04-04-tte-bsre"])
    rel = "2024-04-04-tte-bsre/persetujuan.pdf"
    assert (a / rel).read_bytes() == (b / rel).read_bytes()


@pytest.mark.parametrize(
    "holder", [{"nip": "1983 0514 2013 12 1 002"}, {"nama": "budi santoso"}, {}]
)
def test_signer_mapped_by_the_manifest(tmp_path, ca, holder):
    """A PDF that prints no role label, signed by a certificate that names no role: the signer is
    the role's holder only when paket.yaml says so (tanggapan.<role>.nip or .nama)."""
    from builders import manifest_with, pdf_bytes

    (tmp_path / "root.pem").write_bytes(ca.root.pem)
    plain = pdf_bytes("Lembar persetujuan konten Musrenbang Kecamatan Bulik")
    ident = ca.signer("Budi Santoso", nip="198305142013121002", title="Pegawai Negeri Sipil")
    signed = pki.sign_pdf(plain, ident, ca, field="TTE1", signing_time=SIGNED_AT)
    root = tmp_path / "batch"
    atasan = {"tanggal": "2024-03-13", "keputusan": "setuju", **holder}
    make_package(root, approval=False, extra_files={"persetujuan.pdf": signed},
                 manifest=manifest_with({"tanggapan.atasan_ppid_pelaksana": atasan}))  # fmt: skip
    f = run(root, read_sheets=True, trust=[tmp_path / "root.pem"], cache=False)
    assert f["PST-04"].status == "pass", f["PST-04"].message
    if holder:
        assert f["PST-02"].status == "pass", f["PST-02"].message
        assert "name/NIP in paket.yaml" in repr(f["PST-02"].evidence)
    else:
        assert f["PST-02"].status != "pass"


def test_a_scan_searched_by_the_sheet_reader_is_not_searched_again(tmp_path, monkeypatch):
    """The sheet reader's QR search of a scan is kept for the e-signature reader (one search of
    the page per process); a file changed since is searched again."""
    import zxingcpp
    from PIL import Image

    from sopcheck.extract import qr as qr_mod
    from sopcheck.extract.esign import read_esign
    from sopcheck.extract.sheets import has_own_qr

    url = "https://tte.example.go.id/verify/XYZ789"
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode)
    img = Image.new("L", (600, 800), "white")
    img.paste(Image.fromarray(code.to_image(scale=6)), (380, 560))
    path = tmp_path / "persetujuan.png"
    img.save(path)

    class _Page:
        image = img

    assert not has_own_qr([_Page()], path)  # not sopcheck's own code: but it was searched
    searches = []
    real = qr_mod.qr_texts
    monkeypatch.setattr(qr_mod, "qr_texts", lambda im: searches.append(1) or real(im))
    f = read_esign(path, "persetujuan.png")
    assert f.foreign_qr == (url,) and searches == []
    img.save(path, compress_level=1)  # the file changed: its size or time is new
    os.utime(path, ns=(1, 1))
    f = read_esign(path, "persetujuan.png")
    assert f.foreign_qr == (url,) and searches == [1]
