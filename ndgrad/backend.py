"""Array modules per device: NumPy for the CPU, CuPy (imported lazily, only here) for GPUs; and the host
allocator's policy.

Host threads: MXNet runs element-wise kernels on all cores (OpenMP); NumPy's ufuncs run on one. For large
arrays (``PARALLEL_MIN`` elements and more) ``elementwise`` splits a ufunc call over ``NDGRAD_NUM_THREADS``
threads (default: the usable cores; 1 turns it off). NumPy releases the GIL inside its loops, and each element is
computed exactly as in one call, so results are bit-identical.

Host memory: MXNet keeps freed CPU buffers in its own pool, so a training step reuses memory that is already
mapped. NumPy allocates through glibc's malloc, which by default returns large freed blocks to the system, so
every step faults fresh pages in again (a LeNet step spends about a third of its time there). On glibc,
ndgrad therefore asks malloc at import to serve blocks up to 32 MiB from its heap and to keep up to 256 MiB of
freed heap, which plays the role of MXNet's pool. Set ``NDGRAD_HOST_POOL=0`` to leave malloc's defaults.
"""
from __future__ import annotations

import contextvars
import ctypes
import itertools
import os
import sys
from concurrent.futures import ThreadPoolExecutor, wait

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


def xp_of(a):
    """The array module holding raw array ``a`` (NumPy, or CuPy for GPU arrays)."""
    return np if isinstance(a, np.ndarray) else cupy()


def on_device_of(host, like):
    """Host array ``host`` where ``like`` lives (itself for NumPy arrays)."""
    return host if isinstance(like, np.ndarray) else cupy().asarray(host)


def device_key(key, like):
    """An index ``key`` with its host index arrays moved to ``like``'s device (CuPy indexes with device arrays
    only; keys are built on the host)."""
    if isinstance(like, np.ndarray):
        return key
    if isinstance(key, tuple):
        return tuple(on_device_of(k, like) if isinstance(k, np.ndarray) else k for k in key)
    return on_device_of(key, like) if isinstance(key, np.ndarray) else key


def scatter_add(out, key, values) -> None:
    """``out[key] += values`` with repeated indices summed (``ufunc.at`` of the array's own module: CuPy's
    ``add.at`` does not go through NumPy's dispatch)."""
    if isinstance(out, np.ndarray):
        np.add.at(out, key, values)
    else:
        cupy().add.at(out, device_key(key, out), values)


def to_host(arr) -> np.ndarray:
    """A NumPy array holding ``arr``'s values."""
    if isinstance(arr, np.ndarray):
        return arr
    get = getattr(arr, "get", None)
    return get() if get is not None else np.asarray(arr)


PARALLEL_MIN = 1 << 20  # below about a million elements, handing work to a thread costs more than it saves


def _thread_count() -> int:
    env = os.environ.get("NDGRAD_NUM_THREADS")
    if env:
        return max(1, int(env))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


THREADS = _thread_count()
_workers: ThreadPoolExecutor | None = None


def _forget_workers() -> None:
    global _workers
    _workers = None  # a forked child (a DataLoader worker) has none of its parent's threads


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_workers)


def elementwise(ufunc, *args, out=None):
    """``ufunc(*args, out=out)``; split over ``THREADS`` threads when the first argument is a large
    C-contiguous float NumPy array and every other is a 0-d array or an array of the same shape and dtype."""
    first = args[0]
    if (THREADS < 2 or type(first) is not np.ndarray or first.size < PARALLEL_MIN or first.dtype.kind != "f"
            or not first.flags.c_contiguous
            or not all(type(a) is np.ndarray and a.dtype == first.dtype and
                       (a.ndim == 0 or (a.shape == first.shape and a.flags.c_contiguous)) for a in args[1:])
            or (out is not None and (type(out) is not np.ndarray or out.shape != first.shape
                                     or out.dtype != first.dtype or not out.flags.c_contiguous))):
        return ufunc(*args) if out is None else ufunc(*args, out=out)
    global _workers
    if _workers is None:
        _workers = ThreadPoolExecutor(THREADS - 1, thread_name_prefix="ndgrad")
    res = np.empty_like(first) if out is None else out
    flat, res_flat = [a if a.ndim == 0 else a.reshape(-1) for a in args], res.reshape(-1)
    bounds = [first.size * i // THREADS for i in range(THREADS + 1)]
    jobs = []
    for lo, hi in itertools.pairwise(bounds):
        chunk = [a if a.ndim == 0 else a[lo:hi] for a in flat]
        if lo:  # NumPy's errstate lives in the context: each worker runs in a copy of the caller's
            jobs.append(_workers.submit(contextvars.copy_context().run, ufunc, *chunk, out=res_flat[lo:hi]))
        else:
            first_chunk = chunk, res_flat[lo:hi]
    try:
        ufunc(*first_chunk[0], out=first_chunk[1])  # the caller's share, while the workers run theirs
    finally:
        wait(jobs)  # never return (or raise) while a worker still writes
    for job in jobs:
        job.result()
    return res


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters


def _pool_host_memory() -> bool:
    """Apply the host allocator policy described above; whether it took effect."""
    if os.environ.get("NDGRAD_HOST_POOL", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl, ...): nothing to tune
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, 32 << 20)) and bool(mallopt(_M_TRIM_THRESHOLD, 256 << 20))


HOST_POOL = _pool_host_memory()
