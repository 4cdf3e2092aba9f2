"""The extraction cache: warm reruns read nothing again, corrupt files are rebuilt, keys follow content."""

from __future__ import annotations

import pytest
from builders import make_package

import sopcheck
from sopcheck.cache import Cache
from sopcheck.extract import package as package_mod


def test_warm_rerun_decodes_no_photo_and_opens_or_reads_no_sheet(tmp_path, monkeypatch):
    make_package(tmp_path / "batch")
    store = tmp_path / "cache"
    first = sopcheck.check(tmp_path / "batch", cache=store, as_of="2025-01-01", jobs=1)

    def boom(*a, **k):
        raise AssertionError("extractor called on a warm cache")

    monkeypatch.setattr(package_mod, "read_photo", boom)
    monkeypatch.setattr(package_mod, "open_approval", boom)
    import sopcheck.extract.sheets as sheets_mod

    monkeypatch.setattr(sheets_mod, "read_sheet", boom)
    second = sopcheck.check(tmp_path / "batch", cache=store, as_of="2025-01-01", jobs=1)
    assert [f.status for f in second.packages[0].findings] == [
        f.status for f in first.packages[0].findings
    ]


def test_changed_file_is_extracted_again(tmp_path, monkeypatch):
    pkg = make_package(tmp_path / "batch")
    store = tmp_path / "cache"
    sopcheck.check(tmp_path / "batch", cache=store, as_of="2025-01-01", jobs=1)
    calls = []
    real = package_mod.read_photo
    monkeypatch.setattr(
        package_mod, "read_photo", lambda *a, **k: calls.append(a[1]) or real(*a, **k)
    )
    photo = sorted((pkg / "foto").iterdir())[0]
    photo.write_bytes(photo.read_bytes() + b"\0")  # new content, same name
    sopcheck.check(tmp_path / "batch", cache=store, as_of="2025-01-01", jobs=1)
    assert calls == [f"foto/{photo.name}"]


def test_corrupt_cache_file_is_rebuilt(tmp_path):
    store = tmp_path / "cache"
    store.mkdir()
    (store / "cache.sqlite3").write_bytes(b"this is not a database" * 100)
    c = Cache(store)
    c.put("k", {"v": 1})
    assert c.get("k") == {"v": 1}
    assert (store / "cache.corrupt").exists()


@pytest.mark.parametrize("params", [{"langs": "ind+eng"}, {"langs": "eng"}])
def test_keys_depend_on_parameters(params):
    assert Cache.key("a" * 64, "x", **params) != Cache.key("a" * 64, "x", langs="other")
