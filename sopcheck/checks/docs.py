"""The checks' and their parameters' descriptions in Indonesian, for ``sopcheck rules show``.

The English text is the check's docstring and each ``Param.doc`` (next to the code); this is the
Indonesian one, keyed by check name and ``check.param``. A test keeps both sets of keys equal.
"""

from __future__ import annotations

ID: dict[str, str] = {
    "approval_present": "Lembar persetujuan ada dan berkasnya dapat dibuka (dan dibaca, bila lembar dibaca).",
    "approval_signed": "Persetujuan ditandatangani oleh peran yang diwajibkan.",
    "approval_signed.require": "'any': paling sedikit satu peran menandatangani (dan/atau); 'all': setiap peran",
    "approval_decision": "Keputusannya Setuju, bukan Tolak; paket yang ditolak tetapi diunggah adalah temuan terberat.",
    "digital_signature": "Tanda tangan elektronik pada PDF persetujuan utuh, mencakup seluruh dokumen dan berantai ke akar kepercayaan.",
    "approval_matches": "Lembar persetujuan milik konten ini (id paket dan hash konten, atau keterangan yang tercetak).",
    "photo_count": "Paling sedikit N foto yang berbeda; foto yang hampir sama (hash perseptual) dihitung satu.",
    "photo_count.min_photos": "jumlah minimal foto yang berbeda",
    "photo_count.count_videos": "apakah video ikut dihitung untuk jumlah minimal",
    "photo_count.duplicate_max_distance": "jarak difference hash (dari 64 bit) yang pada atau di bawahnya dua foto dihitung satu",
    "narrative_present": "Narasi berita ada dan tidak kosong.",
    "narrative_present.min_words": "jumlah kata minimal",
    "caption_length": "Keterangan (caption) ada dan paling banyak N karakter yang terlihat pengguna (setelah NFC dan pemangkasan spasi).",
    "caption_length.max_chars": "panjang maksimal dalam grapheme cluster",
    "register_entry": "Paket tercatat di register batch, bila ada register.",
    "files_readable": "Setiap berkas paket dapat dibaca dan SHA-256-nya dicatat.",
    "photo_metadata": "Metadata foto tidak menunjukkan tanda penyuntingan atau pemunduran tanggal.",
    "photo_metadata.max_gps_drift_minutes": "selisih terbesar yang diizinkan antara waktu kamera dan waktu GPS",
    "photo_metadata.editing_software": "penggalan tag Software yang menandai aplikasi penyunting (tanpa membedakan huruf besar/kecil)",
    "photo_metadata.factory_clock_dates": "tanggal (YYYY-MM-DD) yang ditunjukkan jam kamera yang belum pernah diatur; tanggal EXIF pada salah satunya adalah tanda",
    "photo_metadata.thumbnail_max_distance": "jarak dHash (dari 64 bit) yang di atasnya thumbnail EXIF menampilkan gambar lain dari fotonya",
    "photo_window": "Setiap foto diambil dalam rentang waktu kegiatan.",
    "photo_window.missing_status": "status foto tanpa waktu pengambilan",
    "photo_window.filename_date_status": "status foto yang tanggalnya hanya dari nama berkas, di dalam rentang",
    "photo_window.photos_inferred_status": "status terbaik bila tanggal kegiatan sendiri disimpulkan dari foto",
    "handin_day": "Dokumentasi diserahkan pada hari H (hari terakhir kegiatan).",
    "handin_day.max_days": "jumlah hari yang diizinkan setelah hari H",
    "handin_day.working_days": "hitung hari kerja Indonesia (hari libur nasional dilewati)",
    "response_deadline": "Sebuah peran menanggapi secara tertulis paling lambat H+N dari penyerahan (tanggapan di manifest atau tanggal pada lembar).",
    "response_deadline.role": "id peran dari daftar peran rule pack",
    "response_deadline.max_days": "jumlah hari yang diizinkan setelah hari acuan",
    "response_deadline.working_days": "hitung hari kerja Indonesia (hari libur nasional dilewati)",
    "upload_deadline": "Diunggah paling lambat H+N dari kegiatan, dan tidak sebelum persetujuan.",
    "upload_deadline.max_days": "jumlah hari yang diizinkan setelah hari acuan",
    "upload_deadline.working_days": "hitung hari kerja Indonesia (hari libur nasional dilewati)",
}  # fmt: skip


SOURCE_WORDS_ID = {"step": "langkah", "column": "kolom", "page": "halaman", "row": "baris"}
"""The keys of a rule's ``source:`` (where in the SOP it comes from) in Indonesian."""


def source_text(source: dict, lang: str) -> str:
    """A rule's ``source:`` as one line ("step 1, column 8 Kelengkapan"), in ``lang``."""
    words = SOURCE_WORDS_ID if lang == "id" else {}
    return ", ".join(f"{words.get(k, k)} {v}" for k, v in source.items())


def check_doc(name: str, english: str, lang: str) -> str:
    """The description of check ``name`` in ``lang`` (``english`` is its docstring)."""
    return ID.get(name, english) if lang == "id" else english


def param_doc(check: str, param: str, english: str, lang: str) -> str:
    """The description of ``param`` of ``check`` in ``lang`` (``english`` is its Param.doc)."""
    return ID.get(f"{check}.{param}", english) if lang == "id" else english
