"""The ``nd`` namespace: NDArray, creation functions, every registered op, and ``nd.random``."""
from types import SimpleNamespace

from .ndarray import NDArray
from .creation import arange, array, empty, eye, full, linspace, ones, zeros
from .. import ops as _ops
from ..ops.registry import fn as _fn

_ops.register_all()
from . import random  # noqa: E402 - after the ops it may use
from .io import load, load_frombuffer, save  # noqa: E402
from . import linalg  # noqa: E402, F401 - nd.linalg
from . import contrib  # noqa: E402, F401 - nd.contrib

_internal = SimpleNamespace(**vars(_fn))
globals().update({k: v for k, v in vars(_fn).items() if not k.startswith("_")})


def waitall() -> None:
    """Operations run synchronously; nothing to wait for."""


__all__ = ["NDArray", "arange", "array", "empty", "eye", "full", "linspace", "ones", "zeros", "random",  # noqa: PLE0604
           "save", "load", "load_frombuffer", "waitall", *sorted(k for k in vars(_fn) if not k.startswith("_"))]
