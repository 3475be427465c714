"""Element-wise arithmetic against golden results recorded from MXNet 1.9.1 (tests/data/elemwise/generate.py):
integer dtypes (scalar casting, truncating division, modulo signs, wrap-around, float32 evaluation of ``**``),
output dtypes, mixed-dtype and shape errors, casts, gradients at ties and kinks, and the dispatchers' Python
fallbacks. Plus behaviour the op table cannot express (operator dispatch, errors, fluent methods)."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

import ndgrad as mx
from ndgrad import autograd, nd
from ndgrad.base import MXNetError

GOLDEN = json.loads((Path(__file__).parents[1] / "data" / "elemwise" / "golden.json").read_text())["cases"]
_GROUPS: dict = defaultdict(list)
for _c in GOLDEN:
    _GROUPS[(_c["kind"], _c["fn"])].append(_c)


def _fn(name):
    return getattr(nd, name) if hasattr(nd, name) else getattr(nd._internal, name)


def _expected(values):
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _run(case):
    kind, f = case["kind"], _fn(case["fn"]) if case["kind"] != "gradient" else None
    if kind == "scalar":
        x = nd.array(case["lhs"], dtype=case["dtype"])
        if case["fn"] == "_hypot_scalar":
            return f(x, scalar=case["scalar"])
        return f(x, case["scalar"]) if case["side"] == "right" else f(case["scalar"], x)
    if kind == "array":
        return f(nd.array(case["lhs"], dtype=case["dtype"]), nd.array(case["rhs"], dtype=case.get("rhs_dtype",
                                                                                                  case["dtype"])))
    if kind == "shape":
        return f(nd.ones(case["lhs_shape"]), nd.ones(case["rhs_shape"]))
    if kind in ("unary", "cast"):
        return f(nd.array(_expected(case["lhs"]), dtype=case["dtype"]), **case.get("attrs", {}))
    raise AssertionError(kind)


def _check(case):
    """None when ndgrad agrees with MXNet on this case, else a description of the difference."""
    label = {k: v for k, v in case.items() if k not in ("out", "kind")}
    if case.get("error"):
        try:
            _run(case).asnumpy()
        except MXNetError:
            return None
        return f"expected an MXNetError: {label}"
    try:
        got = _run(case)
    except MXNetError as err:
        return f"unexpected error {err}: {label}"
    if np.dtype(got.dtype).name != case["out_dtype"]:
        return f"dtype {np.dtype(got.dtype).name} != {case['out_dtype']}: {label}"
    want = _expected(case["out"])
    values = got.asnumpy().ravel()
    if values.dtype.kind in "iub":
        ok = np.array_equal(values.astype(np.int64), np.array(case["out"], dtype=np.int64))
    else:
        rtol = 2e-3 if values.dtype == np.float16 else 1e-6
        ok = np.allclose(values.astype(float), want, rtol=rtol, atol=1e-6, equal_nan=True)
    return None if ok else f"got {values.tolist()} want {case['out']}: {label}"


@pytest.mark.parametrize("key", sorted(k for k in _GROUPS if k[0] not in ("gradient", "pure")), ids=str)
def test_matches_mxnet_golden(key):
    problems = [p for p in map(_check, _GROUPS[key]) if p]
    assert not problems, f"{len(problems)} of {len(_GROUPS[key])} cases differ:\n" + "\n".join(problems[:10])


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # 0 * -inf in the power gradient at 0
@pytest.mark.parametrize("case", [c for c in GOLDEN if c["kind"] == "gradient"], ids=lambda c: c["fn"])
def test_gradients_at_ties_and_kinks_match_mxnet(case):
    f = {
        "broadcast_maximum": nd.broadcast_maximum, "broadcast_minimum": nd.broadcast_minimum,
        "_maximum": nd._internal._maximum, "_minimum": nd._internal._minimum,
        "maximum_scalar": lambda x: nd.maximum(x, 2.0), "minimum_scalar": lambda x: nd.minimum(x, 2.0),
        "rmaximum_scalar": lambda x: nd.maximum(2.0, x), "clip": lambda x: nd.clip(x, -1.0, 2.0),
        "abs": nd.abs, "relu": nd.relu, "sign": nd.sign, "hard_sigmoid": lambda x: nd.hard_sigmoid(x * 2.5),
        "add_n": lambda x, y: nd.add_n(x, y, x), "elemwise_div": nd.elemwise_div,
        "broadcast_hypot": nd.broadcast_hypot, "_hypot_scalar": lambda x: nd._internal._hypot_scalar(x, scalar=4.0),
        "broadcast_mod": nd.broadcast_mod, "rmod_scalar": lambda x: 5.5 % x, "broadcast_power": nd.broadcast_power,
    }[case["fn"]]
    xs = [nd.array(v) for v in case["inputs"]]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        y = f(*xs)
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), _expected(case["out"]), rtol=1e-6)
    for x, want in zip(xs, case["grads"]):
        np.testing.assert_allclose(x.grad.asnumpy(), _expected(want), rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("case", [c for c in GOLDEN if c["kind"] == "pure"], ids=lambda c: f"{c['fn']}")
def test_two_numbers_give_a_python_number(case):
    got = _fn(case["fn"])(case["lhs"], case["rhs"])
    assert got == case["out"] and type(got) is type(case["out"])


# ------------------------------------------------------------------------------------- dispatch and errors
def test_python_operators_pick_mxnets_ops():
    x = nd.array([[1.0, 2.0], [3.0, 4.0]])
    y = nd.array([10.0, 20.0])
    np.testing.assert_allclose((x + y).asnumpy(), [[11, 22], [13, 24]])
    np.testing.assert_allclose((2 - x).asnumpy(), [[1, 0], [-1, -2]])
    np.testing.assert_allclose((8 / x).asnumpy(), [[8, 4], [8 / 3, 2]], rtol=1e-6)
    np.testing.assert_allclose((2 ** x).asnumpy(), [[2, 4], [8, 16]])
    np.testing.assert_allclose((7 % x).asnumpy(), [[0, 1], [1, 3]])
    np.testing.assert_allclose((x == 2).asnumpy(), [[0, 1], [0, 0]])
    np.testing.assert_allclose((3 > x).asnumpy(), [[1, 1], [0, 0]])
    np.testing.assert_allclose(nd.true_divide(x, 2).asnumpy(), x.asnumpy() / 2)
    np.testing.assert_allclose(nd.power(base=x, exp=2).asnumpy(), x.asnumpy() ** 2)
    np.testing.assert_allclose(nd.logical_xor(x > 2, 1).asnumpy(), [[1, 1], [0, 0]])
    assert (x * np.float32(2)).dtype == np.float32 and (np.float64(2) + x).dtype == np.float32


@pytest.mark.parametrize("operand", [2.5, 2, np.float32(2.5), "array"], ids=["float", "int", "np.float32", "array"])
def test_operators_record_the_op_and_attrs_of_the_public_function(operand):
    """The operators' inlined bodies (floats, arrays) and their general path (others) record the same node."""
    x = nd.array([[1.0, 2.0], [3.0, 4.0]])
    x.attach_grad()
    other = nd.array([2.0, 3.0]) if operand == "array" else operand
    for op, (array_op, scalar_op) in {"__mul__": ("broadcast_mul", "_mul_scalar"),
                                      "__sub__": ("broadcast_sub", "_minus_scalar")}.items():
        with autograd.record():
            y = getattr(x, op)(other)
        want = array_op if operand == "array" else scalar_op
        assert y._node.op.name == want
        if operand != "array":
            assert y._node.attrs == {"scalar": float(operand), "is_int": True}
        with autograd.pause():
            assert y._node is not None and getattr(x, op)(other)._node is None
    with autograd.record():
        y = 3.0 - x
    assert y._node.op.name == "_rminus_scalar"
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), -np.ones((2, 2)))


def test_operator_failures_name_the_op_and_leave_the_tape_usable():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    ints = nd.array([1, 2], dtype="int32")
    with autograd.record():
        y = x * 3.0
        with pytest.raises(MXNetError, match=r"broadcast_add: .*expected float32, got int32"):
            y + ints
        with pytest.raises(MXNetError, match="_div_scalar: integer division by zero"):
            ints / 0.0
        z = y * 2.0
    z.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [6.0, 6.0])


def test_unsupported_operand_raises_type_error():
    with pytest.raises(TypeError, match="not supported"):
        nd.ones(2) + "a"
    with pytest.raises(TypeError):
        nd.maximum(nd.ones(2), [1, 2])


def test_elemwise_ops_need_equal_shapes_and_broadcast_ops_broadcast():
    a, b = nd.ones((2, 3)), nd.ones((1, 3))
    for f in (nd.elemwise_add, nd.elemwise_sub, nd.elemwise_mul, nd.elemwise_div, nd._internal._plus,
              nd._internal._greater, nd._internal._logical_or):
        with pytest.raises(MXNetError, match=r"expected shape \[2, 3\], got \[1, 3\]"):
            f(a, b)
    assert nd.broadcast_hypot(a, b).shape == (2, 3)
    with pytest.raises(MXNetError):
        nd.broadcast_add(nd.ones((2, 3)), nd.ones((4, 3)))


def test_mixed_dtypes_raise_naming_both():
    with pytest.raises(MXNetError, match="expected int32, got float32"):
        nd.array([1, 2], dtype="int32") + nd.array([1, 2])
    with pytest.raises(MXNetError, match="add_n"):
        nd.add_n(nd.ones(2), nd.ones(2), nd.ones(2, dtype="float16"))


def test_integer_division_by_zero_raises_instead_of_crashing():
    # MXNet 1.9.1 dies with SIGFPE here; ndgrad raises
    with pytest.raises(MXNetError, match="division by zero"):
        nd.array([1, 2], dtype="int32") / nd.array([1, 0], dtype="int32")
    with pytest.raises(MXNetError, match="division by zero"):
        nd.array([1, 2], dtype="int32") / 0.5
    np.testing.assert_array_equal((nd.array([1.0, -1.0]) / 0).asnumpy(), [np.inf, -np.inf])


def test_add_n_variadic_and_its_gradient():
    xs = [nd.array(np.full((2, 2), i, dtype=np.float32)) for i in range(1, 5)]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        y = nd.add_n(*xs) * 2
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), np.full((2, 2), 20.0))
    for x in xs:
        np.testing.assert_allclose(x.grad.asnumpy(), np.full((2, 2), 2.0))
    with pytest.raises(MXNetError, match="num_args"):
        nd.add_n()
    assert nd.ElementWiseSum is nd.add_n


def test_camel_case_and_underscore_aliases():
    x, y = nd.array([1.0, 5.0]), nd.array([3.0, 2.0])
    internal = nd._internal
    np.testing.assert_allclose(internal._Plus(x, y).asnumpy(), [4, 7])
    np.testing.assert_allclose(internal._Minus(x, y).asnumpy(), [-2, 3])
    np.testing.assert_allclose(internal._MulScalar(x, scalar=3).asnumpy(), [3, 15])
    np.testing.assert_allclose(internal._RDivScalar(x, scalar=10).asnumpy(), [10, 2])
    np.testing.assert_allclose(internal._HypotScalar(y, scalar=4).asnumpy(), [5, np.hypot(2, 4)], rtol=1e-6)
    np.testing.assert_allclose(internal._LogicalAndScalar(x - 1, scalar=1).asnumpy(), [0, 1])
    np.testing.assert_allclose(nd.broadcast_plus(x, y).asnumpy(), nd.broadcast_add(x, y).asnumpy())
    assert nd.Cast is nd.cast


def test_is_int_false_promotes_integer_data_to_float64():
    x = nd.array([3, 7], dtype="int32")
    assert (x * 2.5).asnumpy().tolist() == [6, 14]
    y = nd._internal._mul_scalar(x, scalar=2.5, is_int=False)
    assert y.dtype == np.float64 and y.asnumpy().tolist() == [7.5, 17.5]


def test_fluent_methods_follow_mxnet():
    x = nd.array([0.25, 0.5])
    for name in ("sqrt", "rsqrt", "exp", "log1p", "arcsin", "degrees", "fix", "rint", "clip", "relu", "sigmoid"):
        assert hasattr(x, name), name
    np.testing.assert_allclose(x.clip(0.3, 1).asnumpy(), [0.3, 0.5])
    for name in ("negative", "erf", "erfinv", "gamma", "gammaln", "hard_sigmoid", "softsign", "logical_not"):
        assert not hasattr(nd.NDArray, name), name


def test_required_attributes_are_checked():
    with pytest.raises(MXNetError, match="a_max"):
        nd.clip(nd.ones(2), a_min=0)
    with pytest.raises(MXNetError, match="dtype"):
        nd.cast(nd.ones(2))
    with pytest.raises(MXNetError, match="floating point"):
        nd.hard_sigmoid(nd.ones(2, dtype="int32"))


def test_comparisons_and_logic_are_not_recorded():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        outs = [x > 1, nd.logical_not(x), nd.logical_and(x, x), nd._internal._equal(x, x)]
    assert all(o._node is None for o in outs)


def test_float32_stays_float32_and_float16_stays_float16():
    for dt in ("float16", "float32"):
        x = nd.array([0.5, 1.5], dtype=dt)
        for f in (nd.exp, nd.erf, nd.gamma, nd.gammaln, nd.erfinv, nd.sigmoid, nd.rint, nd.round):
            assert f(x * 0.5).dtype == np.dtype(dt), (f.__name__, dt)
        assert nd.broadcast_hypot(x, x).dtype == np.dtype(dt)
        assert (x ** 2).dtype == np.dtype(dt) and (2 ** x).dtype == np.dtype(dt)


def test_special_functions_at_poles_and_edges():
    x = nd.array([0.0, -0.0, -1.0, 1.0, 2.0], dtype="float64")
    np.testing.assert_array_equal(nd.gamma(x).asnumpy(), [np.inf, -np.inf, np.nan, 1.0, 1.0])
    np.testing.assert_allclose(nd.gammaln(x).asnumpy(), [np.inf, np.inf, np.inf, 0.0, 0.0], atol=1e-14)
    y = nd.array([1.0, -1.0, 1.5, 0.0], dtype="float64")
    np.testing.assert_array_equal(nd.erfinv(y).asnumpy(), [np.inf, -np.inf, np.nan, 0.0])
    np.testing.assert_array_equal(nd.erf(nd.array([-30.0, 30.0])).asnumpy(), [-1.0, 1.0])


def test_gammaln_gradient_of_any_order():
    x = nd.array([0.7, 2.5, 6.0], dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = nd.gammaln(x)
        (d1,) = autograd.grad(y, [x], create_graph=True)
        (d2,) = autograd.grad(d1, [x], create_graph=True)
    d2.backward()
    # psi, psi' and psi'' at 2.5 from their closed forms at 1/2 and the recurrence psi(x+1) = psi(x) + 1/x
    zeta3 = 1.2020569031595942
    psi = -0.5772156649015329 - 2 * np.log(2) + 1 / 0.5 + 1 / 1.5
    psi1 = np.pi ** 2 / 2 - 1 / 0.5 ** 2 - 1 / 1.5 ** 2
    psi2 = -14 * zeta3 + 2 / 0.5 ** 3 + 2 / 1.5 ** 3
    assert abs(d1.asnumpy()[1] - psi) < 1e-12
    assert abs(d2.asnumpy()[1] - psi1) < 1e-12
    assert abs(x.grad.asnumpy()[1] - psi2) < 1e-11


def test_mx_namespace_reaches_the_same_functions():
    assert mx.nd.elemwise_add is nd.elemwise_add


def test_amp_multicast_casts_floats_to_the_widest_and_keeps_gradients():
    a, b, c = nd.array([1, 2], dtype="float16"), nd.array([3, 4]), nd.array([5, 6], dtype="int32")
    assert [o.dtype for o in nd.amp_multicast(a, c, b, num_outputs=3)] == [np.float32, np.int32, np.float32]
    narrow = nd.amp_multicast(a, c, b, num_outputs=3, cast_narrow=True)
    assert [o.dtype for o in narrow] == [np.float16, np.int32, np.float16]
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        x, y = nd.amp_multicast(a, b, num_outputs=2)
        z = x * y
    z.backward()
    assert a.grad.dtype == np.float16
    np.testing.assert_allclose(a.grad.asnumpy(), [3, 4])
    np.testing.assert_allclose(b.grad.asnumpy(), [1, 2])
    with pytest.raises(MXNetError, match="num_outputs"):
        nd.amp_multicast(a, b, num_outputs=3)
