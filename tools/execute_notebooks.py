"""Re-execute lessons on fresh kernels, top to bottom, and store their outputs.

    python tools/execute_notebooks.py notebooks/*.ipynb      (what `make notebooks` runs)

This is the only way the stored outputs (the regression reference nbval compares with)
should change. Each notebook runs on a fresh kernel of *this* Python environment, then is
cleaned of everything that would differ between two runs: execution timing, widget state
and widget views (their model ids are random), and the Python patch version.
The tool stops at the first cell that raises or writes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import nbformat
from ipykernel.kernelspec import get_kernel_dict
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from traitlets import default

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
TIMEOUT_SECONDS = 300


class CurrentEnvironmentSpecs(KernelSpecManager):
    """Every kernel name resolves to an ipykernel of the running Python (like nbval's
    --nbval-current-env), so a `python3` kernel installed elsewhere is never picked."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(resource_dir="", **get_kernel_dict())


class CurrentEnvironmentKernelManager(KernelManager):
    """Starts kernels of the running Python environment (see CurrentEnvironmentSpecs)."""

    @default("kernel_spec_manager")
    def _current_environment_specs(self) -> KernelSpecManager:
        return CurrentEnvironmentSpecs(data_dir=self.data_dir)


def client_for(nb: Any, path: Path) -> NotebookClient:
    """A notebook client that runs ``nb`` in ``path``'s folder and records nothing variable."""
    return NotebookClient(
        nb,
        kernel_manager_class=CurrentEnvironmentKernelManager,
        kernel_name="python3",
        timeout=TIMEOUT_SECONDS,
        record_timing=False,
        # Quiet the kernel's own log (e.g. its notice about local TCP), not the cells' output.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        store_widget_state=False,
        # Every output has arrived when the last cell ends: stop the kernel at once rather
        # than wait seconds for its orderly exit (nothing is lost).
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(path.parent)}},
    )


def clear(nb: Any) -> None:
    """Remove outputs, execution counts and timing, as before a run on a fresh kernel."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def clean(nb: Any) -> None:
    """Drop what changes from run to run: widget views and state, timing, patch versions,
    and where the kernel happened to split printed text into chunks."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.get("language_info", {}).pop("version", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.outputs:
            output.get("data", {}).pop(WIDGET_VIEW, None)
            if output.output_type in ("display_data", "execute_result") and not output.data:
                continue
            previous = kept[-1] if kept else None
            if (
                output.output_type == "stream"
                and previous is not None
                and previous.output_type == "stream"
                and previous.name == output.name
            ):
                # The kernel splits printed text into chunks by timing: join them, so two
                # runs store the same outputs.
                previous.text += output.text
                continue
            kept.append(output)
        cell.outputs = kept


def problems(nb: Any) -> list[str]:
    """Cells whose outputs are errors or stderr: a stored notebook must hold none."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error" or (
                output.output_type == "stream" and output.name == "stderr"
            ):
                text = output.get("text") or output.get("evalue", "")
                found.append(f"cell {index}: {output.output_type} output: {text.strip()[:300]}")
    return found


def execute(path: Path) -> Any:
    """Run the notebook at ``path`` on a fresh kernel and return it, cleaned."""
    nb = nbformat.read(path, as_version=4)
    clear(nb)
    client_for(nb, path).execute()
    clean(nb)
    nbformat.validate(nb)
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for path in args.notebooks:
        print(f"executing {path} ...", flush=True)
        nb = execute(path)
        found = problems(nb)
        if found:
            print(f"{path}: not stored, it has outputs a lesson must not show:", *found, sep="\n  ")
            return 1
        text = nbformat.writes(nb) + "\n"
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"  updated {path}")
        else:
            print("  unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
