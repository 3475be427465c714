"""The generic op table: every spec's forward against NumPy, gradient against numeric differentiation
(float64), second order by the same check on the recorded gradient, and grad_req='add'."""
from __future__ import annotations

import numpy as np
import pytest

from ndgrad import autograd, nd
from ndgrad.ops.registry import OPS
from ndgrad.test_utils import check_gradient

from .spec import OpSpec, all_specs

SPECS = all_specs()


def _differentiable(spec: OpSpec) -> bool:
    op = OPS.get(spec.name)
    default = op.differentiable if op is not None else True
    return default if spec.grad is None else spec.grad


def _listify(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_forward_matches_numpy(spec: OpSpec):
    if spec.ref is None:
        pytest.skip("no NumPy reference: covered by behaviour tests")
    xs = spec.inputs()
    got = _listify(spec.run(*[nd.array(x, dtype=np.float64) for x in xs]))
    want = _listify(spec.ref(*xs))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        w = np.asarray(w)
        assert g.shape == w.shape, f"{spec}: shape {g.shape} != reference {w.shape}"
        np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_gradient_matches_numeric(spec: OpSpec):
    if not _differentiable(spec):
        pytest.skip("not differentiable")
    check_gradient(spec.run, spec.inputs(), spec.wrt, rtol=spec.rtol, atol=spec.atol)


def _recorded_gradient(spec: OpSpec):
    """x -> d<f(x), v>/dx as a recorded (differentiable) function, with a fixed head v."""
    def grad_fn(*xs):
        wrt = range(len(xs)) if spec.wrt is None else spec.wrt
        for i in wrt:
            if xs[i]._node is None:  # numeric evaluations pass fresh arrays
                xs[i].attach_grad()
        with autograd.record():
            outs = _listify(spec.run(*xs))
        rng = np.random.default_rng(1)
        heads = [nd.array(rng.standard_normal(o.shape), dtype=np.float64) for o in outs]
        return autograd.grad(outs, [xs[i] for i in wrt], head_grads=heads, create_graph=True)
    return grad_fn


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_second_order_matches_numeric(spec: OpSpec):
    if not _differentiable(spec) or not spec.second_order:
        pytest.skip("no second-order check for this op")
    check_gradient(_recorded_gradient(spec), spec.inputs(), spec.wrt, rtol=spec.rtol * 10, atol=spec.atol * 10)


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_grad_req_add_accumulates(spec: OpSpec):
    if not _differentiable(spec):
        pytest.skip("not differentiable")
    xs = [nd.array(x, dtype=np.float64) for x in spec.inputs()]
    wrt = range(len(xs)) if spec.wrt is None else spec.wrt
    for i in wrt:
        xs[i].attach_grad(grad_req="add")
    for _ in range(2):
        with autograd.record():
            outs = _listify(spec.run(*xs))
        autograd.backward(outs)
    twice = [xs[i].grad.asnumpy() for i in wrt]
    for i in wrt:
        xs[i].attach_grad()
    with autograd.record():
        outs = _listify(spec.run(*xs))
    autograd.backward(outs)
    for t, i in zip(twice, wrt):
        np.testing.assert_allclose(t, 2 * xs[i].grad.asnumpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("spec", [s for s in SPECS if not _differentiable(s)], ids=str)
def test_non_differentiable_ops_are_not_recorded(spec: OpSpec):
    xs = [nd.array(x, dtype=np.float64) for x in spec.inputs()]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        outs = _listify(spec.run(*xs))
    assert all(o._node is None for o in outs)
