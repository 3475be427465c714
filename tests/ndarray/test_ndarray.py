"""NDArray behaviour as MXNet 1.9.1 shows it: creation dtypes, reprs, Python protocol, contexts, copies."""
from __future__ import annotations

import numpy as np
import pytest

import ndgrad as mx
from ndgrad import nd
from ndgrad.base import MXNetError


def test_repr_matches_mxnet():
    assert repr(nd.array([[1, 2], [3, 4]])) == "\n[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>"
    assert repr(nd.array([0.5, 2])) == "\n[0.5 2. ]\n<NDArray 2 @cpu(0)>"
    assert repr((nd.ones((1,)), nd.zeros((1, 1, 2)))) == \
        "(\n[1.]\n<NDArray 1 @cpu(0)>, \n[[[0. 0.]]]\n<NDArray 1x1x2 @cpu(0)>)"


def test_creation_defaults_to_float32():
    assert nd.array([1, 2]).dtype is np.float32
    assert nd.array(np.array([1, 2], dtype=np.int64)).dtype is np.float32  # as MXNet: numpy dtype not kept
    assert nd.array(nd.array([1, 2], dtype="int32")).dtype is np.int32  # NDArray source keeps its dtype
    assert nd.array([1, 2], dtype="float64").dtype is np.float64
    for make in (nd.zeros, nd.ones, nd.empty):
        assert make((2, 3)).dtype is np.float32
    assert nd.full((2,), 7).asnumpy().tolist() == [7.0, 7.0]
    assert nd.arange(3).asnumpy().tolist() == [0.0, 1.0, 2.0]
    assert nd.arange(1, 7, 2, repeat=2).asnumpy().tolist() == [1, 1, 3, 3, 5, 5]
    assert nd.eye(2, 3, 1).asnumpy().tolist() == [[0, 1, 0], [0, 0, 1]]
    assert nd.linspace(0, 1, 5).shape == (5,)
    with pytest.raises(MXNetError, match="not supported"):
        nd.zeros((2,), dtype="complex64")


def test_attributes():
    x = nd.ones((2, 3))
    assert (x.shape, x.size, x.ndim, x.stype) == ((2, 3), 6, 2, "default")
    assert x.context == mx.cpu() == x.ctx
    assert x.T.shape == (3, 2)
    assert x.grad is None


def test_asscalar_and_conversions():
    assert nd.array([3]).asscalar() == 3.0
    assert isinstance(nd.array([3]).asscalar(), np.float32)
    for err in (ValueError, MXNetError):
        with pytest.raises(err, match="not a scalar"):
            nd.array([1, 2]).asscalar()
    assert float(nd.array([2.5])) == 2.5 and int(nd.array([2.5])) == 2
    with pytest.raises(TypeError):
        float(nd.array([1, 2]))
    assert bool(nd.array([1])) and not bool(nd.array([0]))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(nd.array([1, 2]))
    np.testing.assert_array_equal(np.asarray(nd.array([[1, 2]])), [[1.0, 2.0]])


def test_len_and_iteration_follow_the_first_axis():
    x = nd.array([[1, 2], [3, 4], [5, 6]])
    assert len(x) == 3
    rows = list(x)
    assert [r.shape for r in rows] == [(2,)] * 3
    assert [r.shape for r in nd.array([1, 2])] == [(1,), (1,)]


def test_scalar_arithmetic_takes_the_array_dtype():
    x = nd.array([1, 2], dtype="int32")
    assert (x * 2.5).asnumpy().tolist() == [2, 4] and (x * 2.5).dtype is np.int32
    assert (x / 2).asnumpy().tolist() == [0, 1]
    assert (2.0 * nd.array([1.5])).dtype is np.float32
    assert (np.float32(2) * nd.array([1.5])).asnumpy().tolist() == [3.0]
    assert (1 - nd.array([3.0])).asnumpy().tolist() == [-2.0]
    assert (2 ** nd.array([3.0])).asnumpy().tolist() == [8.0]
    assert (-nd.array([1.0])).asnumpy().tolist() == [-1.0]
    assert abs(nd.array([-2.0])).asnumpy().tolist() == [2.0]


def test_comparisons_give_the_input_dtype():
    x = nd.array([1, 2, 3])
    assert (x > 1).dtype is np.float32
    assert (x > 1).asnumpy().tolist() == [0, 1, 1]
    assert (x == nd.array([1, 0, 3])).asnumpy().tolist() == [1, 0, 1]
    assert (2 < x).asnumpy().tolist() == [0, 0, 1]
    assert (x != 2).asnumpy().tolist() == [1, 0, 1]


def test_inplace_operators_write_into_the_same_array():
    x = nd.array([1.0, 2.0])
    data = x._data
    x += 1
    x *= nd.array([2.0, 3.0])
    x -= 1
    x /= 2
    assert x._data is data
    assert x.asnumpy().tolist() == [1.5, 4.0]


def test_indexing_shapes_and_assignment():
    x = nd.arange(12).reshape((3, 4))
    assert x[0].shape == (4,) and x[0, 1].shape == (1,)
    assert x[1:3].shape == (2, 4) and x[:, 1].shape == (3,)
    assert x[nd.array([0, 2])].shape == (2, 4)
    x[0] = 5
    x[1, 2] = nd.array([7])
    x[2] = nd.array([0, 1, 2, 3])
    assert x.asnumpy().tolist() == [[5, 5, 5, 5], [4, 5, 7, 7], [0, 1, 2, 3]]
    row = x[1]
    row[:] = 0  # an int index on the first axis shares memory, as in MXNet
    assert x[1].asnumpy().tolist() == [0, 0, 0, 0]
    with pytest.raises(IndexError):
        x[5]


def test_copies_and_contexts():
    x = nd.array([1.0, 2.0])
    y = x.copy()
    y[0] = 9
    assert x.asnumpy().tolist() == [1.0, 2.0]
    z = nd.zeros(2)
    assert x.copyto(z) is z and z.asnumpy().tolist() == [1.0, 2.0]
    assert x.as_in_context(mx.cpu()) is x
    assert x.astype("int32").dtype is np.int32
    assert x.astype("float32", copy=False) is x
    with pytest.raises(MXNetError, match="shape"):
        x.copyto(nd.zeros(3))


def test_context_objects():
    assert repr(mx.cpu()) == "cpu(0)" and str(mx.gpu(1)) == "gpu(1)"
    assert mx.cpu() == mx.cpu(0) != mx.gpu(0)
    assert mx.current_context() == mx.cpu()
    with mx.Context("cpu", 1):
        assert mx.current_context() == mx.cpu(1)
        assert nd.zeros(1).context == mx.cpu(1)
    assert mx.current_context() == mx.cpu()
    with pytest.raises(MXNetError):
        mx.Context("tpu")


def test_gpu_arrays_need_cupy():
    try:
        import cupy  # noqa: F401
    except ImportError:
        with pytest.raises(MXNetError, match="CuPy"):
            nd.zeros((2,), ctx=mx.gpu())
    else:
        pytest.skip("CuPy is installed")


def test_operand_type_errors():
    with pytest.raises(TypeError):
        nd.array([1.0]) + "a"
    with pytest.raises(MXNetError, match="inputs must be NDArrays"):
        nd.exp([1.0, 2.0])


def test_nested_context_scopes_unwind_in_order():
    ctx = mx.cpu(1)
    with ctx:
        with ctx:
            assert mx.current_context() == ctx
        assert mx.current_context() == ctx
    assert mx.current_context() == mx.cpu()
