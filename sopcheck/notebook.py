"""Render a notebook as an HTML report: inject parameters, execute with nbclient, export with nbconvert.

``sopcheck report --notebook notebooks/02-monthly-report.ipynb BATCH -o report.html -p period 2024-03``

Parameters follow papermill's convention without depending on papermill: the values are
written as Python assignments into a new cell tagged ``injected-parameters``, placed right after
the cell tagged ``parameters`` (at the top when the notebook has none). The batch is passed both
as the parameter ``batch`` and as the environment variable ``BATCH`` of the kernel, so notebooks
without a parameters cell can use it too.

Needs nbformat, nbclient, nbconvert and ipykernel (the kernel ``python3``; ipykernel installed
in the same environment provides it under ``sys.prefix/share/jupyter/kernels``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import BatchError, ExitCode, SopcheckError, UsageError
from .report.atomic import write_atomic

KERNEL = "python3"
CELL_TIMEOUT = 120
"""Seconds one cell may run."""

_NEEDS = "notebooks need nbformat, nbclient, nbconvert and ipykernel: pip install nbclient nbconvert ipykernel"


class NotebookError(SopcheckError):
    """A notebook could not be read or executed, or one of its cells raised."""

    exit_code = ExitCode.USAGE


def _imports():
    try:
        import nbclient
        import nbformat
        from nbconvert import HTMLExporter
    except ImportError as e:
        raise UsageError(f"{_NEEDS} ({e})") from None
    return nbformat, nbclient, HTMLExporter


def inject_parameters(nb, params: dict[str, str]) -> int:
    """Insert a cell assigning ``params`` after the ``parameters`` cell; return its index.

    An earlier injected cell (tag ``injected-parameters``) is replaced, as papermill does.
    """
    import nbformat

    for key in params:
        if not key.isidentifier():
            raise UsageError(f"-p {key!r}: a parameter name must be a Python identifier")
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    source = "# Parameters\n" + "".join(f"{k} = {str(v)!r}\n" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    at = next(
        (i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), 0
    )
    nb.cells.insert(at, cell)
    return at


def _describe(index: int, cell, injected: int) -> str:
    """The cell as the notebook's author counts it (from 1, the injected cell not counted)."""
    if index == injected:
        return "the injected parameters cell"
    number = index + (0 if index > injected else 1)
    first = next((line for line in cell.source.splitlines() if line.strip()), "").strip()
    return f"cell {number} ({first[:60]!r})" if first else f"cell {number}"


def _failed_cell(nb) -> tuple[int, object] | None:
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", ()):
            if out.get("output_type") == "error":
                return i, out
    return None


def run_notebook(
    nb_path: Path,
    out_html: Path,
    params: dict[str, str],
    batch: Path,
    hide_code: bool = True,
) -> Path:
    """Execute ``nb_path`` on ``batch`` with ``params`` and write the HTML to ``out_html``.

    The kernel is ``python3``, each cell may run :data:`CELL_TIMEOUT` seconds and the working
    folder is a new temporary folder. With ``hide_code`` the HTML shows outputs and Markdown
    only. A cell that raises stops the run with a :class:`NotebookError` naming the cell; the
    output file is written atomically and only on success. Returns ``out_html``.
    """
    nbformat, nbclient, HTMLExporter = _imports()
    nb_path, out_html, batch = Path(nb_path), Path(out_html), Path(batch).resolve()
    if not batch.is_dir():
        raise BatchError("err.not_folder", path=batch)
    if "batch" in params:
        raise UsageError("err.nb_batch_param")
    if batch in out_html.resolve().parents:
        raise UsageError("err.nb_out_inside", out=out_html, batch=batch)
    if not out_html.parent.is_dir():
        raise UsageError("err.nb_out_folder", out=out_html, folder=out_html.parent)
    try:
        nb = nbformat.read(nb_path, as_version=4)
    except (OSError, ValueError) as e:  # missing file, JSON or schema problem
        raise NotebookError(f"{nb_path}: cannot read the notebook: {e}") from None
    injected = inject_parameters(nb, {"batch": str(batch), **params})
    env = {**os.environ, "BATCH": str(batch)}
    with tempfile.TemporaryDirectory(prefix="sopcheck-nb-") as cwd:
        client = nbclient.NotebookClient(
            nb,
            kernel_name=KERNEL,
            timeout=CELL_TIMEOUT,
            resources={"metadata": {"path": cwd}},
            # the kernel's own log (e.g. "running over TCP without encryption") is noise here;
            # cell errors still arrive as error outputs
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
        try:
            client.execute(env=env)
        except nbclient.exceptions.CellExecutionError as e:
            failed = _failed_cell(nb)
            where = _describe(failed[0], nb.cells[failed[0]], injected) if failed else "a cell"
            what = f"{e.ename}: {e.evalue}" if getattr(e, "ename", None) else str(e)
            raise NotebookError(f"{nb_path}: {where} failed: {what}") from None
        except nbclient.exceptions.CellTimeoutError as e:
            raise NotebookError(
                f"{nb_path}: a cell ran longer than {CELL_TIMEOUT} s: {e}"
            ) from None
        except nbclient.exceptions.DeadKernelError as e:
            raise NotebookError(f"{nb_path}: the kernel died: {e}") from None
        except Exception as e:
            from jupyter_client.kernelspec import NoSuchKernel

            if isinstance(e, NoSuchKernel):
                raise NotebookError(
                    f"no Jupyter kernel {KERNEL!r}: install ipykernel in this environment ({_NEEDS})"
                ) from None
            raise
    exporter = HTMLExporter(
        exclude_input=hide_code,
        exclude_input_prompt=hide_code,
        exclude_output_prompt=hide_code,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": nb_path.stem}})
    return write_atomic(out_html, body)


def report_command(args) -> int:
    """``sopcheck report --notebook NB BATCH -o OUT.html [-p KEY VALUE]... [--show-code]``."""
    params: dict[str, str] = {}
    for key, value in args.param or ():
        if key in params:
            raise UsageError("err.nb_param_twice", key=key)
        params[key] = value
    out = run_notebook(
        Path(args.notebook), Path(args.out), params, Path(args.batch), not args.show_code
    )
    print(out)
    return int(ExitCode.OK)
