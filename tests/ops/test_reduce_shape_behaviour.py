"""Behaviour of reductions, sorting and shape ops that the op table cannot express: errors, fluent methods,
multi-output ops in the graph, dtypes, and higher-order gradients through data-moving ops."""
import numpy as np
import pytest

from ndgrad import MXNetError, autograd, nd


def test_errors_name_the_op_and_the_offending_shapes():
    x = nd.zeros((2, 3, 4))
    with pytest.raises(MXNetError, match=r"sum: axis 5 .* shape \(2, 3, 4\)"):
        nd.sum(x, axis=5)
    with pytest.raises(MXNetError, match=r"concat: shapes \[\(2, 3, 4\), \(2, 4, 4\)\]"):
        nd.concat(x, nd.zeros((2, 4, 4)), dim=2)
    with pytest.raises(MXNetError, match=r"split: num_outputs=5 .* \(2, 3, 4\)"):
        nd.split(x, num_outputs=5, axis=1)
    with pytest.raises(MXNetError, match=r"stack: .*same shape"):
        nd.stack(x, nd.zeros((2, 3)))
    with pytest.raises(MXNetError, match=r"transpose: axes \(0, 1\)"):
        nd.transpose(x, axes=(0, 1))
    with pytest.raises(MXNetError, match=r"topk: k=5 .* \(2, 3, 4\)"):
        nd.topk(x, k=5)
    with pytest.raises(MXNetError, match="expand_dims: axis 4"):
        x.expand_dims(4)
    with pytest.raises(MXNetError, match="squeeze: cannot squeeze axis 1"):
        x.squeeze(axis=1)
    with pytest.raises(MXNetError, match="pad: only 4-D and 5-D"):
        nd.pad(x, mode="constant", pad_width=(0, 0, 0, 0, 1, 1))
    with pytest.raises(MXNetError, match="moments: empty axes"):
        nd.moments(x)
    with pytest.raises(MXNetError, match="norm: ord must be 1 or 2"):
        nd.norm(x, ord=3)
    with pytest.raises(MXNetError, match=r"broadcast_to: cannot broadcast shape \(2, 3, 4\)"):
        nd.broadcast_to(x, shape=(2, 5, 4))
    with pytest.raises(MXNetError, match="split_v2"):
        nd.split_v2(x, [1, 2])
    with pytest.raises(MXNetError, match=r"sum: axis -4 .* shape"):
        nd.sum(x, axis=-4, exclude=True)


def test_matrix_dot_errors_name_the_shapes_and_dtypes():
    a = nd.ones((2, 3))
    with pytest.raises(MXNetError, match=r"dot: shapes \(2, 3\) and \(2, 3\) are not aligned"):
        nd.dot(a, a)
    with pytest.raises(MXNetError, match="dot: operands have different dtypes float32 and float64"):
        nd.dot(a, nd.ones((3, 2), dtype="float64"))
    assert nd.dot(a, a, transpose_b=True).shape == (2, 2) and nd.dot(a, a, transpose_a=True).shape == (3, 3)


def test_fluent_methods():
    x = nd.array(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    assert x.sum(axis=1).shape == (2, 4)
    assert x.mean(axis=(0, 2), keepdims=True).shape == (1, 3, 1)
    assert x.flatten().shape == (2, 12)
    assert x.expand_dims(axis=0).shape == (1, 2, 3, 4)
    assert x.expand_dims(1, inplace=False).shape == (2, 1, 3, 4)
    assert x.topk(k=2).shape == (2, 3, 2)
    assert [p.shape for p in x.split(num_outputs=3, axis=1)] == [(2, 1, 4)] * 3
    assert [p.shape for p in x.split_v2((1, 3), axis=2)] == [(2, 3, 1), (2, 3, 2), (2, 3, 1)]
    assert x.swapaxes(0, 2).shape == (4, 3, 2)
    assert x.tile(reps=(2,)).shape == (2, 3, 8)
    assert x.repeat(repeats=2, axis=0).shape == (4, 3, 4)
    assert x.flip(axis=0)[0, 0, 0].asscalar() == 12
    assert nd.ones((2, 1)).broadcast_to((4, 2, 3)).shape == (4, 2, 3)
    assert nd.ones((2, 1)).broadcast_like(nd.ones((2, 5))).shape == (2, 5)
    assert nd.ones((2, 1, 1)).broadcast_axes(axis=(1, 2), size=(3, 4)).shape == (2, 3, 4)
    assert x.reshape_like(nd.zeros((6, 4))).shape == (6, 4)
    assert x.shape_array().asnumpy().tolist() == [2, 3, 4]
    assert x.size_array().asnumpy().tolist() == [24]
    assert x.reshape((0, -1)).shape == (2, 12)
    assert x.reshape(4, 6).shape == (4, 6)
    assert x.nansum().asscalar() == 276


def test_moveaxis_and_aliases():
    x = nd.array(np.arange(24).reshape(2, 3, 4))
    np.testing.assert_array_equal(nd.moveaxis(x, 0, -1).asnumpy(), np.moveaxis(x.asnumpy(), 0, -1))
    np.testing.assert_array_equal(nd.moveaxis(x, (0, 1), (2, 0)).asnumpy(),
                                  np.moveaxis(x.asnumpy(), (0, 1), (2, 0)))
    assert nd.SwapAxis(x, dim1=0, dim2=1).shape == (3, 2, 4)
    assert nd.Concat(x, x, dim=0).shape == (4, 3, 4)
    assert nd.Flatten(x).shape == (2, 12)
    assert len(nd.SliceChannel(x, num_outputs=2, axis=2)) == 2
    np.testing.assert_array_equal(nd.reverse(x, axis=2).asnumpy(), x.asnumpy()[..., ::-1])
    assert nd.sum_axis(x, axis=0).shape == nd.max_axis(x, axis=0).shape == nd.min_axis(x, axis=0).shape == (3, 4)
    assert nd.concat(x, x, x, dim=1, num_args=3).shape == (2, 9, 4)


def test_index_outputs_take_mxnet_dtypes():
    xi = nd.array([[3, 1, 2]], dtype="int32")
    assert nd.argmax(xi, axis=1).dtype == np.int32
    assert nd.argmax(nd.array([[1.0, 2.0]]), axis=1).dtype == np.float32
    assert nd.argsort(xi).dtype == np.float32
    assert nd.topk(xi, k=2).dtype == np.float32
    val, idx = nd.topk(xi, k=2, ret_typ="both", dtype="int64")
    assert val.dtype == np.int32 and idx.dtype == np.int64
    assert nd.shape_array(xi).dtype == np.int64
    assert nd.mean(xi).asnumpy().tolist() == [2]


def test_split_outputs_used_partially_give_zero_gradient_elsewhere():
    x = nd.array(np.arange(12, dtype=np.float32).reshape(2, 6))
    x.attach_grad()
    with autograd.record():
        a, _b, c = nd.split(x, num_outputs=3)
        y = (a * 2 + c).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), np.tile([2, 2, 0, 0, 1, 1], (2, 1)))


def test_second_order_through_concat_split_and_topk():
    x = nd.array([[0.5, -1.0, 2.0, 1.5]], dtype="float64")
    x.attach_grad()
    with autograd.record():
        parts = nd.split(nd.concat(x, x * x, dim=0), num_outputs=2, axis=0)
        top = nd.topk(parts[1] * x, k=2, ret_typ="value")  # the two largest of x**3
        (g,) = autograd.grad(top.sum(), [x], create_graph=True)
    g.backward()
    # d/dx sum(top2 x^3) = 3 x^2 on the top-2 entries; second derivative: 6 x there
    np.testing.assert_allclose(g.asnumpy(), [[0, 0, 12, 6.75]])
    np.testing.assert_allclose(x.grad.asnumpy(), [[0, 0, 12, 9]])


def test_stack_and_split_v2_gradients():
    a, b = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        s = nd.stack(a, b, axis=1)
        p, q = nd.split_v2(s, 2, axis=0)
        y = (p * 3 + q * nd.array([[5.0, 7.0]])).sum()
    y.backward()
    np.testing.assert_array_equal(a.grad.asnumpy(), [3, 5])
    np.testing.assert_array_equal(b.grad.asnumpy(), [3, 7])


def test_argmax_is_not_recorded():
    x = nd.array([[1.0, 3.0]])
    x.attach_grad()
    with autograd.record():
        i = nd.argmax(x, axis=1)
    assert i._node is None


def test_float32_stays_float32():
    x = nd.array(np.random.default_rng(0).standard_normal((4, 5)))
    for y in (nd.sum(x), nd.mean(x, axis=0), nd.norm(x), nd.prod(x), nd.cumsum(x), nd.moments(x, axes=(0,))[1],
              nd.sort(x), nd.topk(x, ret_typ="value"), nd.tile(x, reps=(2,)), x.flatten()):
        assert y.dtype == np.float32


def test_reshape_deprecated_target_shape():
    x = nd.zeros((2, 3, 4))
    assert nd.reshape(x, target_shape=(6, 0)).shape == (6, 4)
    assert nd.reshape(x, target_shape=(0, 4)).shape == (6, 4)
    assert nd.reshape(x, target_shape=(9, 3, 4), keep_highest=True).shape == (2, 3, 4)
    assert nd.reshape(x, shape=(6, -1), target_shape=(4, 0)).shape == (6, 4)


def test_value_errors_where_mxnet_raises_valueerror():
    x = nd.zeros((2, 3, 4))
    with pytest.raises(ValueError):
        x.reshape((5, -1))
    with pytest.raises(ValueError):
        nd.split_v2(x, [1, 2])
    with pytest.raises(ValueError):
        nd.zeros((2, 2)).broadcast_to((2, 3))
    with pytest.raises(ValueError):
        nd.zeros((2, 2)).broadcast_to((2,))


def test_concatenate_legacy_function():
    a, b = nd.array([[1.0, 2.0]]), nd.array([[3.0, 4.0]])
    assert nd.concatenate([a, b]).asnumpy().tolist() == [[1, 2], [3, 4]]
    assert nd.concatenate([a, b], axis=1).shape == (1, 4)
    assert nd.concatenate([a], always_copy=False) is a
    with pytest.raises(AssertionError):
        nd.concatenate([a, nd.zeros((1, 3))])


# which results share memory with their input, as checked in MXNet 1.9.1: only NDArray.reshape and the
# inplace=True helpers do; every op returns a new array
_ALIASING = [
    ("method reshape", lambda x: x.reshape((3, 2)), True),
    ("flatten inplace", lambda x: x.flatten(inplace=True), True),
    ("expand_dims inplace", lambda x: x.expand_dims(0, inplace=True), True),
    ("squeeze inplace", lambda x: x.squeeze(inplace=True), True),
    ("flatten", nd.flatten, False), ("flatten method", lambda x: x.flatten(), False),
    ("expand_dims", lambda x: x.expand_dims(0), False), ("squeeze", nd.squeeze, False),
    ("transpose", nd.transpose, False), ("swapaxes", lambda x: nd.swapaxes(x, 0, 1), False),
    ("split", lambda x: nd.split(x, num_outputs=3, axis=1)[0], False),
    ("split_v2", lambda x: nd.split_v2(x, 3, axis=1)[0], False),
    ("reshape_like", lambda x: nd.reshape_like(x, nd.zeros((3, 2))), False),
    ("concat", lambda x: nd.concat(x, dim=0), False), ("moveaxis", lambda x: nd.moveaxis(x, 0, 1), False),
    ("depth_to_space", lambda x: nd.depth_to_space(x.reshape((1, 6, 1, 1)), 1), False),
]


@pytest.mark.parametrize("name,f,shares", _ALIASING, ids=[a[0] for a in _ALIASING])
def test_memory_sharing_as_mxnet(name, f, shares):
    x = nd.ones((2, 3, 1))
    y = f(x)
    y[:] = 5
    assert (x.asnumpy().ravel()[0] == 5) == shares
