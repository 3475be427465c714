"""Errors and the dtype table shared by every module; imports nothing of ndgrad."""
from __future__ import annotations

import numpy as np

__all__ = ["MXNetError", "MXNetValueError", "MXNetTypeError", "MXNetIndexError",
           "NotImplementedForSymbol", "DTYPE_NP_TO_MX", "DTYPE_MX_TO_NP", "np_dtype", "mx_real_t",
           "numeric_types", "integer_types", "string_types"]


class MXNetError(RuntimeError):
    """Error raised by ndgrad wherever MXNet raises ``mxnet.base.MXNetError``."""


class NotImplementedForSymbol(MXNetError):
    """Raised for MXNet features that need the symbolic API, which ndgrad does not provide."""


mx_real_t = np.float32
numeric_types = (float, int, np.generic)
integer_types = (int, np.integer)
string_types = (str,)

# MXNet's type flags, as stored in its binary files and used by its C API.
DTYPE_NP_TO_MX: dict[type, int] = {
    np.float32: 0, np.float64: 1, np.float16: 2, np.uint8: 3, np.int32: 4, np.int8: 5, np.int64: 6,
    np.bool_: 7, np.int16: 8, np.uint16: 9, np.uint32: 10, np.uint64: 11,
}
DTYPE_MX_TO_NP: dict[int, type] = {v: k for k, v in DTYPE_NP_TO_MX.items()}

_SUPPORTED = frozenset(np.dtype(t) for t in DTYPE_NP_TO_MX)


def np_dtype(dtype, default=np.float32) -> np.dtype:
    """Normalise a user dtype (None, a name such as 'float32', a NumPy type) to a supported ``np.dtype``."""
    if dtype is None:
        return np.dtype(default)
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        raise MXNetError(f"unknown dtype {dtype!r}") from err
    if dt not in _SUPPORTED:
        raise MXNetError(f"dtype {dt} is not supported; expected one of "
                         + ", ".join(sorted(str(d) for d in _SUPPORTED)))
    return dt


class MXNetValueError(MXNetError, ValueError):
    """An MXNetError that is also a ValueError, where MXNet raises ValueError."""


class MXNetTypeError(MXNetError, TypeError):
    """An MXNetError that is also a TypeError, where MXNet raises TypeError."""


class MXNetIndexError(MXNetError, IndexError):
    """An MXNetError that is also an IndexError, where MXNet raises IndexError."""
