"""Array creation: array, zeros, ones, full, empty, arange, eye, linspace (float32 unless told)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import to_device
from ..base import MXNetError, np_dtype
from ..context import Context, current_context
from .ndarray import NDArray

__all__ = ["array", "zeros", "ones", "full", "empty", "arange", "eye", "linspace"]


def _place(raw: np.ndarray, ctx: Context | None) -> NDArray:
    ctx = ctx or current_context()
    return NDArray(to_device(raw, ctx.device_type, ctx.device_id), ctx)


def _shape(shape: Any) -> tuple[int, ...]:
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if any(int(d) < 0 for d in shape):
        raise MXNetError(f"shape {shape} has a negative dimension")
    return tuple(int(d) for d in shape)


def array(source_array: Any, ctx: Context | None = None, dtype: Any = None) -> NDArray:
    """An NDArray holding a copy of ``source_array``; float32 unless ``dtype`` (or an NDArray source's dtype)."""
    if isinstance(source_array, NDArray):
        dt = np_dtype(dtype, source_array.dtype)
        raw = source_array.asnumpy()
    else:
        dt = np_dtype(dtype)
        try:
            raw = np.asarray(source_array)
        except (ValueError, TypeError) as err:
            raise MXNetError(f"array: cannot convert {type(source_array).__name__} to an NDArray: {err}") from None
        if raw.dtype == object:
            raise MXNetError(f"array: cannot convert {type(source_array).__name__} to an NDArray "
                             "(ragged or non-numeric data)")
    return _place(np.array(raw, dtype=dt), ctx)


def zeros(shape: Any, ctx: Context | None = None, dtype: Any = None, **kwargs: Any) -> NDArray:
    """An array of zeros."""
    return _place(np.zeros(_shape(shape), np_dtype(dtype)), ctx)


def ones(shape: Any, ctx: Context | None = None, dtype: Any = None, **kwargs: Any) -> NDArray:
    """An array of ones."""
    return _place(np.ones(_shape(shape), np_dtype(dtype)), ctx)


def full(shape: Any, val: float, ctx: Context | None = None, dtype: Any = None, out: NDArray | None = None) -> NDArray:
    """An array filled with ``val``."""
    res = _place(np.full(_shape(shape), val, np_dtype(dtype)), ctx)
    return res if out is None else res.copyto(out)


def empty(shape: Any, ctx: Context | None = None, dtype: Any = None) -> NDArray:
    """An uninitialised array (zeros here, so nothing stale leaks)."""
    return zeros(shape, ctx, dtype)


def arange(start: float, stop: float | None = None, step: float = 1.0, repeat: int = 1,
           infer_range: bool = False, ctx: Context | None = None, dtype: Any = None) -> NDArray:
    """Evenly spaced values in [start, stop), each repeated ``repeat`` times."""
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise MXNetError("arange: step must not be 0")
    dt = np_dtype(dtype)
    raw = np.arange(start, stop, step, dtype=np.float64).astype(dt)
    if repeat != 1:
        raw = np.repeat(raw, int(repeat))
    return _place(raw, ctx)


def eye(N: int, M: int = 0, k: int = 0, ctx: Context | None = None, dtype: Any = None) -> NDArray:
    """A 2-D array with ones on the k-th diagonal."""
    return _place(np.eye(int(N), int(M) or None, int(k), dtype=np_dtype(dtype)), ctx)


def linspace(start: float, stop: float, num: int, endpoint: bool = True, ctx: Context | None = None,
             dtype: Any = None) -> NDArray:
    """``num`` evenly spaced values from start to stop."""
    return _place(np.linspace(start, stop, int(num), endpoint=endpoint).astype(np_dtype(dtype)), ctx)
