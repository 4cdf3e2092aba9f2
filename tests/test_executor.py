"""The executors: a dead worker costs one package, Ctrl-C stops cleanly, and serial, process-pool
and Dask runs give the same report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import golden
import psutil
import pytest
from builders import make_package

import sopcheck
from sopcheck import engine
from sopcheck.executor import WORKER_DIED, run_pool
from sopcheck.report.json import to_dict
from sopcheck.sample import generate

KILLERS = {3, 7}


def _square_or_die(x: int) -> int:
    if x in KILLERS:
        os.kill(os.getpid(), signal.SIGKILL)
    return x * x


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_pool_a_killed_worker_costs_only_its_item():
    got = dict(run_pool(_square_or_die, list(range(12)), 2, lambda x, why: ("broken", x, why)))
    assert sorted(got) == list(range(12))
    for i in range(12):
        assert got[i] == (("broken", i, WORKER_DIED) if i in KILLERS else i * i)


def test_pool_interrupted_kills_its_workers():
    before = {p.pid for p in psutil.Process().children(recursive=True)}  # other tests' helpers
    stream = run_pool(_pid_after, [0.0, 0.0] + [30.0] * 6, 2, lambda x, why: None)
    _, first = next(stream)
    workers = [p for p in psutil.Process().children(recursive=True) if p.pid not in before]
    assert first in {p.pid for p in workers}
    with pytest.raises(KeyboardInterrupt):
        stream.throw(KeyboardInterrupt)
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []


def test_batch_with_a_worker_killed_mid_batch(tmp_path, monkeypatch):
    batch = tmp_path / "batch"
    names = [f"2024-03-1{i}-kegiatan-{i}" for i in range(6)]
    for name in names:
        make_package(batch, name, photos=4)
    victim = names[2]
    real = engine.gather

    def gather(pkg, *a, **k):  # runs in the forked workers: the patch is inherited
        if pkg.id == victim:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(pkg, *a, **k)

    serial = sopcheck.check(batch, as_of=golden.AS_OF, jobs=1, cache=False, read_sheets=False)
    monkeypatch.setattr(engine, "gather", gather)
    pooled = sopcheck.check(batch, as_of=golden.AS_OF, jobs=2, cache=False, read_sheets=False)
    by_id = {p.id: p for p in pooled.packages}
    assert [p.id for p in pooled.packages] == names
    dead = by_id[victim]
    assert dead.status == sopcheck.Status.ERROR
    assert {f.message_id for f in dead.findings} == {"engine.worker_died"}
    assert len(dead.findings) == len(sopcheck.load_rulepack().rules)
    for p in serial.packages:
        if p.id != victim:
            assert [(f.rule, f.status, f.message) for f in by_id[p.id].findings] == [
                (f.rule, f.status, f.message) for f in p.findings
            ]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("sample") / "batch")


def _report(result) -> dict:
    doc = json.loads(json.dumps(to_dict(result)))
    for k in ("started", "finished", "duration_seconds"):
        doc["run"].pop(k, None)
    return doc


@pytest.fixture(scope="module")
def serial_report(sample, tmp_path_factory) -> dict:
    cache = tmp_path_factory.mktemp("cache-serial")
    return _report(sopcheck.check(sample, as_of=golden.AS_OF, jobs=1, cache=cache))


def test_process_pool_report_is_identical_to_serial(sample, serial_report, tmp_path):
    # cold cache of its own, and no crops kept: neither may change the JSON report
    pooled = sopcheck.check(
        sample, as_of=golden.AS_OF, jobs=2, cache=tmp_path / "cache", keep_crops=False
    )
    assert not any(r.signature_crop for p in pooled.packages for r in _roles(p))
    assert _report(pooled) == serial_report


def test_dask_report_is_identical_to_serial(sample, serial_report, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, memory_limit="1GiB",
        dashboard_address=None, silence_logs=40,
    ) as cluster:  # fmt: skip
        seen = []
        result = sopcheck.check(
            sample, as_of=golden.AS_OF, cache=tmp_path / "cache", executor="dask",
            scheduler=cluster.scheduler_address, progress=seen.append,
        )  # fmt: skip
    assert len(seen) == len(result.packages)
    assert _report(result) == serial_report
    roles = [r for p in result.packages for r in _roles(p)]
    assert any(r.signature_crop for r in roles)  # crops are kept by default


def _roles(p):
    return [r for s in (p.evidence.sheets if p.evidence else ()) for r in s.roles]


def test_dask_without_scheduler_is_a_usage_error(sample):
    with pytest.raises(sopcheck.UsageError, match="scheduler"):
        sopcheck.check(sample, executor="dask", read_sheets=False)


def test_sigint_stops_the_run_with_130_and_leaves_the_old_report(sample, tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    old = {"sopcheck-report.json": b'{"old": true}\n', "sopcheck-report.md": b"# old\n"}
    for name, data in old.items():
        (out / name).write_bytes(data)
    cmd = [sys.executable, "-m", "sopcheck.cli", "check", str(sample), "--out", str(out),
           "--jobs", "2", "--no-cache", "--as-of", golden.AS_OF, "--lang", "en"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        me = psutil.Process(proc.pid)
        deadline = time.monotonic() + 60
        while len(me.children()) < 2 and time.monotonic() < deadline:  # the workers are up
            time.sleep(0.1)
        time.sleep(1.0)
        workers = me.children(recursive=True)
        assert len(workers) >= 2 and proc.poll() is None
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err.decode()
    assert b"interrupted" in err and b"Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []


def test_cli_dask_executor_writes_the_report(tmp_path):
    distributed = pytest.importorskip("distributed")
    make_package(tmp_path / "batch")
    out = tmp_path / "report"
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, memory_limit="1GiB",
        dashboard_address=None, silence_logs=40,
    ) as cluster:  # fmt: skip
        cmd = [sys.executable, "-m", "sopcheck.cli", "check", str(tmp_path / "batch"), "--out",
               str(out), "--executor", "dask", "--scheduler", cluster.scheduler_address,
               "--as-of", golden.AS_OF, "--format", "json", "--quiet"]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    doc = json.loads((out / "sopcheck-report.json").read_text())
    assert [p["id"] for p in doc["packages"]] == ["2024-03-12-musrenbang-bulik"]


def test_cli_scheduler_without_dask_is_a_usage_error(tmp_path):
    make_package(tmp_path / "batch")
    cmd = [sys.executable, "-m", "sopcheck.cli", "check", str(tmp_path / "batch"), "--out",
           str(tmp_path / "r"), "--scheduler", "tcp://127.0.0.1:1"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--executor dask" in done.stderr


def test_interrupt_in_the_progress_callback_stops_the_workers_before_check_returns(tmp_path):
    for i in range(6):
        make_package(tmp_path / "batch", f"2024-03-1{i}-kegiatan-{i}", photos=4)
    seen = []
    before = {p.pid for p in psutil.Process().children(recursive=True)}  # other tests' helpers

    def progress(res):
        seen.extend(p for p in psutil.Process().children(recursive=True) if p.pid not in before)
        raise KeyboardInterrupt

    try:
        sopcheck.check(tmp_path / "batch", as_of=golden.AS_OF, jobs=2, cache=False,
                       read_sheets=False, progress=progress)  # fmt: skip
    except KeyboardInterrupt:  # checked while the traceback (and check()'s frame) is still alive
        alive = [p for p in seen if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    else:
        pytest.fail("KeyboardInterrupt was swallowed")
    assert seen and not alive


def test_unreachable_dask_scheduler_is_a_clear_usage_error(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("sopcheck.executor.CONNECT_TIMEOUT", "1s")
    make_package(tmp_path / "batch")
    with pytest.raises(sopcheck.UsageError, match="cannot reach the Dask scheduler"):
        sopcheck.check(tmp_path / "batch", executor="dask", scheduler="tcp://127.0.0.1:9",
                       read_sheets=False)  # fmt: skip
