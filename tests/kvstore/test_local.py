"""The local KVStore, checked against what MXNet 1.9.1 does for the same calls."""
import numpy as np
import pytest

import ndgrad as mx
from ndgrad import nd
from ndgrad.base import MXNetError


def test_push_sums_devices_and_pull_broadcasts():
    kv = mx.kv.create("local")
    assert (kv.type, kv.rank, kv.num_workers) == ("local", 0, 1)
    kv.init(3, nd.ones((2, 3)))
    kv.push(3, [nd.ones((2, 3)) * 2, nd.ones((2, 3)) * 3])
    outs = [nd.zeros((2, 3)), nd.zeros((2, 3))]
    kv.pull(3, out=outs)
    for o in outs:
        np.testing.assert_array_equal(o.asnumpy(), np.full((2, 3), 5.0))


def test_list_keys_and_pushpull():
    kv = mx.kv.create("device")
    kv.init([0, 1], [nd.zeros(2), nd.zeros(3)])
    out = nd.zeros(2)
    kv.pushpull(0, [nd.ones(2), nd.ones(2)], out=out)
    np.testing.assert_array_equal(out.asnumpy(), [2.0, 2.0])


def test_errors_match_mxnet():
    kv = mx.kv.create()
    kv.init(3, nd.ones(1))
    with pytest.raises(MXNetError, match="duplicate init"):
        kv.init(3, nd.ones(1))
    with pytest.raises(MXNetError, match="not been inited"):
        kv.push(99, nd.ones(1))
    with pytest.raises(MXNetError, match="mixed key types"):
        kv.init("w", nd.ones(1))
    with pytest.raises(NotImplementedError, match="distributed"):
        mx.kv.create("dist_sync")


def test_optimizer_updates_on_push():
    kv = mx.kv.create("local")
    kv.init(3, nd.ones((2, 3)))
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1))
    kv.push(3, nd.ones((2, 3)))
    out = nd.zeros((2, 3))
    kv.pull(3, out=out)
    np.testing.assert_allclose(out.asnumpy(), np.full((2, 3), 0.9), rtol=1e-6)  # MXNet 1.9.1 gives 0.9
