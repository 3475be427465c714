"""Run notebook cells as Jupyter does: each cell's printed output plus the repr of its last expression.

Shared by the seed-tutorial test and by ``tests/data/seed/generate.py`` (which runs the same cells under
the real MXNet 1.9.1 to record the golden displays), so both sides display cells identically.
"""
from __future__ import annotations

import ast
import contextlib
import io
import re
import itertools

_CELL = re.compile(r"^In \[\d*\]:\s*$")
_NOTEBOOK_ONLY = ("from utils import", "%matplotlib")


def _parses(code: str) -> bool:
    try:
        ast.parse(port(code, "mxnet"))
    except SyntaxError:
        return False
    return True


def _blocks(lines: list[str]) -> list[str]:
    blocks, cur = [], []
    for ln in [*lines, ""]:
        if ln.strip():
            cur.append(ln)
        elif cur:
            blocks.append("\n".join(cur))
            cur = []
    return blocks


def extract_cells(text: str) -> list[str]:
    """Code cells of a notebook exported as text.

    A cell starts after ``In [N]:``; its blank-line-separated blocks belong to it while the code so far
    still parses as Python (the cell's output and the prose that follow do not), comment-only blocks
    (markdown headings) excepted.
    """
    lines = text.splitlines()
    starts = [i for i, ln in enumerate(lines) if _CELL.match(ln)] + [len(lines)]
    cells = []
    for start, end in itertools.pairwise(starts):
        code = ""
        for block in _blocks(lines[start + 1:end]):
            if all(ln.lstrip().startswith("#") for ln in block.splitlines()):
                break
            candidate = f"{code}\n\n{block}" if code else block
            if not _parses(candidate):
                break
            code = candidate
        cells.append(code)
    return cells


def port(cell: str, package: str) -> str:
    """Drop notebook-only lines and import ``package`` where the cell imports mxnet."""
    kept = [ln for ln in cell.splitlines() if not ln.strip().startswith(_NOTEBOOK_ONLY)]
    code = "\n".join(kept)
    return re.sub(r"\bmxnet\b", package, code)


def run_cell(code: str, namespace: dict) -> str:
    """Execute ``code`` in ``namespace``; return what it printed plus the repr of a final expression."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, "<cell>", "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
            if value is not None:
                print(repr(value))
    return out.getvalue()


def run_notebook(text: str, package: str) -> list[dict]:
    """Every cell of ``text`` ported to ``package`` and run in one namespace, with its display."""
    namespace: dict = {"__name__": "__main__"}
    return [{"code": cell, "display": run_cell(port(cell, package), namespace)} for cell in extract_cells(text)]
