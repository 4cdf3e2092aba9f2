"""sopcheck.rulepack: the default pack, and every fault of a pack named by file and key."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import sopcheck.rulepack
from sopcheck.errors import ExitCode, RulePackError
from sopcheck.model import Severity
from sopcheck.rulepack import DEFAULT_PACK, available_packs, load_rulepack, resolve

SPEC_ORDER = [
    "KLP-01", "KLP-02", "KLP-03",
    "WKT-01", "WKT-02", "WKT-03", "WKT-04", "WKT-05", "WKT-06",
    "PST-01", "PST-02", "PST-03", "PST-04", "PST-05",
    "REG-01", "INT-01", "INT-02",
]  # fmt: skip
ROLE_IDS = ["tim_pertimbangan", "ketua_ppid_pelaksana", "atasan_ppid_pelaksana"]


@pytest.fixture(scope="module")
def default_path() -> Path:
    return resolve(None)


@pytest.fixture(scope="module")
def default_data(default_path: Path) -> dict[str, Any]:
    return yaml.safe_load(default_path.read_bytes())


# --- the default pack --------------------------------------------------------------------------


def test_default_pack_rules_in_spec_order(default_path: Path) -> None:
    pack = load_rulepack()
    assert [r.id for r in pack.rules] == SPEC_ORDER
    assert len(pack.rules) == 17
    assert pack.sha256 == hashlib.sha256(default_path.read_bytes()).hexdigest()
    assert Path(pack.path).resolve() == default_path.resolve()
    assert pack.meta() == {
        "id": pack.id,
        "version": pack.version,
        "sha256": pack.sha256,
        "path": pack.path,
    }


def test_default_pack_contents() -> None:
    pack = load_rulepack()
    assert pack.timezone == "Asia/Jakarta"
    assert str(pack.tz) == "Asia/Jakarta"
    assert [r.id for r in pack.roles] == ROLE_IDS
    assert pack.rule("KLP-01").params["min_photos"] == 4
    assert pack.rule("KLP-01").params["count_videos"] is False
    assert pack.rule("KLP-03").params["max_chars"] == 200
    assert pack.rule("KLP-02").params["min_words"] == 1
    assert pack.rule("WKT-01").params["missing_status"] == "warn"
    assert [pack.rule(f"WKT-0{i}").params["role"] for i in (3, 4, 5)] == ROLE_IDS
    assert all(pack.rule(f"WKT-0{i}").params["max_days"] == 1 for i in (3, 4, 5, 6))
    assert pack.rule("WKT-03").params["working_days"] is False
    assert pack.rule("PST-02").params["require"] == "any"
    assert pack.rule("PST-01").severity is Severity.CRITICAL
    assert all(set(r.title) == {"id", "en"} for r in pack.rules)
    with pytest.raises(KeyError):
        pack.rule("XXX-99")


def test_load_by_name(default_path: Path) -> None:
    assert DEFAULT_PACK == "lamandau-medsos-2015"
    pack = load_rulepack("lamandau-medsos-2015")
    assert Path(pack.path).resolve() == default_path.resolve()
    assert [r.id for r in pack.rules] == SPEC_ORDER
    assert "lamandau-medsos-2015" in [p.stem for p in available_packs()]


def test_load_by_path(default_path: Path) -> None:
    assert load_rulepack(default_path).sha256 == load_rulepack().sha256
    assert load_rulepack(str(default_path)).sha256 == load_rulepack().sha256


def test_unknown_name_lists_available() -> None:
    with pytest.raises(RulePackError) as ei:
        load_rulepack("no-such-pack")
    msg = str(ei.value)
    assert "no-such-pack" in msg
    assert "lamandau-medsos-2015" in msg
    assert ei.value.exit_code == ExitCode.USAGE


def test_missing_yaml_file(tmp_path: Path) -> None:
    with pytest.raises(RulePackError) as ei:
        load_rulepack(tmp_path / "absent.yaml")
    assert "absent.yaml" in str(ei.value)


# --- faults in modified copies --------------------------------------------------------------------


def _rule(data: dict, rule_id: str) -> dict:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def _set(path: list, value: Any) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        for k in path[:-1]:
            d = _rule(d, k) if isinstance(k, str) and "-" in k else d[k]
        d[path[-1]] = value

    return edit


def _del(key: str) -> Callable[[dict], None]:
    return lambda d: d.pop(key)


def _dup_rule(d: dict) -> None:
    d["rules"].append(copy.deepcopy(d["rules"][2]))


def _dup_role(d: dict) -> None:
    d["roles"].append(copy.deepcopy(d["roles"][0]))


CASES = {
    "unknown top-level key": (_set(["penulis"], "x"), "penulis"),
    "unknown rule key": (_set(["KLP-01", "bobot"], 3), "rules[0].bobot"),
    "wrong param type": (_set(["KLP-01", "params", "min_photos"], "four"), "params.min_photos"),
    "bool for int": (_set(["KLP-01", "params", "min_photos"], True), "params.min_photos"),
    "float for int": (_set(["KLP-03", "params", "max_chars"], 200.5), "params.max_chars"),
    "negative int": (_set(["KLP-01", "params", "min_photos"], -1), "params.min_photos"),
    "int for bool": (_set(["WKT-03", "params", "working_days"], 1), "params.working_days"),
    "list of non-text": (
        _set(["INT-02", "params", "editing_software"], ["gimp", 3]),
        "params.editing_software",
    ),
    "choice not allowed": (_set(["PST-02", "params", "require"], "most"), "params.require"),
    "unknown check": (_set(["KLP-02", "check"], "narrative_presnt"), "check"),
    "duplicate rule id": (_dup_rule, "KLP-03"),
    "duplicate role id": (_dup_role, "roles[3].id"),
    "unknown severity": (_set(["KLP-01", "severity"], "blocker"), "severity"),
    "unknown param": (_set(["KLP-01", "params", "min_fotos"], 4), "params.min_fotos"),
    "param role not in roles": (_set(["WKT-03", "params", "role"], "bupati"), "params.role"),
    "invalid timezone": (_set(["timezone"], "Asia/Nanga_Bulik"), "timezone"),
    "timezone path traversal": (_set(["timezone"], "../../etc/passwd"), "timezone"),
    "bad language": (_set(["language"], "fr"), "language"),
    "missing rules": (_del("rules"), "rules"),
    "missing id": (_del("id"), "id"),
    "missing timezone": (_del("timezone"), "timezone"),
    "empty rules": (_set(["rules"], []), "rules"),
    "rules not a list": (_set(["rules"], {"KLP-01": {}}), "rules"),
    "rule not a mapping": (_set(["rules", 0], "KLP-01"), "rules[0]"),
    "missing rule check": (lambda d: _rule(d, "KLP-01").pop("check"), "rules[0].check"),
    "title language": (_set(["KLP-01", "title"], {"id": "x", "fr": "y"}), "title.fr"),
    "version as number": (_set(["version"], 2015.1), "version"),
    "unknown role key": (_set(["roles", 0, "nip"], "123"), "roles[0].nip"),
}


@pytest.mark.parametrize(("edit", "key"), list(CASES.values()), ids=list(CASES))
def test_invalid_pack_names_file_and_key(
    tmp_path: Path, default_data: dict, edit: Callable[[dict], None], key: str
) -> None:
    data = copy.deepcopy(default_data)
    edit(data)
    p = tmp_path / "pack.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(RulePackError) as ei:
        sopcheck.rulepack.load_rulepack(p)
    err = ei.value
    assert str(p) in str(err)
    assert err.path == str(p)
    assert key in err.key
    assert key in str(err)
    assert err.reason


def test_unmodified_dump_loads(tmp_path: Path, default_data: dict) -> None:
    """The edits above are what fails, not the dump itself."""
    p = tmp_path / "pack.yaml"
    p.write_text(yaml.safe_dump(default_data, allow_unicode=True, sort_keys=False), "utf-8")
    pack = load_rulepack(p)
    assert [r.id for r in pack.rules] == SPEC_ORDER
    assert pack.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


def test_invalid_yaml(tmp_path: Path, default_path: Path) -> None:
    p = tmp_path / "broken.yaml"
    p.write_text(default_path.read_text("utf-8") + "\nrules: [unclosed\n", "utf-8")
    with pytest.raises(RulePackError) as ei:
        load_rulepack(p)
    assert str(p) in str(ei.value)
    assert "YAML" in str(ei.value)


@pytest.mark.parametrize("content", ["", "- a\n- b\n", "just text\n"])
def test_not_a_mapping(tmp_path: Path, content: str) -> None:
    p = tmp_path / "pack.yaml"
    p.write_text(content, "utf-8")
    with pytest.raises(RulePackError) as ei:
        load_rulepack(p)
    assert str(p) in str(ei.value)
    assert "mapping" in str(ei.value)


def test_python_tag_rejected(tmp_path: Path, default_path: Path) -> None:
    p = tmp_path / "pack.yaml"
    text = default_path.read_text("utf-8").replace(
        "office: Pemerintah Kabupaten Lamandau",
        'office: !!python/object/apply:os.system ["echo hi"]',
    )
    assert "python/object" in text
    p.write_text(text, "utf-8")
    with pytest.raises(RulePackError) as ei:
        load_rulepack(p)
    assert str(p) in str(ei.value)


def test_defaults_filled_for_omitted_params(tmp_path: Path, default_data: dict) -> None:
    data = copy.deepcopy(default_data)
    del _rule(data, "KLP-01")["params"]
    _rule(data, "WKT-04")["params"] = {"role": "ketua_ppid_pelaksana"}
    p = tmp_path / "pack.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    pack = load_rulepack(p)
    assert pack.rule("KLP-01").params == {
        "min_photos": 4,
        "count_videos": False,
        "duplicate_max_distance": 5,
    }
    assert pack.rule("WKT-04").params["max_days"] == 1
    assert pack.rule("WKT-04").params["working_days"] is False


def test_reordered_pack_keeps_file_order(tmp_path: Path, default_data: dict) -> None:
    data = copy.deepcopy(default_data)
    data["rules"].reverse()
    p = tmp_path / "pack.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    assert [r.id for r in load_rulepack(p).rules] == SPEC_ORDER[::-1]
