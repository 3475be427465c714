"""SGLD's noise comes from MXNet's normal stream: seeded updates equal MXNet 1.9.1's."""
import numpy as np

import ndgrad as mx

# mx.random.seed(3); SGLD(learning_rate=0.1).update on ones(2, 3) with grad 0.5, as printed by MXNet 1.9.1
MXNET_SGLD_SEED3 = [[0.4576222896575928, 0.37326890230178833, 0.6929725408554077],
                    [0.3813167214393616, 0.6906436681747437, 0.48226144909858704]]


def test_sgld_noise_follows_the_seeded_stream():
    mx.random.seed(3)
    opt = mx.optimizer.SGLD(learning_rate=0.1)
    w, g = mx.nd.ones((2, 3)), mx.nd.ones((2, 3)) * 0.5
    opt.update(0, w, g, opt.create_state(0, w))
    np.testing.assert_allclose(w.asnumpy(), MXNET_SGLD_SEED3, rtol=1e-6)
