"""Key-value stores for gradient aggregation (``mx.kv``): ``create('local' | 'device' | 'dist_*')``."""
from __future__ import annotations

from .local import KVStore

__all__ = ["KVStore", "create"]

_LOCAL_TYPES = ("local", "device", "local_allreduce_cpu", "local_allreduce_device", "nccl")


def create(name: str = "local") -> KVStore:
    """A key-value store. 'local'/'device' aggregate in this process; distributed stores need MPI."""
    if not isinstance(name, str):
        raise TypeError(f"kvstore name must be a string, got {type(name).__name__}")
    if name in _LOCAL_TYPES:
        return KVStore(name)
    if name.startswith("dist") or name == "horovod":
        raise NotImplementedError(f"kvstore {name!r}: distributed stores (over mpi4py) are not yet in ndgrad; "
                                  "use 'local' or 'device'")
    raise ValueError(f"unknown kvstore type {name!r}; expected one of {_LOCAL_TYPES} or a 'dist_*' type")
