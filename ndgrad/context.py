"""Device contexts: ``mx.cpu()``, ``mx.gpu(i)``, ``with ctx:`` and ``current_context()``."""
from __future__ import annotations

import threading

from .base import MXNetError

__all__ = ["Context", "cpu", "gpu", "cpu_pinned", "current_context", "num_gpus"]


class Context:
    """A device on which arrays live, as ``mxnet.Context``."""

    __slots__ = ("device_id", "device_type")
    devtype2str = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
    devstr2type = {v: k for k, v in devtype2str.items()}
    _local = threading.local()

    def __init__(self, device_type: str | Context, device_id: int = 0):
        if isinstance(device_type, Context):
            device_type, device_id = device_type.device_type, device_type.device_id
        if device_type not in self.devstr2type:
            raise MXNetError(f"unknown device type {device_type!r}; expected one of {sorted(self.devstr2type)}")
        self.device_type = device_type
        self.device_id = int(device_id)

    @property
    def device_typeid(self) -> int:
        return self.devstr2type[self.device_type]

    def __eq__(self, other) -> bool:
        return (isinstance(other, Context) and self.device_type == other.device_type
                and self.device_id == other.device_id)

    def __hash__(self) -> int:
        return hash((self.device_type, self.device_id))

    def __repr__(self) -> str:
        return f"{self.device_type}({self.device_id})"

    __str__ = __repr__

    def __enter__(self) -> Context:
        stack = getattr(Context._local, "stack", None)
        if stack is None:
            stack = Context._local.stack = []
        stack.append(self)  # a per-thread stack, so nested scopes of one context unwind correctly
        return self

    def __exit__(self, *exc) -> None:
        Context._local.stack.pop()

    def empty_cache(self) -> None:
        """Release cached device memory (a no-op on the CPU)."""
        if self.device_type == "gpu":
            from .backend import cupy
            cupy().get_default_memory_pool().free_all_blocks()


_CPU0 = Context("cpu", 0)


def cpu(device_id: int = 0) -> Context:
    """The CPU context."""
    return _CPU0 if device_id == 0 else Context("cpu", device_id)


def gpu(device_id: int = 0) -> Context:
    """A GPU context; arrays on it need CuPy."""
    return Context("gpu", device_id)


def cpu_pinned(device_id: int = 0) -> Context:
    """Pinned host memory; on ndgrad the same as the CPU."""
    return Context("cpu_pinned", device_id)


def current_context() -> Context:
    """The default context of this thread (``cpu(0)`` unless inside ``with ctx:``)."""
    stack = getattr(Context._local, "stack", None)
    return stack[-1] if stack else _CPU0


def num_gpus() -> int:
    """Number of GPUs CuPy can see (0 without CuPy)."""
    try:
        import cupy as cp
        return cp.cuda.runtime.getDeviceCount()
    except Exception:
        return 0
