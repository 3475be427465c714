"""reshape's special codes (0, -1, -2, -3, -4, reverse=True) against shapes recorded from MXNet 1.9.1.

MXNet's imperative ``nd.reshape`` op does not check that the size is kept (it returns e.g. (5, 4) for a
(2, 3, 4) input with shape=(5, -1)); ``NDArray.reshape`` does and raises. ndgrad follows the checked path
everywhere, so the reference is the ``method`` column: a shape, or None for an error.
"""
import json
import pathlib

import numpy as np
import pytest

from ndgrad import MXNetError, nd
from ndgrad.ops.shape import infer_reshape

CASES = json.loads((pathlib.Path(__file__).parents[1] / "data" / "reduceshape" / "reshape_codes.json").read_text())


def _id(c):
    return f"{c['src']}->{c['shape']}{'-rev' if c['reverse'] else ''}"


def test_enough_cases_of_each_kind():
    ok = [c for c in CASES if c["method"] is not None]
    assert len(ok) >= 60 and len(CASES) - len(ok) >= 40
    for code in (0, -1, -2, -3, -4):
        assert any(code in c["shape"] for c in ok), code
    assert any(c["reverse"] for c in ok)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_infer_reshape_matches_mxnet(case):
    src, shape, rev, want = tuple(case["src"]), tuple(case["shape"]), case["reverse"], case["method"]
    if want is None:
        with pytest.raises(MXNetError):
            infer_reshape(src, shape, rev)
    else:
        assert infer_reshape(src, shape, rev) == tuple(want)


@pytest.mark.parametrize("case", [c for c in CASES if c["method"] is not None][:40], ids=_id)
def test_reshape_op_and_method_agree(case):
    x = nd.array(np.arange(int(np.prod(case["src"]))).reshape(case["src"]))
    a = nd.reshape(x, shape=case["shape"], reverse=case["reverse"])
    b = x.reshape(case["shape"], reverse=case["reverse"])
    c = nd.Reshape(x, shape=tuple(case["shape"]), reverse=case["reverse"])
    for y in (a, b, c):
        assert y.shape == tuple(case["method"])
        np.testing.assert_array_equal(y.asnumpy().ravel(), x.asnumpy().ravel())


def test_reshape_error_names_op_and_shapes():
    with pytest.raises(MXNetError, match=r"reshape.*\(2, 3, 4\).*\(5, -1\)"):
        nd.zeros((2, 3, 4)).reshape((5, -1))
