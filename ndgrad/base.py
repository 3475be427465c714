"""Errors and the dtype table shared by every module; imports nothing of ndgrad."""
from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["MXNetError", "MXNetValueError", "MXNetTypeError", "MXNetIndexError",
           "NotImplementedForSymbol", "DTYPE_NP_TO_MX", "DTYPE_MX_TO_NP", "np_dtype", "mx_real_t",
           "numeric_types", "integer_types", "string_types", "ClassRegistry"]


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


class ClassRegistry:
    """Classes registered under lower-cased names: MXNet's register/alias/create pattern (``mx.metric``,
    ``mx.init``). ``kind`` names the family in messages and is the key naming the class in dict specs."""

    def __init__(self, kind: str):
        self.kind = kind
        self.base: type = object  # the family's base class, set once it is defined
        self.classes: dict[str, type] = {}

    def register(self, klass: type, name: str | None = None) -> type:
        """Register ``klass`` under its lower-cased class name (or ``name``); usable as a decorator."""
        if not (isinstance(klass, type) and issubclass(klass, self.base)):
            raise MXNetError(f"Can only register subclass of {self.base.__name__}")
        key = (name or klass.__name__).lower()
        old = self.classes.get(key)
        if old is not None:
            warnings.warn(f"New {self.kind} {klass.__module__}.{klass.__name__} registered with name {key} is "
                          f"overriding existing {self.kind} {old.__module__}.{old.__name__}", UserWarning,
                          stacklevel=2)
        self.classes[key] = klass
        return klass

    def alias(self, *aliases: str) -> Callable[[type], type]:
        """Class decorator registering extra names."""
        def reg(klass: type) -> type:
            for name in aliases:
                self.register(klass, name)
            return klass
        return reg

    def create(self, spec: Any, *args: Any, **kwargs: Any) -> Any:
        """An instance from an instance (returned as is), a registered name, a dict of constructor arguments
        with a ``kind`` key, or the JSON forms ``'["name", {kwargs}]'`` and ``'{...}'``."""
        if isinstance(spec, self.base):
            if args or kwargs:
                raise MXNetError(f"{self.kind} is already an instance. Additional arguments are invalid")
            return spec
        if isinstance(spec, dict):
            kw = dict(spec)
            return self.create(kw.pop(self.kind), **kw)
        if not isinstance(spec, str):
            raise MXNetError(f"{self.kind} must be of string type")
        if spec.startswith("["):
            name, kw = json.loads(spec)
            return self.create(name, **kw)
        if spec.startswith("{"):
            return self.create(json.loads(spec))
        key = spec.lower()
        if key not in self.classes:
            raise MXNetError(f"{key} is not registered. Please register with {self.kind}.register first")
        return self.classes[key](*args, **kwargs)
