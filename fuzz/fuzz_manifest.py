"""atheris harness: the manifest reader (safe YAML loading, size and alias limits, field checks).

Run through ``make fuzz``. Any bytes must give a Manifest whose problems name the file and a reason,
never an exception, and never an object other than plain data.
"""

from __future__ import annotations

import datetime as dt
import sys

import atheris

with atheris.instrument_imports(include=["sopcheck", "yaml"]):
    from sopcheck.manifest import Manifest, read_manifest

WIB = dt.timezone(dt.timedelta(hours=7))
ROLES = ("tim_pertimbangan", "ketua_ppid_pelaksana", "atasan_ppid_pelaksana")


def test_one_input(data: bytes) -> None:
    m = read_manifest(data, "paket.yaml", WIB, ROLES)
    assert isinstance(m, Manifest)
    for p in m.problems:
        assert p.file == "paket.yaml" and isinstance(p.reason, str) and p.reason


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
