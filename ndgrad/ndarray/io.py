"""Saving and loading NDArrays in MXNet 1.x's binary file format (``nd.save``, ``nd.load``, ``nd.load_frombuffer``).

The format, as MXNet 1.9.1 writes and reads it (established from files it wrote and from files it accepts;
all integers little-endian)::

    file    := u64 0x112 (list magic) | u64 reserved (0; ignored on reading) | u64 count | record * count
               | u64 name_count (0, or count) | name * name_count          (bytes after the names are ignored)
    name    := u64 length | length bytes of UTF-8
    record  := u32 magic | body
      V2: magic 0xF993FAC9 (what MXNet 1.x writes outside numpy-shape mode),
      V3: magic 0xF993FACA (written in numpy-shape mode; the same body):
           i32 stype (0 dense, 1 row_sparse, 2 csr)
           [sparse only: shape sshape, the shape of the stored values]
           shape | context | i32 dtype_flag
           [sparse only: (i32 aux_dtype_flag, shape aux_shape) per aux array: row_sparse 1 (row indices),
            csr 2 (indptr, column indices)]
           data (prod(sshape or shape) elements) | [sparse only: each aux array's data]
      V1: magic 0xF993FAC8: shape | context | i32 dtype_flag | data                 (dense only)
      legacy (no magic; the first u32 is ndim): u32 ndim | u32 dims * ndim | context | i32 dtype_flag | data
    shape   := i32 ndim | i64 dims * ndim            (V1-V3; ndim 0 is a 0-d array in V2/V3)
    context := i32 dev_type (1 cpu, 2 gpu, 3 cpu_pinned, 5 cpu_shared) | i32 dev_id
    data    := the elements in C order, little-endian, of the dtype given by the flag (``base.DTYPE_MX_TO_NP``;
               flag 12, bfloat16, is read and widened to float32)

A zero-size array still has its context and dtype flag, just no data bytes. ndgrad writes V2 records with the
array's own context, exactly as MXNet 1.9.1's ``nd.save`` does, so saving the same arrays gives the same bytes
(MXNet 1.9.1 itself writes a 0-d array that way but cannot read it back outside numpy-shape mode; ndgrad reads
it). Loading puts every array on ``cpu(0)``, as a CPU build of MXNet does, except that a GPU record goes to
that GPU when one is present. Sparse records are loaded dense, with a warning (ndgrad has dense storage only).

Writes are crash-safe: a temporary file in the target's folder, flushed and fsync'ed, then ``os.replace``.
Reading checks every length against the bytes left before allocating, so a truncated or hostile file raises
``MXNetError`` naming the file and the problem.

``save_to_bytes`` / ``load_from_bytes`` / ``write_file`` are the building blocks gluon's
``save_parameters`` / ``load_parameters`` use.
"""
from __future__ import annotations

import io
import os
import struct
import tempfile
import warnings
from collections.abc import Iterable
from contextlib import suppress
from typing import Any, BinaryIO

import numpy as np

from ..backend import to_device, to_host
from ..base import DTYPE_MX_TO_NP, DTYPE_NP_TO_MX, MXNetError, MXNetTypeError, MXNetValueError
from ..context import Context, cpu
from .ndarray import NDArray

__all__ = ["save", "load", "load_frombuffer", "save_to_bytes", "load_from_bytes", "write_file", "atomic_write"]

LIST_MAGIC = 0x112
V1_MAGIC = 0xF993FAC8
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA
STYPES = {0: "default", 1: "row_sparse", 2: "csr"}
_NUM_AUX = {1: 1, 2: 2}
_BFLOAT16 = 12
_MAX_NDIM = 64  # NumPy's limit
#: Largest dense array (bytes) a sparse record may expand to; a bigger one is taken for a corrupt file.
MAX_SPARSE_DENSE_BYTES = 1 << 34
_MIN_RECORD = 16  # the smallest record (legacy, ndim 1, no data) takes 4 + 4 + 8 + 4 bytes


# ----------------------------------------------------------------------------------------------- reading
class _Reader:
    """Bounds-checked reads from a binary stream of known size."""

    def __init__(self, f: BinaryIO, size: int, source: str):
        self.f, self.size, self.source, self.pos = f, size, source, 0

    def fail(self, what: str) -> MXNetError:
        return MXNetError(f"{self.source}: invalid NDArray file: {what} (at byte {self.pos})")

    def left(self) -> int:
        return self.size - self.pos

    def take(self, n: int, what: str) -> bytes:
        if n > self.left():
            raise self.fail(f"truncated: {what} needs {n} bytes but only {self.left()} are left")
        raw = self.f.read(n)
        if len(raw) != n:
            raise self.fail(f"truncated: {what} needs {n} bytes but only {len(raw)} could be read")
        self.pos += n
        return raw

    def unpack(self, fmt: str, what: str) -> Any:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))[0]

    def shape(self, what: str) -> tuple[int, ...]:
        ndim = self.unpack("i", f"{what}: ndim")
        if ndim < 0:
            raise self.fail(f"{what}: unknown shape (ndim {ndim})")
        if ndim > _MAX_NDIM:
            raise self.fail(f"{what}: ndim {ndim} exceeds the {_MAX_NDIM} dimensions an array can have")
        dims = struct.unpack(f"<{ndim}q", self.take(8 * ndim, f"{what}: {ndim} dims"))
        if any(d < 0 for d in dims):
            raise self.fail(f"{what}: negative dimension in shape {dims}")
        return self.check_span(dims, what)

    def check_span(self, dims: tuple[int, ...], what: str) -> tuple[int, ...]:
        span = 1
        for d in dims:
            span *= max(d, 1)
        if span * 16 >= 2**63:  # NumPy refuses such shapes even where a 0 makes them empty
            raise self.fail(f"{what}: shape {dims} is too large for an array")
        return dims

    def dtype(self, what: str) -> tuple[np.dtype, bool]:
        """The dtype a flag names, and whether it is bfloat16 (read as its uint16 bit patterns)."""
        flag = self.unpack("i", f"{what}: dtype flag")
        if flag == _BFLOAT16:
            return np.dtype("<u2"), True
        if flag not in DTYPE_MX_TO_NP:
            raise self.fail(f"{what}: unknown dtype flag {flag} (known: {sorted(DTYPE_MX_TO_NP)} and 12, bfloat16)")
        return np.dtype(DTYPE_MX_TO_NP[flag]).newbyteorder("<"), False

    def array(self, dtype: np.dtype, shape: tuple[int, ...], what: str) -> np.ndarray:
        count = 1
        for d in shape:
            count *= d  # Python ints: no overflow
        nbytes = count * dtype.itemsize
        if nbytes > self.left():
            raise self.fail(f"truncated: {what} of shape {shape} ({dtype.name}) needs {nbytes} bytes but only "
                            f"{self.left()} are left")
        arr = np.empty(count, dtype)
        if nbytes:
            got = self.f.readinto(memoryview(arr.reshape(-1).view(np.uint8)))
            if got != nbytes:
                raise self.fail(f"truncated: {what} needs {nbytes} bytes but only {got} could be read")
            self.pos += nbytes
        return arr.reshape(shape)


def _widen_bfloat16(raw: np.ndarray) -> np.ndarray:
    return (raw.astype(np.uint32) << 16).view(np.float32)


def _read_record(r: _Reader, i: int) -> tuple[np.ndarray, int, int, str, bool]:
    """One record: (dense values, dev_type, dev_id, stype name, was bfloat16)."""
    what = f"array {i}"
    word = r.unpack("I", f"{what}: magic")
    stype = 0
    if word in (V2_MAGIC, V3_MAGIC):
        stype = r.unpack("i", f"{what}: storage type")
        if stype not in STYPES:
            raise r.fail(f"{what}: unknown storage type {stype}")
        sshape = r.shape(f"{what} storage shape") if stype else None
        shape = r.shape(what)
    elif word == V1_MAGIC:
        sshape, shape = None, r.shape(what)
        if not shape:
            raise r.fail(f"{what}: V1 record without a shape (an uninitialised array)")
    else:  # legacy record: the word is ndim, followed by uint32 dims
        if word == 0:
            raise r.fail(f"{what}: legacy record without a shape (an uninitialised array)")
        if word > _MAX_NDIM:
            raise r.fail(f"{what}: bad record magic 0x{word:08X} (expected 0xF993FAC9, 0xF993FACA, 0xF993FAC8 "
                         f"or a legacy record's ndim <= {_MAX_NDIM})")
        shape = struct.unpack(f"<{word}I", r.take(4 * word, f"{what}: {word} legacy dims"))
        sshape, shape = None, r.check_span(shape, what)
    dev_type = r.unpack("i", f"{what}: device type")
    dev_id = r.unpack("i", f"{what}: device id")
    dtype, bf16 = r.dtype(what)
    if not stype:
        data = r.array(dtype, shape, f"{what} data")
        return (_widen_bfloat16(data) if bf16 else data), dev_type, dev_id, "default", bf16
    aux_meta = []
    for k in range(_NUM_AUX[stype]):
        aux_dtype, aux_bf16 = r.dtype(f"{what} aux {k}")
        if aux_bf16 or aux_dtype.kind not in "iu":
            raise r.fail(f"{what}: aux array {k} has non-integer dtype {aux_dtype.name}")
        aux_meta.append((aux_dtype, r.shape(f"{what} aux {k}")))
    data = r.array(dtype, sshape, f"{what} stored values")
    if bf16:
        data = _widen_bfloat16(data)
    aux = [r.array(t, s, f"{what} aux {k}") for k, (t, s) in enumerate(aux_meta)]
    dense = _densify(r, what, stype, shape, data, aux)
    return dense, dev_type, dev_id, STYPES[stype], bf16


def _densify(r: _Reader, what: str, stype: int, shape: tuple, data: np.ndarray, aux: list) -> np.ndarray:
    nbytes = data.dtype.itemsize
    for d in shape:
        nbytes *= d
    if nbytes > MAX_SPARSE_DENSE_BYTES:
        raise r.fail(f"{what}: sparse array of shape {shape} would take {nbytes} bytes dense "
                     f"(more than MAX_SPARSE_DENSE_BYTES = {MAX_SPARSE_DENSE_BYTES})")
    try:
        dense = np.zeros(shape, data.dtype)
    except (MemoryError, ValueError) as err:
        raise r.fail(f"{what}: cannot allocate the dense array of shape {shape}: {err}") from None
    if stype == 1:  # row_sparse: stored rows and their row indices
        (idx,) = aux
        if not shape or data.shape[1:] != shape[1:] or idx.shape != data.shape[:1]:
            raise r.fail(f"{what}: row_sparse values {data.shape} and indices {idx.shape} do not fit shape {shape}")
        if idx.size and (idx.min() < 0 or idx.max() >= shape[0]):
            raise r.fail(f"{what}: row_sparse row index out of range for shape {shape}")
        dense[idx.astype(np.int64)] = data
        return dense
    indptr, idx = aux  # csr
    if len(shape) != 2 or data.ndim != 1 or indptr.shape != (shape[0] + 1,) or idx.shape != data.shape:
        raise r.fail(f"{what}: csr values {data.shape}, indptr {indptr.shape} and indices {idx.shape} do not fit "
                     f"shape {shape}")
    indptr = indptr.astype(np.int64)
    if indptr[0] != 0 or indptr[-1] != data.size or np.any(np.diff(indptr) < 0):
        raise r.fail(f"{what}: csr indptr is not a valid row pointer for {data.size} values")
    if idx.size and (idx.min() < 0 or idx.max() >= shape[1]):
        raise r.fail(f"{what}: csr column index out of range for shape {shape}")
    rows = np.repeat(np.arange(shape[0]), np.diff(indptr))
    dense[rows, idx.astype(np.int64)] = data
    return dense


def _parse(f: BinaryIO, size: int, source: str) -> tuple[list[np.ndarray], list[tuple[int, int]], list[str]]:
    """Arrays, their (dev_type, dev_id) and names (empty for a list) from a stream holding a whole file."""
    r = _Reader(f, size, source)
    magic = r.unpack("Q", "list magic")
    if magic != LIST_MAGIC:
        raise r.fail(f"wrong magic 0x{magic:X} (expected 0x{LIST_MAGIC:X}); not an MXNet NDArray file")
    r.unpack("Q", "reserved field")
    count = r.unpack("Q", "array count")
    if count > r.left() // _MIN_RECORD:
        raise r.fail(f"truncated or corrupt: array count {count} cannot fit in the {r.left()} bytes left")
    arrays, ctxs, sparse = [], [], []
    for i in range(count):
        arr, dev_type, dev_id, stype, bf16 = _read_record(r, i)
        arrays.append(arr)
        ctxs.append((dev_type, dev_id))
        if stype != "default" or bf16:
            sparse.append((i, stype, bf16))
    nnames = r.unpack("Q", "name count")
    if nnames not in (0, count):
        raise r.fail(f"{nnames} names for {count} arrays (expected 0 or {count})")
    names = []
    for i in range(nnames):
        n = r.unpack("Q", f"length of name {i}")
        raw = r.take(n, f"name {i}")
        try:
            names.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise r.fail(f"name {i} is not valid UTF-8") from None
    for i, stype, bf16 in sparse:
        label = f"array {i}" + (f" ({names[i]!r})" if names else "")
        if stype != "default":
            warnings.warn(f"{source}: {label} is stored as {stype}; ndgrad has dense storage only, "
                          "so it is loaded dense", stacklevel=4)
        if bf16:
            warnings.warn(f"{source}: {label} is bfloat16, which ndgrad does not support; loaded as float32",
                          stacklevel=4)
    return arrays, ctxs, names


def _context(dev_type: int, dev_id: int) -> Context:
    if dev_type == 2:
        from ..context import num_gpus
        if 0 <= dev_id < num_gpus():
            return Context("gpu", dev_id)
    return cpu(0)


def _wrap(arrays: list[np.ndarray], ctxs: list[tuple[int, int]], names: list[str]) -> list | dict:
    out = []
    for raw, (dev_type, dev_id) in zip(arrays, ctxs, strict=True):
        ctx = _context(dev_type, dev_id)
        raw = raw.astype(raw.dtype.newbyteorder("="), copy=False)
        out.append(NDArray(to_device(raw, ctx.device_type, ctx.device_id), ctx))
    return dict(zip(names, out, strict=True)) if names else out


def load_from_bytes(buf: bytes | bytearray | memoryview, source: str = "<buffer>") -> list | dict:
    """Decode a whole MXNet NDArray file held in memory: a list of NDArrays, or a dict when it has names.

    ``source`` names the data in error messages.
    """
    view = memoryview(buf)
    if view.format != "B" or view.ndim != 1:
        view = view.cast("B")
    arrays, ctxs, names = _parse(io.BytesIO(view), view.nbytes, source)
    return _wrap(arrays, ctxs, names)


def load(fname: str | os.PathLike) -> list | dict:
    """Loads an array list or a dict of named arrays from a file in MXNet's binary format.

    Parameters
    ----------
    fname : str
        The file to read.

    Returns
    -------
    list of NDArray, or dict of str to NDArray
        A dict when the file was saved from a dict, else a list.
    """
    if not isinstance(fname, (str, os.PathLike)):
        raise MXNetTypeError("fname required to be a string")
    path = os.fspath(fname)
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            arrays, ctxs, names = _parse(f, size, path)
    except OSError as err:
        raise MXNetError(f"{path}: cannot read: {err.strerror or err}") from None
    return _wrap(arrays, ctxs, names)


def load_frombuffer(buf: bytes | str) -> list | dict:
    """Loads an array list or a dict of named arrays from the bytes of a file in MXNet's binary format.

    Parameters
    ----------
    buf : bytes
        The content of a file written by ``save``.

    Returns
    -------
    list of NDArray, or dict of str to NDArray
    """
    if isinstance(buf, str):
        buf = buf.encode("utf-8")
    if not isinstance(buf, (bytes, bytearray, memoryview)):
        raise MXNetTypeError("buf required to be a string or bytes")
    return load_from_bytes(buf)


# ----------------------------------------------------------------------------------------------- writing
def _collect(data: Any, allow_numpy: bool = False) -> tuple[list[str], list[Any]]:
    kinds = (NDArray, np.ndarray) if allow_numpy else (NDArray,)
    if isinstance(data, kinds):
        return [], [data]
    if isinstance(data, dict):
        items = list(data.items())
        if not all(isinstance(k, str) and isinstance(v, kinds) for k, v in items):
            raise MXNetTypeError("save only accept dict str->NDArray or list of NDArray")
        return [k for k, _ in items], [v for _, v in items]
    if isinstance(data, list):
        if not all(isinstance(v, kinds) for v in data):
            raise MXNetTypeError("save only accept dict str->NDArray or list of NDArray")
        return [], list(data)
    raise MXNetValueError("data needs to either be a NDArray, dict of str, NDArray pairs or a list of NDarrays.")


def _record(arr: Any) -> list:
    """The chunks of one V2 dense record (header bytes, then the data as a zero-copy view)."""
    if isinstance(arr, NDArray):
        raw, ctx = to_host(arr._data), arr.context
        dev_type, dev_id = ctx.device_typeid, ctx.device_id
    else:
        raw, dev_type, dev_id = np.asarray(arr), 1, 0
    flag = DTYPE_NP_TO_MX.get(raw.dtype.type)
    if flag is None:
        raise MXNetTypeError(f"save: dtype {raw.dtype} has no MXNet type flag")
    raw = np.asarray(raw, raw.dtype.newbyteorder("<"), order="C")  # (ascontiguousarray would make 0-d 1-d)
    head = struct.pack(f"<Iii{raw.ndim}qiii", V2_MAGIC, 0, raw.ndim, *raw.shape, dev_type, dev_id, flag)
    return [head, memoryview(raw.reshape(-1).view(np.uint8))] if raw.size else [head]


def _encode(names: list[str], arrays: list[Any]) -> Iterable:
    yield struct.pack("<QQQ", LIST_MAGIC, 0, len(arrays))
    for arr in arrays:
        yield from _record(arr)
    yield struct.pack("<Q", len(names))
    for name in names:
        raw = name.encode("utf-8")
        yield struct.pack("<Q", len(raw)) + raw


def save_to_bytes(data: Any) -> bytes:
    """The bytes ``save`` writes for ``data`` (an NDArray, a list of them, or a dict str -> NDArray;
    NumPy arrays are accepted too and stored as on ``cpu(0)``)."""
    return b"".join(_encode(*_collect(data, allow_numpy=True)))


def _umask() -> int:
    with suppress(OSError, ValueError), open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_file(fname: str | os.PathLike, chunks: Iterable[bytes | memoryview]) -> None:
    """Write ``chunks`` to ``fname`` crash-safely: a temporary file in the same folder, fsync, ``os.replace``.

    A symlink is followed (its target is replaced); the file keeps an existing file's permissions, else gets
    the usual ``0o666 & ~umask``. Raises MXNetError naming the file on any OS error.
    """
    path = os.path.realpath(os.fspath(fname))
    folder, base = os.path.split(path)
    tmp = None
    try:
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        tmp = None
        with suppress(OSError):  # make the rename itself durable where the platform allows
            dfd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
    except OSError as err:
        raise MXNetError(f"{os.fspath(fname)}: cannot write: {err.strerror or err}") from None
    finally:
        if tmp is not None:
            with suppress(OSError):
                os.unlink(tmp)


def atomic_write(fname: str | os.PathLike, data: bytes | bytearray | memoryview | Iterable) -> None:
    """Write ``data`` (bytes, or an iterable of byte chunks) to ``fname`` crash-safely (see ``write_file``)."""
    write_file(fname, [data] if isinstance(data, (bytes, bytearray, memoryview)) else data)


def save(fname: str | os.PathLike, data: Any) -> None:
    """Saves an NDArray, a list of NDArrays or a dict of str -> NDArray to a file in MXNet's binary format.

    Parameters
    ----------
    fname : str
        The file to write (replaced atomically).
    data : NDArray, list of NDArray, or dict of str to NDArray
        What to save; ``load`` returns a list, or a dict for a dict.
    """
    if not isinstance(fname, (str, os.PathLike)):
        raise MXNetTypeError(f"fname required to be a string, got {type(fname).__name__}")
    names, arrays = _collect(data)
    write_file(fname, _encode(names, arrays))
