"""Record MXNet 1.9.1's own files for tests/ndarray/test_io.py (run with the MXNet venv).

    /work/main/.venv-mxnet/bin/python tests/data/io/generate.py

Each ``<name>.nd`` has ``<name>.expected.npz`` beside it with the values MXNet itself loads from it (keys as
``nd.load`` gives them; ``a0, a1, ...`` for lists). ``v1.nd`` and ``legacy.nd`` use record layouts that
MXNet 1.9.1 no longer writes but still reads: they are assembled here by hand and kept only because the real
MXNet loads them to the recorded values. ``zero_d.nd`` is what MXNet writes for a 0-d array outside
numpy-shape mode (it cannot read it back itself; its expected values are the saved ones).
"""
import struct
from pathlib import Path

import mxnet as mx
import numpy as np

nd = mx.nd
HERE = Path(__file__).resolve().parent


def record(name, data, check_mx_load=True):
    path = str(HERE / f"{name}.nd")
    if callable(data):
        data(path)
    else:
        nd.save(path, data)
    if not check_mx_load:
        return
    loaded = nd.load(path)
    items = loaded.items() if isinstance(loaded, dict) else [(f"a{i}", v) for i, v in enumerate(loaded)]
    np.savez(HERE / f"{name}.expected.npz", **{k: v.asnumpy() for k, v in items})


rng = np.random.default_rng(7)

# sparse records: row_sparse and csr, with values, and all-zero ones; float32 and float64
d = np.array([[0, 0, 0], [1, 2, 3], [0, 0, 0], [4, 5, 6]], np.float32)
record("sparse", {"rsp": nd.array(d).tostype("row_sparse"), "csr": nd.array(d).tostype("csr"),
                  "rsp64": nd.array(d * 0.5, dtype="float64").tostype("row_sparse"),
                  "rsp0": nd.zeros((3, 2), stype="row_sparse"), "csr0": nd.zeros((3, 2), stype="csr"),
                  "dense": nd.array(rng.standard_normal((2, 2)))})

# every dtype MXNet 1.9.1's Python side can make, incl. bool, and 1-element and zero-size arrays
record("dtypes", [nd.array(rng.standard_normal(3), dtype="float16"), nd.array([True, False, True], dtype="bool"),
                  nd.array([-3, 4], dtype="int8"), nd.array([250, 3], dtype="uint8"),
                  nd.array([2**40, -5], dtype="int64"), nd.array([7.0]), nd.array(np.zeros((0,), np.float32)),
                  nd.array(np.zeros((2, 0), np.int32), dtype="int32")])

# numpy-shape mode writes V3 records; 0-size and 0-d shapes are then unambiguous
with mx.util.np_shape(True):
    record("npshape", [nd.zeros((0, 3)), nd.zeros((2, 0, 4), dtype="int64"), nd.array(np.float32(3.5)),
                       nd.array(rng.standard_normal((2, 3)), dtype="float64")])

# a 0-d array saved outside numpy-shape mode: V2, ndim 0, followed by context, dtype and the value
record("zero_d", [nd.array(np.float32(-1.25)), nd.array([1.0, 2.0])], check_mx_load=False)
np.savez(HERE / "zero_d.expected.npz", a0=np.float32(-1.25), a1=np.array([1.0, 2.0], np.float32))

# cpu_pinned context (dev_type 3): MXNet loads it on cpu(0)
record("pinned", {"p": nd.array([1, 2, 3]).as_in_context(mx.cpu_pinned(0))})

HDR = struct.pack("<QQQ", 0x112, 0, 2)
NAMES = struct.pack("<Q", 2) + struct.pack("<Q", 1) + b"x" + struct.pack("<Q", 1) + b"y"
F32 = np.arange(6, dtype=np.float32).tobytes()
I32 = np.array([7, -8], np.int32).tobytes()


def v1(path):  # magic 0xF993FAC8, no storage type, i32 ndim + i64 dims
    rec1 = struct.pack("<Ii2q", 0xF993FAC8, 2, 2, 3) + struct.pack("<iii", 1, 0, 0) + F32
    rec2 = struct.pack("<Iiq", 0xF993FAC8, 1, 2) + struct.pack("<iii", 1, 0, 4) + I32
    Path(path).write_bytes(HDR + rec1 + rec2 + NAMES)


def legacy(path):  # no magic: u32 ndim + u32 dims
    rec1 = struct.pack("<III", 2, 2, 3) + struct.pack("<iii", 1, 0, 0) + F32
    rec2 = struct.pack("<II", 1, 2) + struct.pack("<iii", 1, 0, 4) + I32
    Path(path).write_bytes(HDR + rec1 + rec2 + NAMES)


record("v1", v1)
record("legacy", legacy)
print("written to", HERE)
