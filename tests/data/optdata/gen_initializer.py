"""Record initializer goldens from real MXNet 1.9.1 (writes initializer.npz).

Run: /work/main/.venv-mxnet/bin/python tests/data/optdata/gen_initializer.py
"""
import os

import mxnet as mx
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def init(initializer, name, shape, attrs=None):
    arr = mx.nd.zeros(shape)
    initializer(mx.init.InitDesc(name, attrs), arr)
    return arr.asnumpy()


def main():
    out = {}
    mx.random.seed(7)
    out["uniform"] = init(mx.init.Uniform(), "fc_weight", (3, 4))
    out["uniform_scale"] = init(mx.init.Uniform(0.5), "fc_weight", (70,))
    out["xavier"] = init(mx.init.Xavier(), "conv_weight", (4, 3, 2, 2))
    out["xavier_in"] = init(mx.init.Xavier(factor_type="in", magnitude=2), "fc_weight", (5, 6))
    out["xavier_out"] = init(mx.init.create("xavier", factor_type="out"), "fc_weight", (5, 6))
    out["orth_wide"] = init(mx.init.Orthogonal(), "fc_weight", (4, 6))
    out["orth_tall"] = init(mx.init.Orthogonal(scale=2.0), "fc_weight", (6, 2, 2))
    out["bias"] = init(mx.init.Uniform(), "fc_bias", (5,))
    out["gamma"] = init(mx.init.Uniform(), "bn_gamma", (5,))
    out["beta"] = init(mx.init.Uniform(), "bn_beta", (5,))
    out["attr_init"] = init(mx.init.Uniform(), "fc_bias", (2, 3), {"__init__": mx.init.One().dumps()})
    out["attr_init_name"] = init(mx.init.Uniform(), "x_weight", (2, 3), {"__init__": "zeros"})
    out["after"] = mx.nd.random.uniform(shape=(5,)).asnumpy()  # the stream position after all draws
    out["bilinear"] = init(mx.init.Bilinear(), "up_weight", (2, 1, 4, 4))
    out["bilinear_odd"] = init(mx.init.Bilinear(), "up_weight", (1, 2, 3, 5))
    out["lstmbias"] = init(mx.init.LSTMBias(forget_bias=2.5), "lstm_bias", (8,),
                           {"__init__": mx.init.LSTMBias(2.5).dumps()})
    out["constant"] = init(mx.init.Constant(0.3), "c_weight", (2, 2))
    mixed = mx.init.Mixed(["bias$", ".*"], [mx.init.Zero(), mx.init.Constant(2.0)])
    a, b = mx.nd.ones((2,)), mx.nd.ones((2,))
    mixed("fc_bias", a)
    mixed("fc_weight", b)
    out["mixed"] = np.concatenate([a.asnumpy(), b.asnumpy()])
    mx.random.seed(3)
    fused = mx.init.FusedRNN(None, 3, 2, "lstm", True, forget_bias=1.5)
    size = 2 * 4 * 3 * (5 + 3 + 2) + 2 * 4 * 3 * (3 + 6 + 2)  # 2 layers, 2 directions, 4 gates, 3 hidden, 5 in
    out["fused_lstm"] = init(mx.init.Uniform(0.2), "lstm_parameters", (size,), {"__init__": fused})
    out["fused_gru"] = init(mx.init.Zero(), "gru_parameters", (3 * 2 * (4 + 2 + 2),),
                            {"__init__": mx.init.FusedRNN(mx.init.Uniform(0.5), 2, 1, "gru")})
    dumps = {"xavier": mx.init.Xavier(factor_type="in").dumps(), "msra": mx.init.MSRAPrelu().dumps(),
             "uniform": mx.init.Uniform().dumps(), "constant": mx.init.Constant(np.array([1.0, 2.0])).dumps()}
    out["dumps"] = np.array([dumps[k] for k in sorted(dumps)])
    np.savez_compressed(os.path.join(HERE, "initializer.npz"), **out)


if __name__ == "__main__":
    main()
