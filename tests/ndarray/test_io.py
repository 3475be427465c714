"""nd.save / nd.load / nd.load_frombuffer against files written by the real MXNet 1.9.1.

Two sources of MXNet files: the shared set (``shared/mxnet-files`` beside the clone, see its README) and the
small set recorded by ``tests/data/io/generate.py`` (sparse records, V1/V3/legacy layouts, odd shapes).
"""
from __future__ import annotations

import json
import os
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest

import ndgrad as mx
from ndgrad import nd
from ndgrad.base import MXNetError
from ndgrad.ndarray import io as ndio

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "mxnet-files"
DATA = Path(__file__).resolve().parents[1] / "data" / "io"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"MXNet's shared files not found at {SHARED}")

SHARED_FILES = ["dict_mixed.nd", "list_mixed.nd", "single.nd", "empty_list.nd", "lenet.params",
                "lenet_fullnames.params"]
LOCAL_FILES = sorted(p.name for p in DATA.glob("*.nd"))


def _items(loaded):
    return list(loaded.items()) if isinstance(loaded, dict) else [(f"a{i}", v) for i, v in enumerate(loaded)]


def _expected(path: Path) -> dict:
    exp = path.with_name(path.name.rsplit(".", 1)[0] + ".expected.npz")
    with np.load(exp) as z:
        return {k: z[k] for k in z.files}


def _check_values(loaded, expected: dict):
    items = _items(loaded)
    assert [k for k, _ in items] == list(expected) or set(k for k, _ in items) == set(expected)
    for key, arr in items:
        want = expected[key]
        assert isinstance(arr, nd.NDArray)
        assert arr.dtype == want.dtype.type, key
        assert arr.shape == want.shape, key
        assert arr.context == mx.cpu(0)
        np.testing.assert_array_equal(arr.asnumpy(), want, err_msg=key)


# ------------------------------------------------------------------------------------------- MXNet's own files
@needs_shared
@pytest.mark.parametrize("name", SHARED_FILES)
def test_shared_file_loads_to_mxnets_values(name):
    path = SHARED / name
    loaded = nd.load(str(path))
    exp_path = path.with_name(name.rsplit(".", 1)[0] + ".expected.npz")
    if exp_path.exists():
        _check_values(loaded, _expected(path))
    assert nd.load_frombuffer(path.read_bytes()).__class__ is loaded.__class__


@needs_shared
def test_shared_file_kinds():
    assert isinstance(nd.load(str(SHARED / "dict_mixed.nd")), dict)
    assert isinstance(nd.load(str(SHARED / "list_mixed.nd")), list)
    assert nd.load(str(SHARED / "empty_list.nd")) == []
    names = json.loads((SHARED / "lenet.names.json").read_text())
    assert list(nd.load(str(SHARED / "lenet.params"))) == names["structural_names"]
    assert list(nd.load(str(SHARED / "lenet_fullnames.params"))) == names["full_names"]


@needs_shared
@pytest.mark.parametrize("name", SHARED_FILES)
def test_resaving_a_shared_file_gives_mxnets_bytes(name, tmp_path):
    original = (SHARED / name).read_bytes()
    out = tmp_path / "again.nd"
    nd.save(str(out), nd.load(str(SHARED / name)))
    assert out.read_bytes() == original
    assert ndio.save_to_bytes(nd.load_frombuffer(original)) == original


@pytest.mark.parametrize("name", LOCAL_FILES)
def test_recorded_file_loads_to_mxnets_values(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _check_values(nd.load(str(DATA / name)), _expected(DATA / name))


@pytest.mark.parametrize("name", ["dtypes.nd", "zero_d.nd"])
def test_resaving_recorded_file_gives_mxnets_bytes(name, tmp_path):
    original = (DATA / name).read_bytes()
    nd.save(str(tmp_path / "x.nd"), nd.load(str(DATA / name)))
    assert (tmp_path / "x.nd").read_bytes() == original


def test_sparse_records_load_dense_with_a_warning():
    with pytest.warns(UserWarning) as rec:
        loaded = nd.load(str(DATA / "sparse.nd"))
    assert any("stored as row_sparse" in str(w.message) and "loaded dense" in str(w.message) for w in rec)
    assert any("stored as csr" in str(w.message) for w in rec)
    assert any("sparse.nd" in str(w.message) and "'rsp'" in str(w.message) for w in rec)
    np.testing.assert_array_equal(loaded["csr"].asnumpy(), [[0, 0, 0], [1, 2, 3], [0, 0, 0], [4, 5, 6]])
    assert loaded["rsp0"].shape == (3, 2) and not loaded["rsp0"].asnumpy().any()


def test_v3_records_keep_zero_size_and_zero_d_shapes():
    loaded = nd.load(str(DATA / "npshape.nd"))
    assert [a.shape for a in loaded] == [(0, 3), (2, 0, 4), (), (2, 3)]
    assert loaded[2].asscalar() == np.float32(3.5)


def test_cpu_pinned_record_loads_on_cpu0():
    assert nd.load(str(DATA / "pinned.nd"))["p"].context == mx.cpu(0)


# ------------------------------------------------------------------------------------------- round trips
ALL_DTYPES = ["float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bool", "int16", "uint16",
              "uint32", "uint64"]


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("shape", [(), (1,), (0,), (2, 0, 3), (3, 4), (2, 1, 3, 2)])
def test_round_trip_every_dtype_and_shape(dtype, shape, tmp_path):
    rng = np.random.default_rng(0)
    raw = (rng.standard_normal(shape) * 50).astype(dtype)
    x = nd.array(raw, dtype=dtype)
    path = tmp_path / "rt.nd"
    nd.save(str(path), {"x": x, "y": x})
    back = nd.load(str(path))
    assert list(back) == ["x", "y"]
    assert back["x"].dtype == np.dtype(dtype).type and back["x"].shape == shape
    np.testing.assert_array_equal(back["x"].asnumpy(), raw)
    # the header is exactly what MXNet writes: V2 magic, dense, ndim, int64 dims, cpu(0), the dtype flag
    head = struct.pack(f"<Iii{len(shape)}qiii", 0xF993FAC9, 0, len(shape), *shape, 1, 0,
                       mx.base.DTYPE_NP_TO_MX[np.dtype(dtype).type])
    assert path.read_bytes()[24:24 + len(head)] == head


def test_save_single_array_and_list_load_as_lists(tmp_path):
    x = nd.array([[1, 2], [3, 4]])
    nd.save(str(tmp_path / "a.nd"), x)
    nd.save(tmp_path / "b.nd", [x, x * 2])  # a PathLike works too
    assert len(nd.load(str(tmp_path / "a.nd"))) == 1
    b = nd.load(tmp_path / "b.nd")
    np.testing.assert_array_equal(b[1].asnumpy(), [[2, 4], [6, 8]])
    nd.save(str(tmp_path / "c.nd"), {})
    assert nd.load(str(tmp_path / "c.nd")) == []


def test_non_contiguous_data_and_dict_order(tmp_path):
    x = nd.array(np.arange(12, dtype=np.float32).reshape(3, 4)).T
    nd.save(str(tmp_path / "t.nd"), {"z": x, "a": x[1]})
    back = nd.load(str(tmp_path / "t.nd"))
    assert list(back) == ["z", "a"]
    np.testing.assert_array_equal(back["z"].asnumpy(), np.arange(12).reshape(3, 4).T)


def test_unicode_names_round_trip():
    buf = ndio.save_to_bytes({"héllo_wörld": nd.ones(2)})
    assert "héllo_wörld".encode() in buf
    assert list(nd.load_frombuffer(buf)) == ["héllo_wörld"]


def test_save_to_bytes_accepts_numpy_and_matches_save(tmp_path):
    raw = np.arange(6, dtype=np.float64).reshape(2, 3)
    nd.save(str(tmp_path / "n.nd"), {"w": nd.array(raw, dtype="float64")})
    assert ndio.save_to_bytes({"w": raw}) == (tmp_path / "n.nd").read_bytes()
    assert isinstance(ndio.load_from_bytes(bytearray(ndio.save_to_bytes([raw]))), list)


def test_load_frombuffer_input_types():
    buf = ndio.save_to_bytes([nd.ones(3)])
    for b in (buf, bytearray(buf), memoryview(buf)):
        np.testing.assert_array_equal(nd.load_frombuffer(b)[0].asnumpy(), np.ones(3))
    with pytest.raises(TypeError, match="buf required"):
        nd.load_frombuffer(123)


# ------------------------------------------------------------------------------------------- API errors
@pytest.mark.parametrize("data", [3, (nd.ones(1),), np.ones(2)])
def test_save_rejects_other_containers(data, tmp_path):
    with pytest.raises(ValueError, match="data needs to either be"):
        nd.save(str(tmp_path / "x.nd"), data)


@pytest.mark.parametrize("data", [{"a": 1}, {1: nd.ones(1)}, [nd.ones(1), 2]])
def test_save_rejects_bad_items(data, tmp_path):
    with pytest.raises(TypeError, match="save only accept"):
        nd.save(str(tmp_path / "x.nd"), data)
    assert not list(tmp_path.iterdir())


def test_bad_file_names(tmp_path):
    with pytest.raises(TypeError, match="fname required to be a string"):
        nd.load(3)
    with pytest.raises(TypeError):
        nd.save(3, [nd.ones(1)])
    missing = tmp_path / "nope" / "x.nd"
    with pytest.raises(MXNetError, match=r"nope/x\.nd"):
        nd.load(str(missing))
    with pytest.raises(MXNetError, match=r"nope/x\.nd.*cannot write"):
        nd.save(str(missing), [nd.ones(1)])
    with pytest.raises(MXNetError, match="cannot"):
        nd.save(str(tmp_path), [nd.ones(1)])  # a folder


# ------------------------------------------------------------------------------------------- crash safety
def test_failed_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "p.nd"
    nd.save(str(path), [nd.ones(2)])
    before = path.read_bytes()

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(MXNetError, match=r"p\.nd.*No space left"):
        nd.save(str(path), [nd.zeros(5)])
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.nd"]


def test_write_goes_through_fsync_and_replace(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1])
    nd.save(str(tmp_path / "q.nd"), [nd.ones(2)])
    assert calls[:2] == ["fsync", "replace"]


def test_permissions_and_symlinks_are_kept(tmp_path):
    target = tmp_path / "real.nd"
    nd.save(str(target), [nd.ones(1)])
    os.chmod(target, 0o640)
    link = tmp_path / "link.nd"
    link.symlink_to(target)
    nd.save(str(link), [nd.zeros(3)])
    assert link.is_symlink()
    assert (target.stat().st_mode & 0o777) == 0o640
    assert nd.load(str(target))[0].shape == (3,)


# ------------------------------------------------------------------------------------------- hostile input
def _file(records: bytes, count: int, names: bytes = struct.pack("<Q", 0)) -> bytes:
    return struct.pack("<QQQ", 0x112, 0, count) + records + names


def _v2(shape, flag=0, data=None, stype=0, ctx=(1, 0)):
    if data is None:
        data = np.ones(shape, np.float32).tobytes()
    return struct.pack(f"<Iii{len(shape)}qiii", 0xF993FAC9, stype, len(shape), *shape, *ctx, flag) + data


def _raises(buf: bytes, match: str):
    with pytest.raises(MXNetError, match=match) as err:
        ndio.load_from_bytes(buf, source="bad.nd")
    assert "bad.nd" in str(err.value)


def test_every_truncation_raises():
    buf = ndio.save_to_bytes({"a": nd.ones((2, 3)), "b": nd.array([1, 2], dtype="int64")})
    for n in range(len(buf)):
        _raises(buf[:n], "truncated")


def test_wrong_magics():
    _raises(b"\x13" + ndio.save_to_bytes([nd.ones(1)])[1:], "wrong magic 0x113")
    _raises(_file(struct.pack("<I", 0xDEADBEEF) + b"\0" * 40, 1), "bad record magic 0xDEADBEEF")
    _raises(_file(struct.pack("<I", 0) + b"\0" * 40, 1), "without a shape")


def test_bad_fields():
    _raises(_file(_v2((2,), flag=99), 1), "unknown dtype flag 99")
    _raises(_file(_v2((2,), flag=-1), 1), "unknown dtype flag -1")
    _raises(_file(_v2((2,), stype=7), 1), "unknown storage type 7")
    _raises(_file(struct.pack("<Iii", 0xF993FAC9, 0, -1) + b"\0" * 32, 1), "unknown shape")
    _raises(_file(struct.pack("<Iiiq", 0xF993FAC9, 0, 1, -4) + b"\0" * 32, 1), "negative dimension")
    _raises(_file(struct.pack("<Iii", 0xF993FAC9, 0, 2**31 - 1) + b"\0" * 32, 1), "ndim 2147483647")


def test_sizes_beyond_the_file_raise_before_allocating():
    _raises(_file(_v2((2**31, 2**31, 2**31), data=b""), 1), "too large")
    _raises(_file(_v2((2**19, 2**19, 2**19), data=b""), 1), "needs 576460752303423488 bytes")
    _raises(_file(_v2((2**62, 4), data=b""), 1), "too large")
    _raises(struct.pack("<QQQ", 0x112, 0, 2**63), "array count")
    _raises(_file(_v2((2, 2**62, 0, 5), data=b""), 1), "too large")  # empty, yet no array can have that shape
    legacy = struct.pack("<5I", 4, 0, 2**32 - 1, 2**32 - 1, 2**32 - 1) + struct.pack("<iii", 1, 0, 0)
    _raises(_file(legacy, 1), "too large")
    names = struct.pack("<QQ", 1, 2**63) + b"abc"
    _raises(_file(_v2((1,)), 1, names), "name 0 needs 9223372036854775808 bytes")
    _raises(_file(_v2((1,)), 1, struct.pack("<Q", 2**40)), "names for 1 arrays")
    _raises(_file(_v2((1,)), 1, struct.pack("<QQ", 1, 2) + b"\xff\xfe"), "not valid UTF-8")
    _raises(_file(_v2((1,)), 1, b""), "name count")


def test_hostile_sparse_records():
    def rsp(shape, sshape, idx):
        head = struct.pack(f"<Iii{len(sshape)}qi{len(shape)}qiii", 0xF993FAC9, 1, len(sshape), *sshape,
                           len(shape), *shape, 1, 0, 0)
        aux = struct.pack("<iiq", 6, 1, len(idx))
        return head + aux + np.ones(sshape, np.float32).tobytes() + np.array(idx, np.int64).tobytes()
    _raises(_file(rsp((4, 3), (2, 3), [1, 9]), 1), "row index out of range")
    _raises(_file(rsp((4, 3), (2, 2), [1, 2]), 1), "do not fit")
    _raises(_file(rsp((2**40, 2**20), (1, 2**20), [0]), 1), "too large")
    _raises(_file(rsp((2**40, 3), (1, 3), [0]), 1), "MAX_SPARSE_DENSE_BYTES")
    with pytest.warns(UserWarning):
        ok = ndio.load_from_bytes(_file(rsp((4, 3), (2, 3), [3, 0]), 1))
    np.testing.assert_array_equal(ok[0].asnumpy()[[0, 3]], np.ones((2, 3)))


def test_bfloat16_records_widen_to_float32():
    bits = (np.array([1.5, -2.25], np.float32).view(np.uint32) >> 16).astype(np.uint16)
    with pytest.warns(UserWarning, match="bfloat16"):
        (x,) = ndio.load_from_bytes(_file(_v2((2,), flag=12, data=bits.tobytes()), 1))
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x.asnumpy(), [1.5, -2.25])


def test_gpu_record_loads_on_cpu_without_a_gpu():
    if mx.num_gpus():
        pytest.skip("a GPU is present")
    (x,) = ndio.load_from_bytes(_file(_v2((2,), ctx=(2, 0)), 1))
    assert x.context == mx.cpu(0)


def test_trailing_bytes_and_reserved_field_are_ignored():
    buf = bytearray(ndio.save_to_bytes([nd.ones(1)]) + b"xyz")
    buf[8] = 5
    np.testing.assert_array_equal(nd.load_frombuffer(bytes(buf))[0].asnumpy(), [1.0])


def test_atomic_write_bytes_and_chunks(tmp_path):
    ndio.atomic_write(str(tmp_path / "a.bin"), b"abc")
    ndio.atomic_write(tmp_path / "b.bin", [b"ab", memoryview(b"cd")])
    assert (tmp_path / "a.bin").read_bytes() == b"abc" and (tmp_path / "b.bin").read_bytes() == b"abcd"
