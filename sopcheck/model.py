"""The data that flows through sopcheck: frozen, keyword-only dataclasses and enums.

discover -> Package; extract -> PackageEvidence; evaluate -> Finding; AuditResult holds them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """The status of one (package, rule) pair, ordered from best to worst by ``rank``."""

    NA = "n/a"
    PASS = "pass"
    WARN = "warn"
    REVIEW = "review"
    FAIL = "fail"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def worst(cls, statuses) -> Status:
        """The worst status of an iterable; ``n/a`` for an empty one."""
        return max(statuses, key=lambda s: s.rank, default=cls.NA)


_RANK = {
    Status.NA: 0,
    Status.PASS: 1,
    Status.WARN: 2,
    Status.REVIEW: 3,
    Status.FAIL: 4,
    Status.ERROR: 5,
}


class Severity(StrEnum):
    """How grave a rule's breach is; set per rule in the pack."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    INFO = "info"


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """What a finding rests on. Only the fields that apply are set."""

    file: str | None = None
    """Path relative to the package folder, '/'-separated."""
    page: int | None = None
    """1-based page of a PDF."""
    region: str | None = None
    """A region of a page or image, e.g. 'x,y,w,h'."""
    tag: str | None = None
    """EXIF tag, manifest field or other named source of the value."""
    value: Any = None
    """The value read (JSON-serialisable)."""
    source: str | None = None
    """How the value was obtained: 'exif', 'pillow', 'filename', 'manifest', 'folder-name'..."""
    confidence: float | None = None
    """0..1 where the reading is uncertain (OCR, inference)."""
    inferred: bool = False
    """True when the value was inferred by convention, not stated."""
    note: str | None = None
    """A short remark on the reading (time zone assumed, weaker evidence...)."""

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if v is not None}
        if not self.inferred:
            d.pop("inferred", None)
        return d


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One rule's verdict for one package."""

    rule: str
    """The rule id, e.g. 'KLP-01'."""
    status: Status
    """pass, fail, warn, review, error or n/a."""
    severity: Severity
    """The rule's severity (a finding may raise it, e.g. a rejected package that was uploaded)."""
    message: str
    """Human-readable message in the run's language."""
    message_id: str = ""
    """The i18n key the message was rendered from."""
    params: dict[str, Any] = field(default_factory=dict)
    """The values substituted into the message."""
    evidence: tuple[Evidence, ...] = ()
    """What the verdict rests on."""


@dataclass(frozen=True, kw_only=True)
class FileRecord:
    """One file of a package as found on disk (INT-01)."""

    path: str
    """Relative to the package folder, '/'-separated."""
    kind: str
    """photo, video, narrative, caption, approval, manifest or other."""
    size: int | None
    """Bytes, or None when the file could not be read."""
    sha256: str | None
    """Hex digest, or None when the file could not be read."""
    error: str | None = None
    """Why the file could not be read."""


@dataclass(frozen=True, kw_only=True)
class Dated:
    """A date or datetime with where it came from."""

    value: dt.datetime | dt.date
    """An aware datetime (pack time zone) or a plain date."""
    source: str
    """'manifest', 'folder-name', 'narrative', 'photos', 'register'..."""
    file: str | None = None
    """The file it was read from, if any."""
    tag: str | None = None
    """The field or tag it was read from."""
    inferred: bool = False
    """True when inferred by convention rather than stated."""

    @property
    def day(self) -> dt.date:
        return self.value.date() if isinstance(self.value, dt.datetime) else self.value

    def evidence(self, **extra: Any) -> Evidence:
        return Evidence(
            file=self.file,
            tag=self.tag,
            value=self.value.isoformat(),
            source=self.source,
            inferred=self.inferred,
            **extra,
        )


@dataclass(frozen=True, kw_only=True)
class Response:
    """A role's written response (tanggapan), from the manifest."""

    role: str
    """Role id from the rule pack."""
    date: Dated | None
    """When the role responded."""
    decision: str | None
    """'setuju', 'tolak' or None when not stated."""
    note: str | None = None
    """The role's remark (catatan)."""
    name: str | None = None
    """The role holder's name (nama), used to map a digital signature's signer to the role."""
    nip: str | None = None
    """The role holder's NIP, likewise."""


@dataclass(frozen=True, kw_only=True)
class Upload:
    """The publication record (unggah)."""

    date: Dated | None
    """When the content was uploaded."""
    platform: str | None = None
    """instagram, facebook, ..."""
    url: str | None = None
    """Address of the post."""


@dataclass(frozen=True, kw_only=True)
class ManifestProblem:
    """A problem with paket.yaml: the file, the field and the reason."""

    file: str
    field: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Package:
    """A package as discovered: its folder, its files, and what its manifest states."""

    id: str
    """Folder path relative to the batch root, '/'-separated."""
    path: str
    """Absolute path of the folder."""
    files: tuple[FileRecord, ...]
    """Every file of the package, sorted by path."""
    title: str | None = None
    unit: str | None = None
    location: str | None = None
    activity_start: Dated | None = None
    """Hari H (first day): from the manifest or the folder name; narrative/photos come later."""
    activity_end: Dated | None = None
    """Last day of the activity."""
    handed_in: Dated | None = None
    """Hand-in to the Tim Pertimbangan."""
    caption: str | None = None
    """Caption stated in the manifest (caption.txt wins over it when both exist? no: manifest overrides)."""
    narrative: str | None = None
    """Narrative stated in the manifest."""
    responses: tuple[Response, ...] = ()
    upload: Upload | None = None
    manifest_problems: tuple[ManifestProblem, ...] = ()

    def files_of(self, kind: str) -> tuple[FileRecord, ...]:
        return tuple(f for f in self.files if f.kind == kind)


@dataclass(frozen=True, kw_only=True)
class PhotoInfo:
    """What was read from one photo."""

    file: str
    capture_time: dt.datetime | None
    """Aware datetime in the pack time zone, or None."""
    source_tag: str | None
    """EXIF tag (or 'filename') the capture time came from."""
    source: str | None
    """'exifread', 'pillow' or 'filename'."""
    tz_note: str | None = None
    """Which offset was used or which time zone was assumed."""
    weak: bool = False
    """True when the time came from the file name (date only, easy to fake)."""
    date_only: bool = False
    """True when only a calendar date is known."""
    modify_time: dt.datetime | None = None
    """EXIF DateTime (ModifyDate), same time-zone handling."""
    gps_time: dt.datetime | None = None
    """GPS date and time, converted from UTC."""
    software: str | None = None
    """EXIF Software."""
    phash: str | None = None
    """Perceptual (difference) hash, 16 hex digits."""
    thumbnail_phash: str | None = None
    """Difference hash of the EXIF thumbnail (IFD1 JPEGThumbnail), when the photo embeds one."""
    raw_dates: tuple[tuple[str, str], ...] = ()
    """EXIF date tags as written, before parsing: (exifread tag name, text)."""
    width: int | None = None
    height: int | None = None
    notes: tuple[str, ...] = ()
    """Remarks: rejected dates and why."""
    error: str | None = None
    """Why the photo could not be decoded."""


@dataclass(frozen=True, kw_only=True)
class TextInfo:
    """A caption or narrative as read."""

    text: str | None
    """Normalised text (NFC, trimmed), or None when absent or unreadable."""
    file: str | None
    """File it came from, or None for the manifest."""
    source: str
    """'file' or 'manifest'."""
    encoding: str | None = None
    """Encoding used to decode the file."""
    note: str | None = None
    """E.g. 'decoded as cp1252 (legacy 8-bit)'."""
    error: str | None = None
    """Why the file could not be read."""


@dataclass(frozen=True, kw_only=True)
class RoleReading:
    """What an approval sheet shows for one role (issue 3: reading sheets)."""

    role: str
    """Role id from the rule pack."""
    found: bool
    """The role's label (or its box on sopcheck's own sheet) was found."""
    page: int | None = None
    """1-based page the role is on."""
    label_text: str | None = None
    """The label as OCR read it."""
    label_score: float | None = None
    """Fuzzy-match score of the label against the pack's aliases, 0..1."""
    region: tuple[int, int, int, int] | None = None
    """Signature area (x, y, w, h) in pixels of the prepared page image."""
    signature: str = "uncertain"
    """'signed', 'not_signed' or 'uncertain'."""
    signature_confidence: float = 0.0
    """0..1: how sure the signature call is."""
    decision: str | None = None
    """'setuju', 'tolak' or None when no clear decision was read."""
    decision_state: str = "unknown"
    """'clear', 'both' (both boxes ticked), 'neither', or 'unknown' (not found / unreadable)."""
    decision_confidence: float = 0.0
    date: dt.date | None = None
    """The date next to the role, when read with confidence."""
    date_text: str | None = None
    """The raw text the date was read from (or None: nothing read)."""
    date_confidence: float | None = None
    """OCR confidence of the date, 0..1."""
    signature_crop: bytes | None = None
    """PNG bytes of the signature area as judged (small), for the report."""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SheetReading:
    """One approval sheet file as read (issue 3)."""

    file: str
    """Path relative to the package."""
    kind: str
    """'own-template' (sopcheck's sheet, found by QR), 'free-form', or 'text-pdf'."""
    pages: int = 0
    text_layer: bool = False
    """True when the text came from a PDF text layer (no OCR)."""
    roles: tuple[RoleReading, ...] = ()
    qr: dict[str, str] | None = None
    """Decoded QR payload of sopcheck's own sheet: package, hash, rulepack."""
    caption_text: str | None = None
    """The caption printed on the sheet, when found."""
    ocr_confidence: float | None = None
    """Mean OCR word confidence, 0..1."""
    words: int = 0
    """Number of words read."""
    rotation: int = 0
    """Degrees the page was turned to read it (0, 90, 180, 270)."""
    notes: tuple[str, ...] = ()
    error: str | None = None
    """Why the sheet could not be read."""


@dataclass(frozen=True, kw_only=True)
class SignatureInfo:
    """One signature field of an approval PDF, validated with pyHanko (issue 8)."""

    file: str
    """Path of the PDF relative to the package."""
    field: str
    """Name of the signature form field."""
    status: str
    """'valid' (intact, no disallowed change, chain to a configured trust root), 'not_verified'
    (intact, but no trust root configured), 'invalid', 'empty' (a field never signed) or
    'unparseable' (pyHanko could not read the signature)."""
    reasons: tuple[str, ...] = ()
    """Why the status is not 'valid', one short English reason each."""
    intact: bool | None = None
    """The signed bytes hash to the signed digest and the signature value verifies."""
    coverage: str | None = None
    """'entire_file', 'entire_revision' (later revisions were added), 'contiguous_block' or 'unclear'."""
    modification: str | None = None
    """After signing: 'none', 'lta_updates', 'form_filling' (also further signatures) or 'other'."""
    signer: str | None = None
    """The signer certificate's subject, as a person reads it."""
    signer_name: str | None = None
    """The subject's common name."""
    signer_nip: str | None = None
    """The subject's serial number attribute (the NIP of an Indonesian civil servant), if any."""
    signer_title: str | None = None
    """The subject's title attribute, if any."""
    issuer: str | None = None
    serial: str | None = None
    """The certificate's serial number in hex."""
    not_before: dt.datetime | None = None
    not_after: dt.datetime | None = None
    claimed_time: dt.datetime | None = None
    """The signing time the signer's software wrote (CMS signingTime or /M): a claim, not proof."""
    timestamp_time: dt.datetime | None = None
    """The time in the signature's RFC 3161 timestamp token, when there is one."""
    timestamp_ok: bool | None = None
    """The timestamp token is intact and its signature valid (None: no token)."""
    trust: str = "not_verified"
    """'trusted', 'not_verified' (no trust root configured), 'untrusted', 'expired' or 'revoked'."""
    trust_detail: str | None = None
    """pyHanko's AdES sub-indication when trust failed, e.g. NO_CERTIFICATE_CHAIN_FOUND."""
    trust_anchor: str | None = None
    """The trust root the chain ends in, when trusted."""
    validated_at_timestamp: bool = False
    """The chain was validated at the timestamp's time (the signer certificate has expired since)."""
    revocation: str | None = None
    """The revocation information embedded in the file (DSS, Adobe archival), or None."""
    role: str | None = None
    """The rule-pack role the signer was mapped to, or None."""
    role_source: str | None = None
    """How: 'NIP on the sheet', 'name on the sheet' or 'certificate subject'."""

    @property
    def signing_time(self) -> tuple[dt.datetime | None, str | None]:
        """(time, source): the timestamp token's time first, then the claimed time."""
        if self.timestamp_time is not None and self.timestamp_ok:
            return self.timestamp_time, "timestamp token"
        if self.claimed_time is not None:
            return self.claimed_time, "claimed signing time"
        return None, None


@dataclass(frozen=True, kw_only=True)
class ESignFile:
    """What one approval file shows about electronic signatures (issue 8)."""

    file: str
    signatures: tuple[SignatureInfo, ...] = ()
    """Every signature field, signed or not, in the order of the revisions."""
    claims: tuple[str, ...] = ()
    """Text in the file that claims an electronic signature ('ditandatangani secara elektronik')."""
    foreign_qr: tuple[str, ...] = ()
    """QR codes on a scanned page that are not sopcheck's own (a scanned e-signed document's QR)."""
    scanned: bool = False
    """The file is a scan (image or image-only PDF), not a born-digital PDF."""
    error: str | None = None
    """Why the file could not be examined."""


@dataclass(frozen=True, kw_only=True)
class PackageEvidence:
    """All evidence extracted for one package; the input of the rules."""

    package: Package
    photos: tuple[PhotoInfo, ...]
    videos: tuple[str, ...]
    caption: TextInfo | None
    narrative: TextInfo | None
    activity_start: Dated | None
    """Resolved: manifest, folder name, narrative dateline or photos (weakest)."""
    activity_end: Dated | None
    approval_files: tuple[str, ...]
    approval_problems: tuple[tuple[str, str], ...] = ()
    """(file, reason) for approval files that could not be opened."""
    signed_pdfs: tuple[str, ...] = ()
    """Approval PDFs that carry a digital signature dictionary."""
    sheets: tuple[SheetReading, ...] = ()
    """Approval sheets as read (empty when no sheet was read)."""
    content_hash: str | None = None
    """Hash over caption + narrative + photo hashes, as printed in sopcheck's own sheet's QR code."""
    register_rows: tuple[dict[str, str], ...] | None = None
    """Rows of the batch register that match this package; None when there is no register."""
    register_file: str | None = None
    register_error: str | None = None
    """Why the register could not be read (REG-01 error), when it could not."""
    signatures: tuple[SignatureInfo, ...] = ()
    """Every signature field of the approval PDFs, validated (issue 8)."""
    esign: tuple[ESignFile, ...] = ()
    """Per approval file: signatures, e-signature claims in its text, foreign QR codes (issue 8)."""


@dataclass(frozen=True, kw_only=True)
class PackageResult:
    """The findings for one package, one per rule of the pack, in the pack's order."""

    id: str
    status: Status
    findings: tuple[Finding, ...]
    evidence: PackageEvidence | None = None
    """The evidence the findings rest on (for reports that show photos etc.)."""

    @property
    def photos(self) -> tuple[PhotoInfo, ...]:
        return self.evidence.photos if self.evidence else ()

    def finding(self, rule: str) -> Finding:
        return next(f for f in self.findings if f.rule == rule)

    @property
    def failed_rules(self) -> tuple[str, ...]:
        """Ids of the rules whose finding is fail or error, in the pack's order."""
        return tuple(f.rule for f in self.findings if f.status in (Status.FAIL, Status.ERROR))

    def _repr_html_(self) -> str:
        from .frames import package_html

        return package_html(self)


@dataclass(frozen=True, kw_only=True)
class AuditResult:
    """The result of a run: metadata and one PackageResult per package, sorted by id."""

    batch: str
    """Absolute path of the batch root."""
    rulepack: dict[str, str]
    """id, version, sha256, path of the rule pack."""
    tool: dict[str, str]
    """name and version of sopcheck."""
    started: dt.datetime
    finished: dt.datetime
    as_of: dt.datetime
    """Reference time for deadlines not yet due and times in the future."""
    lang: str
    packages: Sequence[PackageResult]
    """The package results in order: a tuple, or for a large batch a ``sopcheck.spool.Spool``
    (read back from a temporary file one at a time; ``tuple(result.packages)`` loads them all)."""
    inputs: tuple[dict[str, Any], ...] = ()
    """Every input file: package, path, size, sha256."""
    skipped: tuple[dict[str, str], ...] = ()
    """Folders of the batch that are not packages: folder, reason."""
    register_file: str | None = None
    """The register at the batch root (REG-01), when there is one."""
    register_unmatched: tuple[dict[str, str], ...] = ()
    """Rows of that register that name no package of the batch."""
    batch_findings: tuple[Finding, ...] = ()
    """Findings about the batch as a whole rather than one package: REG-01's register rows that
    name no package."""

    @property
    def status(self) -> Status:
        """The worst status of the packages and the batch findings."""
        return Status.worst(
            [*(p.status for p in self.packages), *(f.status for f in self.batch_findings)]
        )

    def findings_frame(self):
        """One row per (package, rule) as a pandas DataFrame (needs pandas)."""
        from .frames import findings_frame

        return findings_frame(self)

    def packages_frame(self):
        """One row per package as a pandas DataFrame (needs pandas)."""
        from .frames import packages_frame

        return packages_frame(self)

    def summary(self) -> str:
        """Packages by status and the rules failing most, as a few lines of text."""
        from .frames import summary

        return summary(self)

    def to_json(self) -> str:
        """The JSON report (schema_version 1) as a string."""
        from .report.json import dumps

        return dumps(self)

    def _repr_html_(self) -> str:
        from .frames import result_html

        return result_html(self)
