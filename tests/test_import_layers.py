"""Imports point one way only (docs/design.md): each ndgrad module imports only lower layers."""
from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "ndgrad"

# module prefix -> layer; the longest matching prefix wins
LAYERS = {
    "ndgrad.base": 0,
    "ndgrad.backend": 1,
    "ndgrad.context": 2,
    "ndgrad.autograd": 3,
    "ndgrad.ops.registry": 4,
    "ndgrad.ndarray.ndarray": 5,
    "ndgrad.ndarray.creation": 5,
    "ndgrad.ndarray.random": 5,  # the generator bank, used by sampling ops and Dropout
    "ndgrad.ops": 6,
    "ndgrad.ndarray": 7,
    "ndgrad.random": 7,
    "ndgrad.test_utils": 7,
    "ndgrad.initializer": 8,
    "ndgrad.lr_scheduler": 8,
    "ndgrad.optimizer": 8,
    "ndgrad.metric": 8,
    "ndgrad.gluon": 9,
    "ndgrad.kvstore": 10,
    "ndgrad": 11,
}


def layer(module: str) -> int:
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS[best]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path, module: str) -> list[str]:
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [f"{target}.{a.name}" for a in node.names]
            out += [n if n.rsplit(".", 1)[0] != target or _is_module(n) else target for n in names]
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names]
    return [m for m in out if m == "ndgrad" or m.startswith("ndgrad.")]


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (PKG.parent / rel).with_suffix(".py").exists() or (PKG.parent / rel / "__init__.py").exists()


def test_imports_point_down_the_layers():
    bad = []
    for path in sorted(PKG.rglob("*.py")):
        module = module_name(path)
        for target in imported(path, module):
            if layer(target) > layer(module):
                bad.append(f"{module} (layer {layer(module)}) imports {target} (layer {layer(target)})")
    assert not bad, "\n".join(bad)
