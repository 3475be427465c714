"""Each loss's value and gradients against MXNet 1.9.1."""
from __future__ import annotations

import pytest

import ndgrad as mx
from ndgrad import autograd, gluon, nd
from ndgrad.test_utils import assert_almost_equal

from ._helpers import golden

META, ARRAYS = golden("losses")
gloss = gluon.loss


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # PoissonNLL's Stirling term masks 0 * inf
@pytest.mark.parametrize("case", sorted(META))
def test_loss_matches_mxnet(case):
    meta = META[case]
    loss_fn = eval(meta["expr"])
    args = [None if k in meta["none"] else nd.array(ARRAYS[f"{case}/in:{k}"]) for k in meta["inputs"]]
    named = dict(zip(meta["inputs"], args))
    for k in meta["wrt"]:
        named[k].attach_grad()
    with autograd.record():
        out = loss_fn(*args)
    assert_almost_equal(out, ARRAYS[f"{case}/out"], rtol=1e-4, atol=1e-6, equal_nan=True)
    if meta["wrt"]:
        out.backward()
        for k in meta["wrt"]:
            assert_almost_equal(named[k].grad, ARRAYS[f"{case}/grad:{k}"], rtol=1e-4, atol=5e-5,
                                names=(f"grad of {k}", "mxnet"))
    assert repr(loss_fn) == meta["repr"]


def test_wrong_label_shape_is_a_clear_error():
    pred = nd.ones((4, 3))
    with pytest.raises(mx.MXNetError, match=r"label of shape \(4, 2\).*prediction's shape \(4, 3\)"):
        gloss.L2Loss()(pred, nd.ones((4, 2)))
    with pytest.raises(mx.MXNetError, match="one class index per sample"):
        gloss.SoftmaxCrossEntropyLoss()(pred, nd.ones((4, 3)))
    # a label with the same number of elements is reshaped, as MXNet does
    assert gloss.L1Loss()(nd.ones((4, 1)), nd.ones((4,))).shape == (4,)
