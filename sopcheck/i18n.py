"""Messages in Indonesian and English, keyed by message id (rule-specific ids start with the rule)."""

from __future__ import annotations

from typing import Any

LANGS = ("id", "en")

# fmt: off
MESSAGES: dict[str, dict[str, str]] = {
    "common.no_record": {
        "id": "Tidak dapat diverifikasi: tidak ada catatan ({what_t}).",
        "en": "Not verifiable: no record ({what_t}).",
    },
    "common.not_due": {
        "id": "Belum ada catatan ({role_name}), tetapi batas waktunya ({deadline}) belum lewat.",
        "en": "No record yet ({role_name}), but the deadline ({deadline}) has not passed.",
    },
    "engine.crash": {
        "id": "Aturan gagal dijalankan: {error}. Laporkan ini sebagai bug sopcheck.",
        "en": "The rule could not be evaluated: {error}. Please report this as a sopcheck bug.",
    },
    "engine.worker_died": {
        "id": "Proses pekerja yang memeriksa paket ini berhenti mendadak ({error}). Paket lain tetap diperiksa; periksa ulang paket ini.",
        "en": "The worker process checking this package died ({error}). The other packages were checked; check this one again.",
    },
    "klp01.pass": {"id": "{count} foto berbeda (minimal {min}).", "en": "{count} distinct photos (minimum {min})."},
    "klp01.fail": {
        "id": "Hanya {count} foto berbeda dari {files} berkas foto; minimal {min}. Duplikat: {duplicates}.",
        "en": "Only {count} distinct photos out of {files} photo files; {min} required. Duplicates: {duplicates}.",
    },
    "klp02.missing": {"id": "Narasi berita tidak ada (narasi.txt/.md/.docx/.pdf atau 'narasi' di paket.yaml).",
                      "en": "No news narrative (narasi.txt/.md/.docx/.pdf or 'narasi' in paket.yaml)."},
    "klp02.unreadable": {"id": "Narasi {file} tidak dapat dibaca: {reason}.", "en": "Narrative {file} cannot be read: {reason}."},
    "klp02.empty": {"id": "Narasi {file} berisi {words} kata; minimal {min}.", "en": "Narrative {file} holds {words} words; at least {min} required."},
    "klp02.pass": {"id": "Narasi {file}: {words} kata.", "en": "Narrative {file}: {words} words."},
    "klp03.missing": {"id": "Caption tidak ada (caption.txt atau 'caption' di paket.yaml).",
                      "en": "No caption (caption.txt or 'caption' in paket.yaml)."},
    "klp03.unreadable": {"id": "Caption {file} tidak dapat dibaca: {reason}.", "en": "Caption {file} cannot be read: {reason}."},
    "klp03.empty": {"id": "Caption {file} kosong.", "en": "Caption {file} is empty."},
    "klp03.pass": {"id": "Caption {graphemes} karakter ({codepoints} code point), batas {max}.",
                   "en": "Caption of {graphemes} characters ({codepoints} code points), limit {max}."},
    "klp03.fail": {"id": "Caption {graphemes} karakter ({codepoints} code point), melebihi batas {max}.",
                   "en": "Caption of {graphemes} characters ({codepoints} code points) exceeds the limit of {max}."},
    "wkt01.pass": {"id": "Semua {n} foto diambil antara {start} dan {end} ({tz}).",
                   "en": "All {n} photos were taken between {start} and {end} ({tz})."},
    "wkt01.fail": {"id": "Foto di luar rentang kegiatan {start} s.d. {end}: {outside}.",
                   "en": "Photos outside the activity window {start} to {end}: {outside}."},
    "wkt01.uncertain": {
        "id": "Waktu pengambilan tidak pasti: tanpa tanggal {undated}; hanya dari nama berkas {weak}; di luar rentang {outside} (rentang {start} s.d. {end}).",
        "en": "Capture time uncertain: undated {undated}; dated only by file name {weak}; outside {outside} (window {start} to {end}).",
    },
    "wkt01.inferred": {
        "id": "Semua foto dalam rentang {start} s.d. {end}, tetapi tanggal kegiatan sendiri disimpulkan dari foto ({source}).",
        "en": "All photos lie within {start} to {end}, but the activity date itself was inferred ({source}).",
    },
    "wkt02.pass": {"id": "Diserahkan {handed}, hari H {h}.", "en": "Handed in on {handed}, day H {h}."},
    "wkt02.fail": {"id": "Diserahkan {handed}, {days} hari setelah hari H ({h}).", "en": "Handed in on {handed}, {days} days after day H ({h})."},
    "wkt02.early": {"id": "Diserahkan {handed}, sebelum kegiatan berakhir ({h}).", "en": "Handed in on {handed}, before the activity ended ({h})."},
    "wkt03.on_sheet": {
        "id": "Tanggapan {role_name} tidak tercatat di paket.yaml, dan lembar persetujuan tidak terbaca atau peran ini tidak ditemukan di sana: periksa secara manual.",
        "en": "The response of the {role_name} is not in paket.yaml, and the approval sheet could not be read or does not show this role: check it by eye.",
    },
    "wkt03.disagree": {
        "id": "Tanggal tanggapan {role_name} berbeda antar sumber ({dates}): periksa secara manual.",
        "en": "The response date of the {role_name} differs between sources ({dates}): check by eye.",
    },
    "wkt03.date_unsure": {
        "id": "Tanggal tanggapan {role_name} pada lembar tidak terbaca dengan yakin: lihat potongan gambarnya.",
        "en": "The date of the {role_name} on the sheet could not be read with confidence: look at the crop.",
    },
    "wkt03.pass": {"id": "{role_name} menanggapi {date}, batas {deadline} (H = {ref}).",
                   "en": "{role_name} responded on {date}, deadline {deadline} (H = {ref})."},
    "wkt03.fail": {"id": "{role_name} menanggapi {date}, melewati batas {deadline} (H = {ref}).",
                   "en": "{role_name} responded on {date}, after the deadline {deadline} (H = {ref})."},
    "wkt03.before": {"id": "Tanggapan {role_name} bertanggal {date}, sebelum dokumentasi diserahkan ({ref}).",
                     "en": "The response of the {role_name} is dated {date}, before the hand-in ({ref})."},
    "wkt03.unverifiable": {
        "id": "{role_name} menanggapi {date}; tanggal penyerahan tidak diketahui, dan tanggal ini melewati H+1 dari akhir kegiatan ({ref}).",
        "en": "{role_name} responded on {date}; the hand-in date is unknown and this is after H+1 of the activity end ({ref}).",
    },
    "wkt06.pass": {"id": "Diunggah {date}, batas {deadline}, setelah persetujuan {approved}.",
                   "en": "Uploaded on {date}, deadline {deadline}, after the approval of {approved}."},
    "wkt06.late": {"id": "Diunggah {date}, melewati batas H+1 ({deadline}).", "en": "Uploaded on {date}, after the H+1 deadline ({deadline})."},
    "wkt06.before_approval": {"id": "Diunggah {date}, sebelum persetujuan ({approved}).", "en": "Uploaded on {date}, before the approval ({approved})."},
    "wkt06.approval_on_sheet": {
        "id": "Diunggah {date} (batas {deadline}); tanggal persetujuan hanya ada pada lembar persetujuan: periksa urutannya secara manual.",
        "en": "Uploaded on {date} (deadline {deadline}); the approval date is only on the sheet: check the order by eye.",
    },
    "wkt06.no_approval": {
        "id": "Diunggah {date} (batas {deadline}), tetapi tidak ada catatan persetujuan: urutan tidak dapat diverifikasi.",
        "en": "Uploaded on {date} (deadline {deadline}), but there is no approval record: the order cannot be verified.",
    },
    "pst01.missing": {"id": "Lembar persetujuan (persetujuan.*) tidak ada.", "en": "No approval sheet (persetujuan.*)."},
    "pst01.unreadable": {"id": "Lembar persetujuan tidak dapat dibuka: {problems}.", "en": "The approval sheet cannot be opened: {problems}."},
    "pst01.pass": {"id": "Lembar persetujuan ada: {files}.", "en": "Approval sheet present: {files}."},
    "pst02.no_sheet": {"id": "Tidak ada lembar persetujuan, jadi tidak ada tanda tangan.", "en": "No approval sheet, so no signature."},
    "pst02.unread": {
        "id": "Tanda tangan pada {files} belum dibaca oleh versi ini: periksa secara manual (syarat: {require}).",
        "en": "Signatures on {files} are not read by this version: check them by eye (requirement: {require}).",
    },
    "pst02.pass": {"id": "Ditandatangani oleh: {signed} (syarat: {require}).", "en": "Signed by: {signed} (requirement: {require})."},
    "pst02.fail": {
        "id": "Tanda tangan yang diwajibkan tidak ada (syarat: {require}); ditandatangani: {signed}.",
        "en": "Required signatures missing (requirement: {require}); signed: {signed}.",
    },
    "pst02.review": {
        "id": "Tanda tangan tidak pasti untuk: {unsure}; ditandatangani: {signed}. Lihat potongan gambarnya.",
        "en": "Signature uncertain for: {unsure}; signed: {signed}. Look at the crops.",
    },
    "pst03.ambiguous": {
        "id": "Keputusan pada lembar tidak jelas untuk: {roles} (dua kotak atau tidak ada yang dicentang): periksa secara manual.",
        "en": "The decision on the sheet is unclear for: {roles} (both or neither box ticked): check by eye.",
    },
    "pst03.pass": {"id": "Keputusan Setuju ({roles}).", "en": "Decision: approve ({roles})."},
    "pst03.rejected": {"id": "Konten ditolak (Tolak) oleh {roles}.", "en": "The content was rejected (Tolak) by {roles}."},
    "pst03.rejected_uploaded": {
        "id": "Konten ditolak (Tolak) oleh {roles} tetapi tetap diunggah.",
        "en": "The content was rejected (Tolak) by {roles} but uploaded anyway.",
    },
    "pst03.on_sheet": {
        "id": "Keputusan hanya ada pada lembar persetujuan, yang belum dibaca versi ini: periksa secara manual.",
        "en": "The decision is only on the approval sheet, which this version does not read: check it by eye.",
    },
    "pst04.none": {"id": "Tidak ada tanda tangan elektronik.", "en": "No digital signature."},
    "pst04.unvalidated": {
        "id": "Tanda tangan elektronik ditemukan pada {files}; validasinya belum tersedia di versi ini: periksa dengan aplikasi PDF.",
        "en": "Digital signature found in {files}; this version does not validate it yet: check it in a PDF reader.",
    },
    "pst04.pass": {
        "id": "{n} tanda tangan elektronik pada {files} utuh, mencakup dokumen, tanpa perubahan sesudahnya, dan rantai sertifikatnya sampai ke akar tepercaya.",
        "en": "{n} digital signature(s) in {files} intact, covering the document, with no change after signing, and chained to a trust root.",
    },
    "pst04.not_verified": {
        "id": "Tanda tangan elektronik utuh, tetapi kepercayaan tidak diverifikasi: tidak ada akar tepercaya (trust_roots di paket aturan atau --trust). {problems}",
        "en": "The digital signature is intact, but trust is not verified: no trust root is configured (trust_roots in the rule pack or --trust). {problems}",
    },
    "pst04.fail": {"id": "Tanda tangan elektronik tidak sah: {problems}.", "en": "Digital signature not valid: {problems}."},
    "pst04.error": {"id": "Tanda tangan elektronik tidak dapat dibaca: {problems}.", "en": "Digital signature cannot be read: {problems}."},
    "pst04.empty": {"id": "Ada kolom tanda tangan yang tidak pernah ditandatangani: {problems}.",
                    "en": "A signature field was never signed: {problems}."},
    "pst04.claim_only": {
        "id": "Dokumen menyatakan ditandatangani secara elektronik, tetapi tidak memuat tanda tangan elektronik: {problems}.",
        "en": "The document claims an electronic signature but carries none: {problems}.",
    },
    "pst04.scan_qr": {
        "id": "Salinan pindaian dokumen bertanda tangan elektronik (kode QR): periksa QR-nya pada layanan penerbit. {problems}",
        "en": "A scanned copy of an e-signed document (QR code): check its QR with the issuing service. {problems}",
    },
    "pst05.no_sheet": {"id": "Tidak ada lembar persetujuan.", "en": "No approval sheet."},
    "pst05.unread": {
        "id": "Isi {files} belum dibaca oleh versi ini: cocokkan caption dan kegiatan pada lembar secara manual.",
        "en": "The content of {files} is not read by this version: compare the caption and activity on the sheet by eye.",
    },
    "pst05.pass_qr": {"id": "Kode QR pada {file} cocok dengan paket dan hash kontennya.", "en": "The QR code on {file} matches the package and its content hash."},
    "pst05.other_package": {"id": "Kode QR pada {file} milik paket lain ({qr_package}).", "en": "The QR code on {file} belongs to another package ({qr_package})."},
    "pst05.changed": {
        "id": "Hash konten pada kode QR {file} tidak cocok: konten berubah setelah disetujui.",
        "en": "The content hash in the QR code on {file} does not match: the content changed after it was approved.",
    },
    "pst05.pass_caption": {"id": "Caption yang tercetak pada {file} sama dengan caption paket.", "en": "The caption printed on {file} matches the package's caption."},
    "pst05.caption_differs": {
        "id": "Caption yang tercetak pada {file} berbeda dari caption paket: periksa secara manual.",
        "en": "The caption printed on {file} differs from the package's caption: check by eye.",
    },
    "pst05.no_link": {
        "id": "Tidak ada id paket, hash konten, atau caption pada {files}: cocokkan secara manual.",
        "en": "No package id, content hash or caption found on {files}: compare by eye.",
    },
    "reg01.none": {"id": "Tidak ada register di akar batch.", "en": "No register at the batch root."},
    "reg01.unreadable": {"id": "Register {file} tidak dapat dibaca.", "en": "The register {file} cannot be read."},
    "reg01.fail": {"id": "Paket tidak tercatat di register {file}.", "en": "The package is not in the register {file}."},
    "reg01.unmatched": {"id": "{n} baris register {file} tidak menunjuk paket mana pun dalam batch: {rows}.",
                        "en": "{n} rows of the register {file} name no package of the batch: {rows}."},
    "reg01.pass": {"id": "Tercatat di register {file} ({rows} baris).", "en": "Listed in the register {file} ({rows} rows)."},
    "int01.pass": {"id": "{n} berkas dapat dibaca; SHA-256 dicatat.", "en": "{n} files readable; SHA-256 recorded."},
    "int01.error": {"id": "{bad} masalah pada berkas: {files}.", "en": "{bad} problems with files: {files}."},
    "int02.none": {"id": "Tidak ada foto yang dapat diperiksa.", "en": "No photo to examine."},
    "int02.pass": {"id": "Metadata {n} foto tanpa tanda penyuntingan.", "en": "Metadata of {n} photos shows no sign of editing."},
    "int02.warn": {"id": "Tanda penyuntingan atau tanggal mundur pada {k} foto: {files}.",
                   "en": "Signs of editing or back-dating on {k} photos: {files}."},
}

WHAT: dict[str, dict[str, str]] = {
    "activity_date": {"id": "tanggal kegiatan", "en": "activity date"},
    "handin": {"id": "tanggal penyerahan dokumentasi (diserahkan)", "en": "hand-in date (diserahkan)"},
    "photos": {"id": "foto", "en": "photos"},
    "response": {"id": "tanggapan {role_name}", "en": "response of the {role_name}"},
    "upload": {"id": "unggahan (unggah)", "en": "upload (unggah)"},
    "decision": {"id": "keputusan", "en": "decision (keputusan)"},
}
# fmt: on


class _Default(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(
    message_id: str, params: dict[str, Any], lang: str, role_names: dict[str, str] | None = None
) -> str:
    """The message in ``lang`` with ``params`` filled in; unknown ids fall back to the id itself."""
    lang = lang if lang in LANGS else "id"
    values = _Default(params)
    role = params.get("role")
    if role:
        values["role_name"] = (role_names or {}).get(role, role)
    what = params.get("what")
    if what in WHAT:
        values["what_t"] = WHAT[what][lang].format_map(values)
    template = MESSAGES.get(message_id, {}).get(lang) or message_id
    return template.format_map(values)


# Report headings, register headers and CLI output (label id -> language -> text).
# fmt: off
LABELS: dict[str, dict[str, str]] = {
    "report.title": {"id": "Laporan Audit sopcheck", "en": "sopcheck Audit Report"},
    "report.run": {"id": "Data pemeriksaan", "en": "Run"},
    "report.summary": {"id": "Ringkasan", "en": "Summary"},
    "report.overall": {"id": "Status keseluruhan", "en": "Overall status"},
    "report.rulepack": {"id": "Paket aturan", "en": "Rule pack"},
    "report.version": {"id": "versi", "en": "version"},
    "report.tool": {"id": "Versi sopcheck", "en": "sopcheck version"},
    "report.batch": {"id": "Folder batch", "en": "Batch folder"},
    "report.as_of": {"id": "Waktu acuan (--as-of)", "en": "As of (--as-of)"},
    "report.started": {"id": "Mulai", "en": "Started"},
    "report.finished": {"id": "Selesai", "en": "Finished"},
    "report.by_status": {"id": "Paket menurut status", "en": "Packages by status"},
    "report.by_rule": {"id": "Aturan menurut temuan", "en": "Rules by failures"},
    "report.by_unit": {"id": "Unit (OPD) dengan temuan terbanyak", "en": "Units (OPD) with the most findings"},
    "report.by_month": {"id": "Bulan dengan temuan terbanyak", "en": "Months with the most findings"},
    "report.todo": {"id": "Perlu diperiksa manual ({n} temuan review)", "en": "To check by hand ({n} review findings)"},
    "report.count": {"id": "Jumlah", "en": "Count"},
    "report.findings_count": {"id": "Temuan", "en": "Findings"},
    "report.packages": {"id": "Paket", "en": "Packages"},
    "report.package": {"id": "Paket", "en": "Package"},
    "report.rule": {"id": "Aturan", "en": "Rule"},
    "report.status": {"id": "Status", "en": "Status"},
    "report.severity": {"id": "Tingkat", "en": "Severity"},
    "report.message": {"id": "Pesan", "en": "Message"},
    "report.evidence": {"id": "Bukti", "en": "Evidence"},
    "report.findings": {"id": "Temuan", "en": "Findings"},
    "report.unit": {"id": "Unit", "en": "Unit"},
    "report.month": {"id": "Bulan", "en": "Month"},
    "report.location": {"id": "Lokasi", "en": "Location"},
    "report.activity": {"id": "Kegiatan", "en": "Activity"},
    "report.activity_date": {"id": "Tanggal kegiatan", "en": "Activity date"},
    "report.inferred": {"id": "disimpulkan", "en": "inferred"},
    "report.photos": {"id": "Foto ({n})", "en": "Photos ({n})"},
    "report.timeline": {"id": "Garis waktu", "en": "Time line"},
    "report.window": {"id": "Rentang kegiatan", "en": "Activity window"},
    "report.deadline_handin": {"id": "Batas penyerahan (H)", "en": "Hand-in deadline (H)"},
    "report.deadline_response": {"id": "Batas tanggapan (H+1)", "en": "Response deadline (H+1)"},
    "report.deadline_upload": {"id": "Batas unggah (H+1)", "en": "Upload deadline (H+1)"},
    "report.handin": {"id": "Diserahkan", "en": "Handed in"},
    "report.upload": {"id": "Diunggah", "en": "Uploaded"},
    "report.undated": {"id": "Tanpa waktu pengambilan", "en": "No capture time"},
    "report.out_of_range": {"id": "di luar skala", "en": "off the scale"},
    "report.weak": {"id": "hanya dari nama berkas", "en": "file name only"},
    "report.no_thumbnail": {"id": "tidak dapat ditampilkan", "en": "cannot be shown"},
    "report.caption": {"id": "Caption", "en": "Caption"},
    "report.caption_length": {"id": "{graphemes} dari {max} karakter ({codepoints} code point)",
                              "en": "{graphemes} of {max} characters ({codepoints} code points)"},
    "report.no_caption": {"id": "Tidak ada caption.", "en": "No caption."},
    "report.sheets": {"id": "Lembar persetujuan", "en": "Approval sheets"},
    "report.signed": {"id": "ditandatangani", "en": "signed"},
    "report.not_signed": {"id": "tidak ditandatangani", "en": "not signed"},
    "report.uncertain": {"id": "tidak pasti", "en": "uncertain"},
    "report.not_found": {"id": "peran tidak ditemukan", "en": "role not found"},
    "report.decision": {"id": "Keputusan", "en": "Decision"},
    "report.confidence": {"id": "keyakinan", "en": "confidence"},
    "report.no_evidence": {"id": "tanpa bukti", "en": "no evidence"},
    "report.none": {"id": "tidak ada", "en": "none"},
    "report.no_packages": {"id": "Tidak ada paket.", "en": "No packages."},
    "report.skipped": {"id": "Folder yang bukan paket", "en": "Folders that are not packages"},
    "report.register_unmatched": {"id": "Baris register {file} tanpa paket ({n})",
                                  "en": "Rows of the register {file} with no package ({n})"},
    "report.filters": {"id": "Saring", "en": "Filter"},
    "report.all": {"id": "semua", "en": "all"},
    "report.search": {"id": "Cari", "en": "Search"},
    "report.shown": {"id": "paket ditampilkan", "en": "packages shown"},
    "report.review_flag": {"id": "PERIKSA", "en": "CHECK"},
    "register.no": {"id": "No", "en": "No"},
    "register.package": {"id": "Folder paket", "en": "Package folder"},
    "register.activity_date": {"id": "Tanggal kegiatan", "en": "Activity date"},
    "register.title": {"id": "Judul kegiatan", "en": "Activity title"},
    "register.unit": {"id": "Unit (OPD)", "en": "Unit (OPD)"},
    "register.location": {"id": "Lokasi", "en": "Location"},
    "register.photos": {"id": "Jumlah foto", "en": "Photos"},
    "register.caption": {"id": "Caption", "en": "Caption"},
    "register.handin": {"id": "Tanggal diserahkan", "en": "Handed in"},
    "register.decision": {"id": "Keputusan {role_name}", "en": "Decision: {role_name}"},
    "register.decision_date": {"id": "Tanggal {role_name}", "en": "Date: {role_name}"},
    "register.upload_date": {"id": "Tanggal unggah", "en": "Upload date"},
    "register.upload_url": {"id": "Tautan unggahan", "en": "Upload URL"},
    "register.status": {"id": "Status", "en": "Status"},
    "register.failed": {"id": "Aturan gagal", "en": "Failed rules"},
    "register.sheet": {"id": "Register", "en": "Register"},
    "status.n/a": {"id": "t/b", "en": "n/a"},
    "status.pass": {"id": "lulus", "en": "pass"},
    "status.warn": {"id": "peringatan", "en": "warn"},
    "status.review": {"id": "review", "en": "review"},
    "status.fail": {"id": "gagal", "en": "fail"},
    "status.error": {"id": "galat", "en": "error"},
    "decision.setuju": {"id": "Setuju", "en": "Approve (Setuju)"},
    "decision.tolak": {"id": "Tolak", "en": "Reject (Tolak)"},
    "cli.checked": {"id": "{n} paket diperiksa dengan {pack} {version}", "en": "{n} package(s) checked with {pack} {version}"},
    "cli.rule_header": {"id": "aturan", "en": "rule"},
    "cli.skipped": {"id": "dilewati {folder}: {reason}", "en": "skipped {folder}: {reason}"},
    "cli.reports": {"id": "laporan:", "en": "reports:"},
    "cli.batch_finding": {"id": "batch {rule} {status}: {message}", "en": "batch {rule} {status}: {message}"},
    "cli.packs": {"id": "rule pack:", "en": "rule packs:"},
    "cli.pack_valid": {"id": "{file}: rule pack sah {pack} {version} ({n} aturan, sha256 {sha})",
                       "en": "{file}: valid rule pack {pack} {version} ({n} rules, sha256 {sha})"},
    "cli.rule_meta": {"id": "tingkat: {severity}   pemeriksaan: {check} ({doc})",
                      "en": "severity: {severity}   check: {check} ({doc})"},
    "cli.rule_param": {"id": "parameter {key} = {value}: {doc}", "en": "param {key} = {value}: {doc}"},
    "cli.cache_info": {"id": "{path}: {n} entri, {mb} MB", "en": "{path}: {n} entries, {mb} MB"},
    "inspect.photo": {"id": "Foto", "en": "Photo"},
    "inspect.date_tags": {"id": "Tag tanggal", "en": "Date tags"},
    "inspect.chosen": {"id": "Waktu pengambilan terpilih", "en": "Chosen capture time"},
    "inspect.why": {"id": "Alasan", "en": "Why"},
    "inspect.dhash": {"id": "Hash perseptual (dHash)", "en": "Perceptual hash (dHash)"},
    "inspect.pdf": {"id": "PDF", "en": "PDF"},
    "inspect.pages": {"id": "Halaman", "en": "Pages"},
    "inspect.text_layer": {"id": "Lapisan teks", "en": "Text layer"},
    "inspect.signatures": {"id": "Tanda tangan elektronik (/ByteRange)", "en": "Digital signatures (/ByteRange)"},
    "inspect.sheet": {"id": "Pembacaan lembar persetujuan", "en": "Approval sheet reading"},
    "inspect.esign": {"id": "Tanda tangan elektronik (pyHanko)", "en": "Digital signatures (pyHanko)"},
    "inspect.trust_roots": {"id": "Akar tepercaya", "en": "Trust roots"},
    "inspect.claims": {"id": "Pernyataan tanda tangan elektronik dalam teks", "en": "E-signature claims in the text"},
    "inspect.foreign_qr": {"id": "Kode QR pada pindaian", "en": "QR codes on the scan"},
    "inspect.no_sheet_reader": {"id": "Pembaca lembar belum tersedia di versi ini.",
                                "en": "This version has no sheet reader yet."},
    # sopcheck verify (tamper evidence)
    "verify.head": {"id": "Verifikasi {report} (sha256 {sha}) terhadap {batch}: {n} berkas tercatat saat audit",
                    "en": "Verifying {report} (sha256 {sha}) against {batch}: {n} files recorded at the audit"},
    "verify.changed": {"id": "BERUBAH  {file}: {before} -> {after}", "en": "CHANGED  {file}: {before} -> {after}"},
    "verify.missing": {"id": "HILANG   {file} (tercatat {before})", "en": "MISSING  {file} (recorded {before})"},
    "verify.added": {"id": "BARU     {file}: {after}", "en": "ADDED    {file}: {after}"},
    "verify.renamed": {"id": "DIPINDAH {old} -> {file} (isi sama {after})",
                       "en": "RENAMED  {old} -> {file} (same content {after})"},
    "verify.rulepack": {"id": "PAKET ATURAN BERUBAH {file}: {before} -> {after}",
                        "en": "RULE PACK CHANGED {file}: {before} -> {after}"},
    "verify.pack_unchecked": {"id": "(berkas paket aturan tidak ditemukan: tidak dibandingkan; gunakan --rules)",
                              "en": "(rule pack file not found: not compared; use --rules)"},
    "verify.identical": {"id": "Identik: {n} berkas sama seperti saat audit.",
                         "en": "Identical: all {n} files are as they were at the audit."},
    "verify.differs": {"id": "{k} perbedaan sejak audit.", "en": "{k} difference(s) since the audit."},
    "verify.not_report": {"id": "{file} bukan laporan JSON sopcheck: {reason}",
                          "en": "{file} is not a sopcheck JSON report: {reason}"},
    "verify.unreadable": {"id": "tidak dapat dibaca ({reason})", "en": "cannot be read ({reason})"},
    "verify.not_json": {"id": "bukan JSON ({reason})", "en": "not JSON ({reason})"},
    "verify.not_sopcheck": {"id": "tidak ada tool.name \"sopcheck\"", "en": "no tool.name \"sopcheck\""},
    "verify.schema": {"id": "schema_version {version} tidak dikenal (versi ini membaca \"1\")",
                      "en": "unknown schema_version {version} (this version reads \"1\")"},
    "verify.no_inputs": {"id": "tidak ada daftar 'inputs' berisi berkas dan SHA-256",
                         "en": "no 'inputs' list of files and SHA-256"},
}
# fmt: on

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip

# fmt: off
# Errors of the command line and the API (``SopcheckError("err.…", **params)``), each saying what to
# do next where there is something to do.
ERRORS: dict[str, dict[str, str]] = {
    "err.prefix": {"id": "sopcheck: galat: {message}", "en": "sopcheck: error: {message}"},
    "err.interrupted": {"id": "sopcheck: dihentikan; tidak ada laporan yang ditulis",
                        "en": "sopcheck: interrupted; no report written"},
    "err.interrupted_after_reports": {
        "id": "sopcheck: dihentikan; laporan di {out} sudah lengkap ditulis dan disimpan",
        "en": "sopcheck: interrupted; the reports in {out} were complete and kept"},
    "err.internal": {"id": "sopcheck: galat internal: mohon laporkan beserta traceback di atas",
                     "en": "sopcheck: internal error: please report it with the traceback above"},
    "err.no_folder": {"id": "{path}: folder tidak ada (periksa ejaan dan letaknya)",
                      "en": "{path}: no such folder (check the spelling and where it is)"},
    "err.not_folder": {"id": "{path}: bukan folder (berikan folder batch yang memuat folder-folder paket)",
                       "en": "{path}: not a folder (give the batch folder that holds the packages)"},
    "err.permission": {"id": "{path}: izin ditolak (sopcheck perlu hak baca pada folder ini)",
                       "en": "{path}: permission denied (sopcheck needs read access to this folder)"},
    "err.no_package": {"id": "{path}: tidak ada paket ditemukan ({skipped} folder yang dilihat bukan paket). "
                             "Paket adalah folder berisi foto (foto/), caption.txt, narasi.*, persetujuan.* "
                             "atau paket.yaml.",
                       "en": "{path}: no package found ({skipped} folders looked at are not packages). "
                             "A package is a folder holding photos (foto/), caption.txt, narasi.*, "
                             "persetujuan.* or paket.yaml."},
    "err.out_inside": {"id": "--out {out} berada di dalam batch {batch}: sopcheck tidak pernah menulis ke "
                             "folder yang diperiksanya; pilih folder laporan di luarnya",
                       "en": "--out {out} is inside the batch {batch}: sopcheck never writes into what it "
                             "checks; choose a report folder outside it"},
    "err.jobs": {"id": "--jobs sedikitnya 1", "en": "--jobs must be at least 1"},
    "err.format": {"id": "--format: tidak dikenal {bad} (pilih dari {known})",
                   "en": "--format: unknown {bad} (choose from {known})"},
    "err.as_of": {"id": "--as-of: {value} bukan tanggal ISO (YYYY-MM-DD) atau tanggal-waktu",
                  "en": "--as-of: {value} is not an ISO date (YYYY-MM-DD) or date-time"},
    "err.lang": {"id": "bahasa tidak dikenal {lang} (pakai id atau en)",
                 "en": "unknown language {lang} (use id or en)"},
    "err.no_rule": {"id": "tidak ada aturan {rule} dalam {pack} (lihat 'sopcheck rules list')",
                    "en": "no rule {rule} in {pack} (see 'sopcheck rules list')"},
    "err.no_file": {"id": "{path}: berkas tidak ada", "en": "{path}: no such file"},
    "err.inspect_kind": {"id": "{path}: berkas {suffix} tidak dapat diperiksa (berikan foto, PDF, atau pindaian lembar)",
                         "en": "{path}: cannot inspect a {suffix} file (give a photo, a PDF or a scanned sheet)"},
    "err.crops_inside": {"id": "--crops {target} berada di dalam {folder}: sopcheck tidak pernah menulis di samping "
                               "yang dibacanya; pilih folder lain",
                         "en": "--crops {target} is inside {folder}: sopcheck never writes beside what it reads; "
                               "choose another folder"},
    "err.nb_out_inside": {"id": "-o {out} berada di dalam batch {batch}: sopcheck tidak pernah menulis ke folder "
                                "yang diperiksanya; pilih berkas di luarnya",
                          "en": "-o {out} is inside the batch {batch}: sopcheck never writes into what it checks; "
                                "choose a file outside it"},
    "err.nb_out_folder": {"id": "-o {out}: folder {folder} tidak ada (buat dulu)",
                          "en": "-o {out}: folder {folder} does not exist (create it first)"},
    "err.nb_batch_param": {"id": "-p batch: berikan batch sebagai argumen BATCH",
                           "en": "-p batch: give the batch as the BATCH argument"},
    "err.nb_param_twice": {"id": "-p {key}: diberikan dua kali", "en": "-p {key}: given twice"},
}
# fmt: on


def error_text(error_id: str, lang: str, **params: Any) -> str:
    """An error message of ``ERRORS`` in ``lang`` (Indonesian when unknown), parameters filled in."""
    lang = lang if lang in LANGS else "id"
    template = ERRORS.get(error_id, {}).get(lang) or error_id
    return template.format_map(_Default(params))


def label(label_id: str, lang: str, **params: Any) -> str:
    """The label in ``lang`` (Indonesian when unknown) with ``params`` filled in."""
    lang = lang if lang in LANGS else "id"
    template = LABELS.get(label_id, {}).get(lang) or label_id
    return template.format_map(_Default(params)) if params or "{" in template else template
