"""Array modules per device: NumPy for the CPU, CuPy (imported lazily, only here) for GPUs."""
from __future__ import annotations

import numpy as np

from .base import MXNetError

_cupy = None


def cupy():
    """The cupy module, imported on first use; a clear error where it is missing."""
    global _cupy
    if _cupy is None:
        try:
            import cupy as cp
        except ImportError as err:
            raise MXNetError("GPU contexts need CuPy: pip install 'ndgrad[gpu]' (cupy-cuda12x)") from err
        _cupy = cp
    return _cupy


def xp_for(device_type: str):
    """The array module (numpy or cupy) that holds arrays for ``device_type``."""
    if device_type == "gpu":
        return cupy()
    return np


def to_device(arr, device_type: str, device_id: int = 0):
    """Copy ``arr`` to the device (a no-op for host arrays going to the CPU)."""
    if device_type == "gpu":
        cp = cupy()
        with cp.cuda.Device(device_id):
            return cp.asarray(arr)
    if isinstance(arr, np.ndarray):
        return arr
    return to_host(arr)


def to_host(arr) -> np.ndarray:
    """A NumPy array holding ``arr``'s values."""
    if isinstance(arr, np.ndarray):
        return arr
    get = getattr(arr, "get", None)
    return get() if get is not None else np.asarray(arr)
