"""The notebooks in notebooks/ and ``sopcheck report --notebook`` (sopcheck.notebook).

The notebooks are executed with a real kernel (ipykernel's ``python3``) on the sample batch.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat  # the dev extra installs nbformat, nbclient, nbconvert and ipykernel
import pytest

from sopcheck.cli import main
from sopcheck.errors import SopcheckError, UsageError
from sopcheck.notebook import NotebookError, inject_parameters, run_notebook
from sopcheck.sample import generate

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
AUDIT = NOTEBOOKS / "01-audit-a-batch.ipynb"
MONTHLY = NOTEBOOKS / "02-monthly-report.ipynb"
# a plot: an <img> with an inline PNG (the exporter's CSS also holds a data:image/png)
PLOT = re.compile(r"<img[^>]*src=\"data:image/png;base64,")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("sample") / "batch")


@pytest.mark.parametrize("path", [AUDIT, MONTHLY], ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for i, cell in enumerate(code):
        assert cell.outputs == [], f"{path.name}: code cell {i} has outputs"
        assert cell.execution_count is None, f"{path.name}: code cell {i} has an execution count"


def test_monthly_report_has_a_papermill_parameters_cell() -> None:
    nb = nbformat.read(MONTHLY, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    values: dict[str, object] = {}
    exec(cells[0].source, values)
    assert {k: values[k] for k in ("batch", "period", "lang")} == {
        "batch": "",
        "period": "2024-03",
        "lang": "id",
    }


def test_parameters_are_injected_after_the_parameters_cell() -> None:
    nb = nbformat.read(MONTHLY, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    assert inject_parameters(nb, {"period": "2024-04"}) == at + 1
    assert inject_parameters(nb, {"lang": "en", "period": "it's"}) == at + 1  # replaces the first
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    values: dict[str, object] = {}
    exec(nb.cells[at].source + injected[0].source, values)
    assert (values["lang"], values["period"], values["batch"]) == ("en", "it's", "")
    with pytest.raises(UsageError, match="identifier"):
        inject_parameters(nb, {"not a name": "x"})


def test_audit_notebook_executes_on_the_sample_batch(batch: Path, tmp_path: Path) -> None:
    out = run_notebook(AUDIT, tmp_path / "audit.html", {}, batch)
    assert out == tmp_path / "audit.html"
    html = out.read_text(encoding="utf-8")
    assert len(PLOT.findall(html)) >= 3  # by rule (status), by rule/unit/month, photo time line
    assert "plt.show()" not in html and "import matplotlib" not in html  # code hidden
    assert "2024-03-19-foto-kemarin" in html
    # the crops of uncertain signatures (a 4th inline PNG), or the line saying there are none
    assert "There are no uncertain signatures" in html or len(PLOT.findall(html)) >= 4
    assert "Traceback" not in html


def test_monthly_notebook_executes_in_english(batch: Path, tmp_path: Path) -> None:
    out = run_notebook(MONTHLY, tmp_path / "m.html", {"lang": "en", "period": "2024-03"}, batch)
    html = out.read_text(encoding="utf-8")
    assert PLOT.search(html)
    assert "Monthly compliance report: 2024-03" in html
    assert "Items for review" in html and "Rules failing" in html
    assert "2024-03-14-tiga-foto" in html and "2024-04-01-tanpa-persetujuan" not in html
    assert "HEADINGS" not in html  # code hidden


def test_cli_report_notebook(
    batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOPCHECK_LANG", "en")  # the command line's own words in English
    out = tmp_path / "report.html"
    argv = ["report", "--notebook", str(MONTHLY), str(batch), "-o", str(out)]
    code = main([*argv, "-p", "period", "2024-04", "--show-code"])
    assert code == 0, capsys.readouterr().err
    assert capsys.readouterr().out.strip() == str(out)
    html = out.read_text(encoding="utf-8")
    assert "Laporan kepatuhan bulanan: 2024-04" in html  # lang defaults to id
    assert "2024-04-01-tanpa-persetujuan" in html and "2024-03-14-tiga-foto" not in html
    assert "HEADINGS" in html  # --show-code keeps the code
    # usage errors end with exit code 2 and one line, before any kernel starts
    assert main([*argv, "-p", "batch", "elsewhere"]) == 2
    assert "-p batch" in capsys.readouterr().err
    assert (
        main(["report", "--notebook", str(MONTHLY), str(batch), "-o", str(batch / "x.html")]) == 2
    )
    assert "inside the batch" in capsys.readouterr().err
    monkeypatch.setenv("SOPCHECK_LANG", "id")
    assert main([*argv, "-p", "x", "1", "-p", "x", "2"]) == 2
    assert capsys.readouterr().err.strip() == "sopcheck: galat: -p x: diberikan dua kali"
    assert main(["report", "--notebook", str(MONTHLY), str(tmp_path / "none"), "-o", str(out)]) == 4


def test_a_cell_error_is_a_clean_error(
    batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# broken"),
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_code_cell("raise ValueError('boom in the notebook')"),
            nbformat.v4.new_code_cell("print('never')"),
        ]
    )
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "broken.html"
    with pytest.raises(NotebookError) as info:
        run_notebook(path, out, {}, batch)
    assert isinstance(info.value, SopcheckError)
    message = str(info.value)
    assert "cell 3" in message  # counted as in the notebook: the injected cell does not count
    assert "raise ValueError" in message and "ValueError: boom in the notebook" in message
    assert not out.exists()
    os.environ["SOPCHECK_LANG"] = "en"  # the command line's own words in English
    try:
        code = main(["report", "--notebook", str(path), str(batch), "-o", str(out)])
    finally:
        del os.environ["SOPCHECK_LANG"]
    err = capsys.readouterr().err
    assert code == NotebookError.exit_code
    assert "sopcheck: error:" in err and "boom in the notebook" in err
    assert "Traceback" not in err and not out.exists()
