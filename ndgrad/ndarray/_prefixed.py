"""Sub-namespaces (``nd.linalg``, ``nd.contrib``) built from the registered ops that carry their prefix."""
from __future__ import annotations

import types
from collections.abc import Callable

from ..ops.registry import fn


def short(function: Callable, name: str) -> Callable:
    """The op function under its short name (same code, defaults and docstring; ``__name__`` as MXNet's)."""
    alias = types.FunctionType(function.__code__, function.__globals__, name, function.__defaults__,
                               function.__closure__)
    alias.__doc__, alias.__qualname__, alias.__module__ = function.__doc__, name, function.__module__
    return alias


def prefixed_ops(prefix: str, skip: tuple[str, ...] = ()) -> dict[str, Callable]:
    """Every registered op named ``<prefix><short>``, keyed by its short name."""
    return {name[len(prefix):]: short(f, name[len(prefix):]) for name, f in vars(fn).items()
            if name.startswith(prefix) and name[len(prefix):] not in skip}
