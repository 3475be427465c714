"""OpSpec: one row of the generic op table (tests/ops/test_op_table.py)."""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ndgrad.ops.registry import fn


@dataclass
class OpSpec:
    """How to exercise one op: input shapes (or a generator), attributes, and a NumPy reference.

    ``ref(*float64_arrays)`` gives the expected output(s); ``call(F, *xs)`` overrides the default call
    ``F.<name>(*xs, **attrs)``; ``gen(rng)`` overrides sampling each shape uniformly from ``domain``;
    ``wrt`` lists the inputs to differentiate (default: all); ``grad=False`` for ops whose gradient is not
    checked numerically (non-differentiable ones, and sampling).
    """

    name: str
    shapes: list = field(default_factory=list)
    ref: Callable | None = None
    attrs: dict = field(default_factory=dict)
    domain: tuple = (-2.0, 2.0)
    gen: Callable | None = None
    call: Callable | None = None
    grad: bool | None = None
    second_order: bool = True
    wrt: tuple | None = None
    rtol: float = 1e-4
    atol: float = 1e-6
    id: str = ""

    def inputs(self, seed: int = 0) -> list[np.ndarray]:
        rng = np.random.default_rng(seed)
        if self.gen is not None:
            return [np.asarray(a) for a in self.gen(rng)]
        return [rng.uniform(*self.domain, size=s) for s in self.shapes]

    def run(self, *xs: Any) -> Any:
        if self.call is not None:
            return self.call(fn, *xs)
        return getattr(fn, self.name)(*xs, **self.attrs)

    def __str__(self) -> str:
        return self.name + (f"-{self.id}" if self.id else "")


def all_specs() -> list[OpSpec]:
    """Every SPECS list in tests/ops/specs/<family>.py."""
    from . import specs
    out: list[OpSpec] = []
    for info in sorted(pkgutil.iter_modules(specs.__path__), key=lambda i: i.name):
        out += importlib.import_module(f"{specs.__name__}.{info.name}").SPECS
    return out


def all_exemptions() -> dict[str, str]:
    """Ops with no spec, each with its reason (EXEMPT dicts in the spec modules)."""
    from . import specs
    out: dict[str, str] = {}
    for info in pkgutil.iter_modules(specs.__path__):
        out.update(getattr(importlib.import_module(f"{specs.__name__}.{info.name}"), "EXEMPT", {}))
    return out
