"""Gradient rules that skip or fuse passes over memory must still give the plain formulas' values."""
from __future__ import annotations

import numpy as np
import pytest

from ndgrad import autograd, nd
from ndgrad.ops.registry import fn


def test_sum_of_elementwise_expression_has_the_analytic_gradient():
    xv = np.linspace(-1, 1, 4096).astype(np.float32)
    x = nd.array(xv)
    x.attach_grad()
    with autograd.record():
        y = (nd.sin(x) * x**2 + nd.exp(-x)).sum()
    y.backward()
    want = np.cos(xv) * xv**2 + np.sin(xv) * 2 * xv - np.exp(-xv)
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("op", "rule"), [("_backward_square", lambda g, x: 2 * g * x),
                                          ("_backward_sin", lambda g, x: g * np.cos(x)),
                                          ("_backward_cos", lambda g, x: -g * np.sin(x))])
def test_fused_backward_ops_with_a_broadcast_one_and_with_a_real_gradient(op, rule):
    xv = np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4)
    x = nd.array(xv)
    one = nd.ones((1, 1)).broadcast_to((3, 4))
    g = nd.array(np.arange(12, dtype=np.float32).reshape(3, 4))
    for grad in (one, g):
        before = grad.asnumpy()
        res = getattr(fn, op)(grad, x)
        np.testing.assert_allclose(res.asnumpy(), rule(before, xv), rtol=1e-6, atol=1e-6)
        np.testing.assert_array_equal(grad.asnumpy(), before)  # the gradient argument is never written
        assert res._data is not grad._data
