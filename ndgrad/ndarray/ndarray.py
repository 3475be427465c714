"""NDArray: an n-dimensional array on a context, with an entry in the autograd graph.

Its data is a raw NumPy (or CuPy) array. Python operators and fluent methods call the registered ops
(looked up at call time in ``registry.fn``); ops register further fluent methods on this class.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import autograd
from ..backend import to_device, to_host
from ..base import MXNetError, MXNetTypeError, MXNetValueError, np_dtype
from ..context import Context
from ..ops import registry
from ..ops.registry import fn as _op

__all__ = ["NDArray"]


class NDArray:
    """An array of fixed shape and dtype on a context (``mxnet.nd.NDArray``)."""

    __slots__ = ("__weakref__", "_ctx", "_data", "_node", "_oidx")
    __array_ufunc__ = None  # NumPy scalars and arrays defer to our reflected operators, as with MXNet

    def __init__(self, data: Any, ctx: Context, node: Any = None, oidx: int = 0):
        self._data = data  # one statement each: faster than a tuple assignment on this hot path
        self._ctx = ctx
        self._node = node
        self._oidx = oidx

    # ----------------------------------------------------------------- attributes
    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def size(self) -> int:
        return self._data.size

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> type:
        """The NumPy scalar type, e.g. ``numpy.float32`` (as MXNet returns it)."""
        return self._data.dtype.type

    @property
    def context(self) -> Context:
        return self._ctx

    ctx = context

    @property
    def stype(self) -> str:
        return "default"

    @property
    def grad(self) -> NDArray | None:
        """The gradient buffer attached by ``attach_grad`` (None otherwise)."""
        node = self._node
        return node.grad if type(node) is autograd.Variable else None

    @property
    def T(self) -> NDArray:
        return _op.transpose(self)

    @property
    def writable(self) -> bool:
        return True

    # ----------------------------------------------------------------- conversion
    def asnumpy(self) -> np.ndarray:
        """A NumPy copy of the data."""
        return np.array(to_host(self._data))

    def asscalar(self) -> Any:
        """The single element as a NumPy scalar; ValueError if the array does not hold exactly one."""
        if self._data.size != 1:
            raise MXNetValueError("The current array is not a scalar")
        return to_host(self._data).reshape(-1)[0]

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        arr = to_host(self._data)
        return arr if dtype is None else arr.astype(dtype, copy=False)

    def astype(self, dtype: Any, copy: bool = True) -> NDArray:
        """This array cast to ``dtype`` (gradients flow through, as ``cast``)."""
        dt = np_dtype(dtype)
        if not copy and dt == self._data.dtype:
            return self
        return _op.cast(self, dtype=dt)

    def copy(self) -> NDArray:
        """A copy on the same context."""
        return _op.copy(self)

    def copyto(self, other: NDArray | Context) -> NDArray:
        """Copy into the NDArray ``other`` (same shape), or to a new array on the context ``other``."""
        if isinstance(other, Context):
            return NDArray(to_device(self._data.copy(), other.device_type, other.device_id), other)
        if not isinstance(other, NDArray):
            raise MXNetTypeError(f"copyto does not support type {type(other).__name__}")
        if other is self:
            return other
        if other.shape != self.shape:
            raise MXNetError(f"copyto: shape mismatch, source {self.shape} vs target {other.shape}")
        other._data[...] = to_device(self._data, other._ctx.device_type, other._ctx.device_id)
        return other

    def as_in_context(self, context: Context) -> NDArray:
        """This array on ``context``: itself when already there, else a copy."""
        return self if self._ctx == context else self.copyto(context)

    as_in_ctx = as_in_context

    def wait_to_read(self) -> None:
        """Operations run synchronously; nothing to wait for."""

    def wait_to_write(self) -> None:
        """Operations run synchronously; nothing to wait for."""

    def tostype(self, stype: str) -> NDArray:
        if stype != "default":
            raise NotImplementedError(f"tostype({stype!r}): ndgrad has dense storage only")
        return self

    # ----------------------------------------------------------------- autograd
    def attach_grad(self, grad_req: str = "write", stype: str | None = None) -> None:
        """Make this array a leaf of the graph and allocate its gradient buffer (zeros)."""
        if stype not in (None, "default"):
            raise NotImplementedError(f"attach_grad(stype={stype!r}): ndgrad has dense gradients only")
        grad = NDArray(np.zeros_like(self._data), self._ctx)
        autograd.mark_variables(self, grad, grad_req)

    def detach(self) -> NDArray:
        """The same data, cut from the graph."""
        return NDArray(self._data, self._ctx)

    def backward(self, out_grad: NDArray | None = None, retain_graph: bool = False,
                 train_mode: bool = True) -> None:
        """Backpropagate from this array (ones as the head gradient by default)."""
        autograd.backward([self], None if out_grad is None else [out_grad], retain_graph, train_mode)

    def _sum_to_shape(self, shape: tuple[int, ...]) -> NDArray:
        """Sum a broadcast gradient back down to ``shape`` (the engine's one broadcasting rule)."""
        return _op._sum_to_shape(self, shape=shape)

    # ----------------------------------------------------------------- shape helpers with MXNet's signatures
    def reshape(self, *shape: Any, **kwargs: Any) -> NDArray:
        """Reshape; accepts ``reshape((2, 3))``, ``reshape(2, 3)`` and MXNet's special codes."""
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = tuple(shape[0])
        if "shape" in kwargs:
            if shape:
                raise MXNetError("reshape: give the shape either positionally or as shape=, not both")
            shape = tuple(kwargs.pop("shape"))
        return _op.reshape(self, shape=shape, **kwargs)

    # ----------------------------------------------------------------- Python protocol
    def __repr__(self) -> str:
        dims = "x".join(str(d) for d in self.shape)
        return f"\n{to_host(self._data)!s}\n<{type(self).__name__} {dims} @{self._ctx}>"

    def __len__(self) -> int:
        if self.ndim == 0:
            raise MXNetTypeError("len() of a 0-d NDArray")
        return self.shape[0]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __bool__(self) -> bool:
        size = self._data.size
        if size == 0:
            return False
        if size == 1:
            return bool(self.asscalar())
        raise MXNetValueError("The truth value of an NDArray with multiple elements is ambiguous.")

    def __float__(self) -> float:
        if self._data.size != 1:
            raise MXNetTypeError("only size-1 NDArrays can be converted to Python scalars")
        return float(self.asscalar())

    def __int__(self) -> int:
        if self._data.size != 1:
            raise MXNetTypeError("only size-1 NDArrays can be converted to Python scalars")
        return int(self.asscalar())

    def __index__(self) -> int:
        if self._data.size != 1 or self._data.dtype.kind not in "iub":
            raise MXNetTypeError("only integer NDArrays of one element can be used as an index")
        return int(self.asscalar())

    __hash__ = object.__hash__

    def __getitem__(self, key: Any) -> NDArray:
        return _op._index_get(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        _op._index_set(self, key, value)

    def __getstate__(self) -> dict:
        return {"data": self.asnumpy(), "ctx": str(self._ctx)}

    def __setstate__(self, state: dict) -> None:
        self._data, self._ctx, self._node, self._oidx = state["data"], Context("cpu"), None, 0

    # ----------------------------------------------------------------- arithmetic (MXNet's op choice per operand type)
    # __add__, __sub__, __mul__, __truediv__, __mod__, __pow__ and their reflections: see ops/binary.py
    def __iadd__(self, other): return _op.add(self, other, out=self)
    def __isub__(self, other): return _op.subtract(self, other, out=self)
    def __imul__(self, other): return _op.multiply(self, other, out=self)
    def __itruediv__(self, other): return _op.divide(self, other, out=self)
    def __imod__(self, other): return _op.modulo(self, other, out=self)
    def __neg__(self): return _op.negative(self)
    def __abs__(self): return _op.abs(self)
    def __eq__(self, other): return _op.equal(self, other)
    def __ne__(self, other): return _op.not_equal(self, other)
    def __gt__(self, other): return _op.greater(self, other)
    def __ge__(self, other): return _op.greater_equal(self, other)
    def __lt__(self, other): return _op.lesser(self, other)
    def __le__(self, other): return _op.lesser_equal(self, other)


registry.bind_array_type(NDArray)
