"""Property tests (hypothesis): reductions, sorting, reshape and transpose against NumPy over random shapes
and axes, and gradients of reductions against their closed forms."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ndgrad import autograd, nd
from ndgrad.ops.shape import infer_reshape

SETTINGS = settings(max_examples=50, deadline=None)
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple)


@st.composite
def array_and_axes(draw):
    shape = draw(shapes)
    axes = draw(st.lists(st.integers(-len(shape), len(shape) - 1), unique_by=lambda a: a % len(shape),
                         max_size=len(shape)).map(tuple))
    seed = draw(st.integers(0, 2**16))
    data = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return data, axes


def _np_axes(x, axes, exclude):
    if not axes:
        return tuple(range(x.ndim))
    norm = {a % x.ndim for a in axes}
    return tuple(sorted(set(range(x.ndim)) - norm)) if exclude else tuple(sorted(norm))


@SETTINGS
@given(array_and_axes(), st.booleans(), st.booleans(), st.sampled_from(["sum", "mean", "max", "min", "prod"]))
def test_reductions_match_numpy(xa, keepdims, exclude, name):
    x, axes = xa
    got = getattr(nd, name)(nd.array(x), axis=axes, keepdims=keepdims, exclude=exclude).asnumpy()
    want = getattr(np, name)(x, axis=_np_axes(x, axes, exclude), keepdims=keepdims)
    want = np.asarray(want).reshape(-1) if np.ndim(want) == 0 else want
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@SETTINGS
@given(array_and_axes(), st.booleans())
def test_sum_and_mean_gradients_are_uniform(xa, exclude):
    x, axes = xa
    a = nd.array(x)
    a.attach_grad()
    with autograd.record():
        y = nd.mean(a, axis=axes, exclude=exclude)
    y.backward()
    count = int(np.prod([x.shape[i] for i in _np_axes(x, axes, exclude)]))
    np.testing.assert_allclose(a.grad.asnumpy(), np.full(x.shape, 1.0 / count), rtol=1e-6)


@SETTINGS
@given(array_and_axes(), st.booleans())
def test_sort_argsort_topk_match_numpy(xa, ascend):
    x, axes = xa
    axis = axes[0] if axes else -1
    a = nd.array(x)
    order = np.argsort(x if ascend else -x, axis=axis, kind="stable")
    np.testing.assert_array_equal(nd.argsort(a, axis=axis, is_ascend=ascend).asnumpy(), order)
    np.testing.assert_array_equal(nd.sort(a, axis=axis, is_ascend=ascend).asnumpy(),
                                  np.take_along_axis(x, order, axis))
    k = x.shape[axis]
    np.testing.assert_array_equal(nd.topk(a, axis=axis, k=k, is_ascend=ascend, ret_typ="value").asnumpy(),
                                  np.take_along_axis(x, order, axis))


@SETTINGS
@given(shapes, st.data())
def test_transpose_matches_numpy(shape, data):
    perm = tuple(data.draw(st.permutations(range(len(shape)))))
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    np.testing.assert_array_equal(nd.transpose(nd.array(x), axes=perm).asnumpy(), x.transpose(perm))
    np.testing.assert_array_equal(nd.array(x).T.asnumpy(), x.T)


@SETTINGS
@given(shapes, st.data())
def test_reshape_codes_agree_with_numpy_reshape(shape, data):
    """Build a code list from a target shape and check it lands on that shape, forwards and reversed."""
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    n = len(shape)
    keep = data.draw(st.integers(0, n))  # copy the first `keep` dims with 0 ...
    rest = shape[keep:]
    merge = data.draw(st.booleans()) and len(rest) >= 2
    codes = [0] * keep + ([-3, -2] if merge else [-1] if rest else [])
    want = shape[:keep] + ((rest[0] * rest[1], *rest[2:]) if merge else (int(np.prod(rest)),) if rest else ())
    assert infer_reshape(shape, tuple(codes)) == want
    np.testing.assert_array_equal(nd.array(x).reshape(tuple(codes)).asnumpy(), x.reshape(want))
    # reverse=True reads both shapes from the right: (-1, 0, ..., 0) keeps the last `keep` dims
    lead = shape[:n - keep]
    rwant = ((int(np.prod(lead)),) if lead else ()) + shape[n - keep:]
    rev_codes = ([-1] if lead else []) + [0] * keep
    assert infer_reshape(shape, tuple(rev_codes), reverse=True) == rwant
    np.testing.assert_array_equal(nd.reshape(nd.array(x), shape=tuple(rev_codes), reverse=True).asnumpy(),
                                  x.reshape(rwant))


@SETTINGS
@given(shapes, st.integers(1, 3), st.data())
def test_split_concat_round_trip_and_gradient(shape, k, data):
    axis = data.draw(st.integers(0, len(shape) - 1))
    shape = (*shape[:axis], shape[axis] * k, *shape[axis + 1:])
    x = nd.array(np.random.default_rng(0).standard_normal(shape))
    x.attach_grad()
    with autograd.record():
        parts = nd.split(x, num_outputs=k, axis=axis)
        parts = parts if isinstance(parts, list) else [parts]
        y = nd.concat(*[p * (i + 1) for i, p in enumerate(parts)], dim=axis)
    y.backward()
    scale = np.repeat(np.arange(1, k + 1), shape[axis] // k).reshape((-1,) + (1,) * (len(shape) - axis - 1))
    np.testing.assert_allclose(y.asnumpy(), x.asnumpy() * scale, rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), np.broadcast_to(scale, shape), rtol=1e-6)


@SETTINGS
@given(shapes, st.integers(0, 2**16), st.booleans(), st.sampled_from(["int32", "float32", "uint8"]), st.data())
def test_topk_small_k_keeps_tie_order(shape, seed, ascend, dtype, data):
    """topk of few elements (the partition path) equals the head of a stable full sort, ties included."""
    shape = (*shape[:-1], shape[-1] * 8)  # long enough axis for the partition path
    x = np.random.default_rng(seed).integers(0, 4, shape).astype(dtype)  # many ties
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    k = data.draw(st.integers(1, max(1, shape[axis] // 5)))
    order = np.argsort(x if ascend else -x.astype(np.int64), axis=axis, kind="stable")
    want = np.take(order, np.arange(k), axis=axis)
    got = nd.topk(nd.array(x, dtype=dtype), axis=axis, k=k, is_ascend=ascend, dtype="int64").asnumpy()
    np.testing.assert_array_equal(got, want)
