"""A single-process key-value store: values pushed for a key are summed, then stored or fed to an updater."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..base import MXNetError
from ..ndarray import NDArray


def _pairs(key: Any, value: Any) -> list[tuple[Any, Any]]:
    """(key, value) pairs from MXNet's call forms: one key, or a list of keys with one value (list) each."""
    if isinstance(key, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(key):
            raise MXNetError(f"kvstore: {len(key)} keys need a list of {len(key)} values")
        return list(zip(key, value, strict=True))
    return [(key, value)]


def _as_list(value: Any) -> list[NDArray]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


class KVStore:
    """MXNet's local KVStore: ``init``, ``push`` (sum over devices, then update), ``pull``, ``pushpull``."""

    def __init__(self, kvtype: str = "local"):
        self.type = kvtype
        self.rank = 0
        self.num_workers = 1
        self._store: dict[Any, NDArray] = {}
        self._updater: Callable | None = None
        self._key_type: type | None = None

    def _check_key(self, key: Any) -> None:
        kind = str if isinstance(key, str) else int
        if self._key_type is None:
            self._key_type = kind
        elif kind is not self._key_type:
            raise MXNetError("kvstore: mixed key types are not allowed (use all int or all str keys)")

    def _stored(self, key: Any) -> NDArray:
        if key not in self._store:
            raise MXNetError(f"kvstore: key {key!r} has not been inited")
        return self._store[key]

    def init(self, key: Any, value: Any) -> None:
        """Give each key its initial value (once per key)."""
        for k, v in _pairs(key, value):
            self._check_key(k)
            if k in self._store:
                raise MXNetError(f"kvstore: duplicate init of key {k!r}")
            self._store[k] = _as_list(v)[0].copy()

    broadcast_init = init

    def push(self, key: Any, value: Any, priority: int = 0) -> None:
        """Sum the values for each key (one per device) and store them, or apply the updater."""
        for k, v in _pairs(key, value):
            stored = self._stored(k)
            vals = _as_list(v)
            merged = vals[0].copy() if len(vals) == 1 else _sum(vals)
            if self._updater is not None:
                self._updater(k, merged, stored)
            else:
                merged.copyto(stored)

    def pull(self, key: Any, out: Any = None, priority: int = 0, ignore_sparse: bool = True) -> None:
        """Copy each key's value into ``out`` (every array of a per-device list)."""
        if out is None:
            raise MXNetError("kvstore.pull needs out=")
        for k, o in _pairs(key, out):
            stored = self._stored(k)
            for dst in _as_list(o):
                stored.copyto(dst)

    def pushpull(self, key: Any, value: Any, out: Any = None, priority: int = 0) -> None:
        """``push`` then ``pull`` (into ``value`` itself when ``out`` is None)."""
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def broadcast(self, key: Any, value: Any, out: Any, priority: int = 0) -> None:
        """``init`` then ``pull``."""
        self.init(key, value)
        self.pull(key, out, priority)

    def set_optimizer(self, optimizer: Any) -> None:
        """Apply ``optimizer`` to every push (the store keeps the weights)."""
        from ..optimizer import get_updater
        self._updater = get_updater(optimizer)

    def set_updater(self, updater: Callable) -> None:
        self._updater = updater

    _set_updater = set_updater

    def is_capable(self, capability: str) -> bool:
        return capability.lower() == "optimizer"

    def set_gradient_compression(self, compression_params: dict) -> None:
        raise NotImplementedError("kvstore gradient compression is not in ndgrad")

    def save_optimizer_states(self, fname: str, dump_optimizer: bool = False) -> None:
        if self._updater is None:
            raise MXNetError("kvstore: no optimizer set; call set_optimizer first")
        from ..ndarray.io import atomic_write
        atomic_write(fname, self._updater.get_states(dump_optimizer))

    def load_optimizer_states(self, fname: str) -> None:
        if self._updater is None:
            raise MXNetError("kvstore: no optimizer set; call set_optimizer first")
        with open(fname, "rb") as f:
            self._updater.set_states(f.read())


def _sum(values: list[NDArray]) -> NDArray:
    total = values[0].copy()
    for v in values[1:]:
        total += v.as_in_context(total.context)
    return total
