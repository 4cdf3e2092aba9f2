"""The extraction cache: warm reruns read nothing again, corrupt files are rebuilt, keys follow content."""

from __future__ import annotations

import hashlib

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


def test_warm_rerun_reads_no_file_to_hash_it(tmp_path, monkeypatch):
    """Digests are remembered by (path, device, inode, size, mtime, ctime): no photo is read again."""
    import sopcheck.discover as discover_mod
    import sopcheck.engine as engine_mod

    make_package(tmp_path / "batch")
    store = tmp_path / "cache"
    first = sopcheck.check(tmp_path / "batch", cache=store, as_of="2025-01-01", jobs=1)

    def boom(*a, **k):
        raise AssertionError("a file was read to hash it on a warm cache")

    monkeypatch.setattr(discover_mod, "sha256_file", boom)
    monkeypatch.setattr(engine_mod, "sha256_file", boom)
    second = sopcheck.check(tmp_path / "batch", cache=store, as_of="2025-01-01", jobs=1)
    assert second.inputs == first.inputs


def test_changed_file_with_same_size_and_mtime_is_hashed_again(tmp_path):
    """Same size, mtime put back: the ctime still changes, so the new content gets a new digest."""
    import os

    pkg = make_package(tmp_path / "batch")
    store = tmp_path / "cache"
    caption = pkg / "caption.txt"
    before = sopcheck.check(tmp_path / "batch", cache=store, as_of="2025-01-01", jobs=1)
    st = caption.stat()
    caption.write_bytes(caption.read_bytes().swapcase())  # same size, other bytes
    os.utime(caption, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = sopcheck.check(tmp_path / "batch", cache=store, as_of="2025-01-01", jobs=1)

    def sha(result):
        return next(i["sha256"] for i in result.inputs if i["path"] == "caption.txt")

    assert sha(after) != sha(before)
    assert sha(after) == hashlib.sha256(caption.read_bytes()).hexdigest()


def test_no_cache_hashes_every_file(tmp_path, monkeypatch):
    import sopcheck.discover as discover_mod

    make_package(tmp_path / "batch")
    calls = []
    real = discover_mod.sha256_file
    monkeypatch.setattr(discover_mod, "sha256_file", lambda p: calls.append(p) or real(p))
    result = sopcheck.check(tmp_path / "batch", cache=False, as_of="2025-01-01", jobs=1)
    assert len(calls) == len(result.inputs) > 0


def test_default_cache_on_a_dask_worker_is_the_workers_own(tmp_path, monkeypatch):
    """Cache(None) resolves the folder where it is used, not where it was made."""
    import pickle

    monkeypatch.setenv("SOPCHECK_CACHE_DIR", str(tmp_path / "client"))
    c = pickle.loads(pickle.dumps(Cache(None)))
    monkeypatch.setenv("SOPCHECK_CACHE_DIR", str(tmp_path / "worker"))
    c.put("k", 1)
    assert (tmp_path / "worker" / "cache.sqlite3").exists()
    assert not (tmp_path / "client").exists()


def test_the_extractors_fingerprints_cover_every_module_they_import():
    """A module the sheet reader imports (even inside a function) is part of its fingerprint, so
    changing it can never serve a stale cached reading."""
    from sopcheck.cache import import_closure
    from sopcheck.extract.package import ESIGN_MODULES, PHOTO_MODULES, SHEET_MODULES

    for name in ("perspective", "pages", "ocr", "inkstamp", "sheet_dates", "own_sheet"):
        assert f"sopcheck.extract.{name}" in SHEET_MODULES
    assert "sopcheck.template" in SHEET_MODULES  # the own sheet's layout
    assert "sopcheck.extract.photos" in PHOTO_MODULES and "sopcheck.dates" in PHOTO_MODULES
    assert "sopcheck.extract.esign_roles" in ESIGN_MODULES
    assert "sopcheck.model" not in SHEET_MODULES  # only the extraction code is followed
    # 'from . import ocr' inside a function is followed; 'from .ocr import Word' names the module
    assert "sopcheck.extract.ocr" in import_closure("sopcheck.extract.pages")


def test_a_busy_cache_is_waited_for_not_taken_for_corrupt(tmp_path, monkeypatch):
    """SQLITE_BUSY while a new cache is set up (several workers open it at once) is retried; the
    database is moved aside only when it is damaged."""
    import sqlite3

    from sopcheck import cache as C

    store = C.Cache(tmp_path)
    store.put("k", "kept")
    store.close()
    real, calls = C.Cache._connect, []

    def busy_twice(path):
        calls.append(path)
        if len(calls) <= 2:
            e = sqlite3.OperationalError("database is locked")
            e.sqlite_errorname = "SQLITE_BUSY"
            raise e
        return real(path)

    monkeypatch.setattr(C.Cache, "_connect", staticmethod(busy_twice))
    assert C.Cache(tmp_path).get("k") == "kept" and len(calls) == 3
    assert not list(tmp_path.glob("*.corrupt"))
    # busy for longer than BUSY_SECONDS: the run goes on without the cache, which stays whole
    C.Cache(tmp_path).close()
    monkeypatch.setattr(C, "BUSY_SECONDS", 0.05)
    monkeypatch.setattr(C.Cache, "_connect", staticmethod(_always_busy))
    assert C.Cache(tmp_path).get("k") is None
    C.Cache(tmp_path).put("k2", "x")  # no error either
    assert not list(tmp_path.glob("*.corrupt"))
    monkeypatch.setattr(C.Cache, "_connect", staticmethod(real))
    assert C.Cache(tmp_path).get("k") == "kept"


def _always_busy(path):
    import sqlite3

    e = sqlite3.OperationalError("database is locked")
    e.sqlite_errorname = "SQLITE_BUSY"
    raise e


def _open_and_put(args):
    from pathlib import Path

    from sopcheck.cache import Cache

    folder, i = args
    store = Cache(Path(folder))
    for k in range(10):
        store.put(f"{i}-{k}", b"x" * 5000)
    return i


def test_workers_opening_a_new_cache_at_once_keep_it(tmp_path):
    """Six processes set up the same new cache at the same moment, ten times over: no copy is
    moved aside as corrupt and every entry is there (before the fix: about one round in six)."""
    import multiprocessing as mp

    from sopcheck.cache import Cache

    for r in range(10):
        folder = tmp_path / str(r)
        with mp.get_context("fork").Pool(6) as pool:
            pool.map(_open_and_put, [(str(folder), i) for i in range(6)])
        assert not list(folder.glob("*.corrupt"))
        assert Cache(folder).info()["entries"] == 60
