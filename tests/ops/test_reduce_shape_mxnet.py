"""Reductions, sorting and shape ops against outputs, gradients, shapes and dtypes recorded from MXNet 1.9.1
(tests/data/reduceshape/generate.py)."""
import json
import pathlib

import numpy as np
import pytest

from ndgrad import MXNetError, autograd, nd

DATA = pathlib.Path(__file__).parents[1] / "data" / "reduceshape"
G = np.load(DATA / "goldens.npz")
META = json.loads((DATA / "names_and_shapes.json").read_text())

# where ndgrad accepts more than MXNet 1.9.1 does (MXNet's refusal is a missing kernel, not a rule)
SUPERSET = {("pad", "int32")}


def _grad(f, x, head=None):
    x = nd.array(x)
    x.attach_grad()
    with autograd.record():
        y = f(x)
    y.backward(None if head is None else nd.array(head))
    return y.asnumpy(), x.grad.asnumpy()


@pytest.mark.parametrize("name", sorted(META["names"]))
def test_names_and_fluent_methods_match_mxnet(name):
    in_nd, fluent = META["names"][name]
    assert hasattr(nd, name) == in_nd
    assert hasattr(nd.NDArray, name) == fluent, f"NDArray.{name} fluent method: MXNet has it = {fluent}"


@pytest.mark.parametrize("name", sorted(META["params"]))
def test_parameter_names_match_mxnet(name):
    import inspect
    ours = [p for p in inspect.signature(getattr(nd, name)).parameters if p not in ("out", "name")]
    want = META["params"][name]
    assert ours[:len(want)] == want  # concat/stack: MXNet shows (*data, **kwargs); ours adds dim/axis, num_args


def _case_id(c):
    return f"{c['op']}-{c['dtype']}-{c['shape']}-{c['kwargs']}"


def _kwargs(kw):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in kw.items()}


@pytest.mark.parametrize("case", META["cases"], ids=_case_id)
def test_output_shapes_and_dtypes_match_mxnet(case):
    x = nd.array(np.random.default_rng(0).uniform(-3, 3, case["shape"]), dtype=case["dtype"])
    f = getattr(nd, case["op"])
    if case["out"] is None:
        if (case["op"], case["dtype"]) in SUPERSET:
            pytest.skip("ndgrad supports this dtype where MXNet has no kernel")
        with pytest.raises(MXNetError, match=case["op"] if case["op"] != "Pad" else "pad"):
            f(x, **_kwargs(case["kwargs"]))
        return
    res = f(x, **_kwargs(case["kwargs"]))
    res = res if isinstance(res, list) else [res]
    got = [[list(r.shape), np.dtype(r.dtype).name] for r in res]
    assert got == case["out"]


@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_max_min_gradient_with_ties_matches_mxnet(name, axis):
    kw = {} if axis is None else {"axis": axis}
    y, dx = _grad(lambda x: getattr(nd, name)(x, **kw), G["ties"])
    np.testing.assert_array_equal(y, G[f"{name}_ties_ax{axis}_y"])
    np.testing.assert_array_equal(dx, G[f"{name}_ties_ax{axis}_dx"])


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("asc", [False, True])
def test_topk_with_ties_matches_mxnet(k, asc):
    t = f"topk_k{k}_asc{int(asc)}"
    x = nd.array(G["ties"])
    np.testing.assert_array_equal(nd.topk(x, k=k, is_ascend=asc).asnumpy(), G[t + "_idx"])
    np.testing.assert_array_equal(x.topk(k=k, is_ascend=asc, ret_typ="value").asnumpy(), G[t + "_val"])
    np.testing.assert_array_equal(nd.topk(x, k=k, is_ascend=asc, ret_typ="mask").asnumpy(), G[t + "_mask"])
    val, idx = nd.topk(x, k=k, is_ascend=asc, ret_typ="both")
    np.testing.assert_array_equal(val.asnumpy(), G[t + "_val"])
    np.testing.assert_array_equal(idx.asnumpy(), G[t + "_idx"])
    _, dx = _grad(lambda a: nd.topk(a, k=k, is_ascend=asc, ret_typ="value"), G["ties"], G[t + "_head"])
    np.testing.assert_allclose(dx, G[t + "_dx"], rtol=1e-6)


def test_sorting_and_arg_reductions_with_ties_match_mxnet():
    x = nd.array(G["ties"])
    np.testing.assert_array_equal(nd.topk(x, axis=0, k=2).asnumpy(), G["topk_ax0_idx"])
    np.testing.assert_array_equal(nd.topk(x, axis=None, k=3).asnumpy(), G["topk_axNone_idx"])
    np.testing.assert_array_equal(x.argsort().asnumpy(), G["argsort_ties"])
    np.testing.assert_array_equal(nd.argsort(x, is_ascend=False).asnumpy(), G["argsort_ties_desc"])
    np.testing.assert_array_equal(nd.argsort(x, axis=0).asnumpy(), G["argsort_ties_ax0"])
    np.testing.assert_array_equal(x.sort(is_ascend=False).asnumpy(), G["sort_ties_desc"])
    np.testing.assert_array_equal(x.argmax(axis=1).asnumpy(), G["argmax_ties_ax1"])
    np.testing.assert_array_equal(nd.argmin(x, axis=0).asnumpy(), G["argmin_ties_ax0"])
    np.testing.assert_array_equal(nd.argmax(x).asnumpy(), G["argmax_ties_all"])
    np.testing.assert_array_equal(x.argmax_channel().asnumpy(), G["argmax_channel_2d"])
    np.testing.assert_array_equal(nd.argmax_channel(nd.array(G["a3"])).asnumpy(), G["argmax_channel_3d"])
    np.testing.assert_array_equal(nd.argmax_channel(nd.array(G["a4"])).asnumpy(), G["argmax_channel_4d"])


_REDUCTIONS = {
    "prod_ax1": lambda x: nd.prod(x, axis=1), "prod_all": lambda x: x.prod(),
    "mean_excl": lambda x: nd.mean(x, axis=1, exclude=True),
    "norm1_ax02": lambda x: nd.norm(x, ord=1, axis=(0, 2)),
    "norm2_ax2_keep": lambda x: x.norm(axis=2, keepdims=True),
    "cumsum_ax1": lambda x: nd.cumsum(x, axis=1), "cumsum_all": nd.cumsum,
    "moments_var": lambda x: nd.moments(x, axes=(0, 2))[1],
    "moments_mean_keep": lambda x: nd.moments(x, axes=(1,), keepdims=True)[0],
}


@pytest.mark.parametrize("name", sorted(_REDUCTIONS))
def test_reduction_values_and_gradients_match_mxnet(name):
    y, dx = _grad(_REDUCTIONS[name], G["pos"])
    np.testing.assert_allclose(y, G[name + "_y"], rtol=1e-5)
    np.testing.assert_allclose(dx, G[name + "_dx"], rtol=1e-4, atol=1e-6)
    assert y.dtype == np.float32 and dx.dtype == np.float32


@pytest.mark.parametrize("name", ["nansum", "nanprod"])
@pytest.mark.parametrize("axis", [None, 1])
def test_nan_reductions_match_mxnet(name, axis):
    kw = {} if axis is None else {"axis": axis}
    y, dx = _grad(lambda x: getattr(nd, name)(x, **kw), G["nanx"])
    np.testing.assert_allclose(y, G[f"{name}_ax{axis}_y"])
    np.testing.assert_allclose(dx, G[f"{name}_ax{axis}_dx"])


def test_depth_space_match_mxnet():
    np.testing.assert_array_equal(nd.depth_to_space(nd.array(G["img"]), 2).asnumpy(), G["d2s"])
    np.testing.assert_array_equal(nd.array(G["d2s"]).space_to_depth(2).asnumpy(), G["s2d"])
    np.testing.assert_array_equal(nd.space_to_depth(nd.array(G["img2"]), block_size=2).asnumpy(), G["s2d2"])


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect"])
def test_pad_values_and_gradients_match_mxnet(mode):
    y, dx = _grad(lambda x: nd.pad(x, mode=mode, pad_width=(0, 0, 0, 0, 2, 1, 1, 3), constant_value=1.5),
                  G["p4"], G[f"pad4_{mode}_head"])
    np.testing.assert_allclose(y, G[f"pad4_{mode}_y"])
    np.testing.assert_allclose(dx, G[f"pad4_{mode}_dx"], rtol=1e-5, atol=1e-6)
    y, dx = _grad(lambda x: nd.Pad(x, mode=mode, pad_width=(0, 0, 0, 0, 1, 2, 2, 1, 3, 2)),
                  G["p5"], G[f"pad5_{mode}_head"])
    np.testing.assert_allclose(y, G[f"pad5_{mode}_y"])
    np.testing.assert_allclose(dx, G[f"pad5_{mode}_dx"], rtol=1e-5, atol=1e-6)


def test_diag_matches_mxnet():
    for k in (-2, 0, 1, 3):
        np.testing.assert_array_equal(nd.diag(nd.array(G["m"]), k=k).asnumpy(), G[f"diag_k{k}"])
    for k in (-1, 0, 2):
        np.testing.assert_array_equal(nd.array(G["v"]).diag(k).asnumpy(), G[f"diagv_k{k}"])
    np.testing.assert_array_equal(nd.diag(nd.array(G["a3"]), k=-1, axis1=2, axis2=0).asnumpy(), G["diag3d"])


@pytest.mark.parametrize("name,dtype,kw", [
    ("range", "float32", {"bins": 5, "range": (0, 5)}), ("norange", "float32", {"bins": 4}),
    ("int", "int32", {"bins": 3, "range": (0, 5)}), ("f64", "float64", {"bins": 7, "range": (-1, 6)}),
    ("edges", "float32", {"bins": "edges"})])
def test_histogram_matches_mxnet(name, dtype, kw):
    if kw["bins"] == "edges":
        kw = {"bins": nd.array([-1, 0.5, 2, 6])}
    counts, edges = nd.histogram(nd.array(G["hx"], dtype=dtype), **kw)
    want_c, want_e = G[f"hist_{name}_c"], G[f"hist_{name}_e"]
    assert counts.dtype == want_c.dtype and edges.dtype == want_e.dtype
    np.testing.assert_array_equal(counts.asnumpy(), want_c)
    np.testing.assert_allclose(edges.asnumpy(), want_e, rtol=1e-6)


@pytest.mark.parametrize("name,args,kw", [
    ("hw", (), {"h_w": (2, 3)}), ("off", (), {"h_w": (2, 3), "offset": (1, 2)}),
    ("centre", (), {"h_w": (4, 4), "center_crop": True}),
    ("like", ((1, 1, 3, 2),), {"center_crop": True, "num_args": 2})])
def test_crop_matches_mxnet(name, args, kw):
    args = tuple(nd.zeros(a) for a in args)
    y, dx = _grad(lambda x: nd.Crop(x, *args, **kw), G["cx"], G[f"crop_{name}_head"])
    np.testing.assert_array_equal(y, G[f"crop_{name}_y"])
    np.testing.assert_array_equal(dx, G[f"crop_{name}_dx"])
