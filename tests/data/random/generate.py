"""Record MXNet 1.9.1's random streams for tests/ndarray/test_random.py (run with the MXNet venv).

    /work/main/.venv-mxnet/bin/python tests/data/random/generate.py

Each case is a snippet run right after ``mx.random.seed(seed)``; it sets ``out`` (an NDArray or a list of
them). The same snippet runs under ndgrad in the test, which compares the values (``stride`` keeps every
stride-th value of long draws). Written: cases.json (seed, code, stride) and values.npz (name -> array).
"""
import json
from pathlib import Path

import mxnet as mx
import numpy as np

nd = mx.nd
HERE = Path(__file__).resolve().parent

P4 = "nd.array([0.1, 0.2, 0.3, 0.4])"
P24 = "nd.array([[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1]])"
CASES = {
    # uniform: one word per float32 sample, two per float64/float16; the bank of 1024 generators
    "uniform_default": (0, "out = nd.random.uniform(shape=5)", 1),
    "uniform_range": (3, "out = nd.random.uniform(-1, 1, shape=(2, 3))", 1),
    "uniform_f64": (0, "out = nd.random.uniform(2, 5, shape=7, dtype='float64')", 1),
    "uniform_f16": (0, "out = nd.random.uniform(shape=6, dtype='float16')", 1),
    "uniform_200k": (0, "out = nd.random.uniform(shape=200000)", 97),
    "uniform_2calls": (7, "out = [nd.random.uniform(shape=70), nd.random.uniform(shape=130)]", 1),
    "uniform_none_shape": (5, "out = nd.random.uniform()", 1),
    # normal: polar method, one value per accepted pair
    "normal_default": (0, "out = nd.random.normal(shape=6)", 1),
    "normal_2calls": (0, "out = [nd.random.normal(shape=6), nd.random.normal(shape=3)]", 1),
    "normal_loc_scale_200": (0, "out = nd.random.normal(1.5, 2.5, shape=200)", 1),
    "normal_f64": (0, "out = nd.random.normal(-1, 0.5, shape=9, dtype='float64')", 1),
    "normal_f16": (0, "out = nd.random.normal(shape=4, dtype='float16')", 1),
    "normal_100k": (42, "out = nd.random.normal(shape=100000)", 5),
    "randn": (0, "out = nd.random.randn(2, 3, loc=1, scale=2)", 1),
    "normal_like": (0, "out = nd.random.normal_like(nd.ones((2, 2)), loc=1., scale=2.)", 1),
    # randint: two words per sample
    "randint_small": (0, "out = nd.random.randint(0, 100, shape=6)", 1),
    "randint_big": (0, "out = nd.random.randint(-2**31 + 1, 2**31 - 1, shape=4)", 1),
    "randint_neg_int64": (9, "out = nd.random.randint(-5, 5, shape=(3, 4), dtype='int64')", 1),
    "randint_5000": (1, "out = nd.random.randint(0, 7, shape=5000)", 7),
    # exponential: -log(1 - u) / lam in double
    "exponential_2": (0, "out = nd.random.exponential(2.0, shape=4)", 1),
    "exponential_3": (0, "out = nd.random.exponential(3.0, shape=300)", 1),
    "exponential_f64": (0, "out = nd.random.exponential(2.0, shape=4, dtype='float64')", 1),
    "exponential_nd": (0, "out = nd.random.exponential(nd.array([1., 2., 3.]), shape=2)", 1),
    "exponential_like": (0, "out = nd.random.exponential_like(nd.ones((2,)), lam=2.)", 1),
    # gamma: Marsaglia-Tsang
    "gamma_2": (0, "out = nd.random.gamma(2.0, 1.5, shape=4)", 1),
    "gamma_half": (0, "out = nd.random.gamma(0.5, 1.0, shape=4)", 1),
    "gamma_many": (5, "out = nd.random.gamma(0.7, 2.0, shape=700)", 1),
    "gamma_f64": (0, "out = nd.random.gamma(2.0, 1.5, shape=4, dtype='float64')", 1),
    "gamma_nd": (0, "out = nd.random.gamma(nd.array([2., 0.5]), nd.array([1., 2.]), shape=2)", 1),
    # poisson: products of uniforms below 12, tangent rejection above
    "poisson_3": (0, "out = nd.random.poisson(3.0, shape=6)", 1),
    "poisson_30": (0, "out = nd.random.poisson(30.0, shape=6)", 1),
    "poisson_11_9": (0, "out = nd.random.poisson(11.9, shape=5)", 1),
    "poisson_12": (0, "out = nd.random.poisson(12., shape=5)", 1),
    "poisson_0": (0, "out = nd.random.poisson(0., shape=3)", 1),
    "poisson_many": (11, "out = nd.random.poisson(4.5, shape=900)", 1),
    "poisson_big_many": (12, "out = nd.random.poisson(250., shape=300)", 1),
    "poisson_f64": (0, "out = nd.random.poisson(3.0, shape=4, dtype='float64')", 1),
    "poisson_nd": (0, "out = nd.random.poisson(nd.array([3., 30.]), shape=3)", 1),
    "gamma_then_uniform": (2, "out = [nd.random.gamma(0.6, 1.0, shape=5), nd.random.uniform(shape=4), "
                              "nd.random.poisson(50., shape=3), nd.random.normal(shape=3)]", 1),
    # the binomials: gamma then poisson
    "negative_binomial": (0, "out = nd.random.negative_binomial(3, 0.4, shape=6)", 1),
    "negative_binomial_nd": (0, "out = nd.random.negative_binomial(nd.array([3., 1.5]), nd.array([0.4, 0.8]), "
                                "shape=3)", 1),
    "gnb": (0, "out = nd.random.generalized_negative_binomial(2.0, 0.3, shape=6)", 1),
    "gnb_alpha0": (0, "out = nd.random.generalized_negative_binomial(3., 0., shape=5)", 1),
    "gnb_nd": (0, "out = nd.random.generalized_negative_binomial(nd.array([2., 5.]), nd.array([0.3, 0.]), "
                  "shape=3)", 1),
    # NDArray parameters: one draw per element, the stream as for a flat draw
    "sample_normal": (0, "out = nd.random.normal(nd.array([0, 10.]), nd.array([1, 0.1]), shape=3)", 1),
    "sample_normal_100": (0, "out = nd.random.normal(nd.array([0, 10.]), nd.array([1, 0.1]), shape=100)", 1),
    "sample_uniform": (0, "out = nd.random.uniform(nd.array([0, 10.]), nd.array([1, 20.]), shape=(2, 2))", 1),
    "sample_uniform_noshape": (0, "out = nd.random.uniform(nd.array([0, 10.]), nd.array([1, 20.]))", 1),
    "sample_uniform_f64": (0, "out = nd.random.uniform(nd.array([0.]), nd.array([1.]), shape=2, dtype='float64')",
                           1),
    "flat_sample_normal": (0, "out = nd.sample_normal(nd.array([0., 5.]), nd.array([1., 1.]))", 1),
    "flat_random_uniform": (0, "out = nd.random_uniform(low=0, high=1, shape=(2,))", 1),
    "uniform_like_f64": (0, "out = nd.random.uniform_like(nd.ones((2, 2), dtype='float64'), low=0, high=2)", 1),
    # multinomial and shuffle: the single engine
    "multinomial": (0, f"out = nd.random.multinomial({P4}, shape=6)", 1),
    "multinomial_200": (0, f"out = nd.random.multinomial({P4}, shape=200)", 1),
    "multinomial_rows": (0, "out = nd.random.multinomial(nd.array([[0.1,0.2,0.3,0.4],[0.7,0.1,0.1,0.1],"
                            "[0.25,0.25,0.25,0.25]]), shape=2)", 1),
    "multinomial_noshape": (0, f"out = nd.random.multinomial({P24})", 1),
    "multinomial_prob": (0, f"out = nd.random.multinomial({P24}, shape=(2, 3), get_prob=True)", 1),
    "multinomial_short_sum": (0, "out = nd.random.multinomial(nd.array([0.1, 0.1]), shape=6)", 1),
    "multinomial_f64": (0, "out = nd.random.multinomial(nd.array([.1, .2, .3, .4], dtype='float64'), shape=3)", 1),
    "multinomial_grad": (0, f"x = {P24}\nx.attach_grad()\nwith mx.autograd.record():\n"
                            "    s, lp = nd.random.multinomial(x, shape=3, get_prob=True)\n"
                            "    (lp * nd.array([[1, 2, 3], [4, 5, 6]])).sum().backward()\nout = [s, x.grad]", 1),
    "shuffle": (0, "out = nd.random.shuffle(nd.arange(10))", 1),
    "shuffle_seed3": (3, "out = nd.random.shuffle(nd.arange(10))", 1),
    "shuffle_2d": (0, "out = nd.random.shuffle(nd.arange(12).reshape(4, 3))", 1),
    "shuffle_3d": (0, "out = nd.random.shuffle(nd.arange(8).reshape(4, 2, 1))", 1),
    "shuffle_twice": (0, "out = [nd.random.shuffle(nd.arange(6)), nd.random.shuffle(nd.arange(6))]", 1),
    "shuffle_1000": (4, "out = nd.random.shuffle(nd.arange(1000))", 1),
    "shuffle_then_multinomial": (0, "nd.random.shuffle(nd.arange(6))\n"
                                    "out = nd.random.multinomial(nd.array([.5, .5]), shape=6)", 1),
    "engine_apart_from_bank": (0, "nd.random.shuffle(nd.arange(6)); nd.random.uniform(shape=5)\n"
                                  "out = [nd.random.uniform(shape=3), nd.random.shuffle(nd.arange(6))]", 1),
    # densities (values and gradients; computed in double by ndgrad, compared to float32 tolerance)
    "pdf_normal": (0, "s = nd.array([[0.5, 1.5, 2.5], [0.1, 0.2, 0.3]])\n"
                      "m = nd.array([1., 0.]); v = nd.array([2., .5])\n"
                      "for a in (s, m, v): a.attach_grad()\nwith mx.autograd.record():\n"
                      "    y = nd.random_pdf_normal(s, m, v)\ny.backward(nd.array([[1, 2, 3], [4, 5, 6]]))\n"
                      "out = [y, s.grad, m.grad, v.grad, nd.random_pdf_normal(s, m, v, is_log=True)]", 1),
    "pdf_gamma_log": (0, "s = nd.array([[0.5, 3.]]); a = nd.array([1.5]); b = nd.array([2.])\n"
                         "for t in (s, a, b): t.attach_grad()\nwith mx.autograd.record():\n"
                         "    y = nd.random_pdf_gamma(s, a, b, is_log=True)\ny.backward()\n"
                         "out = [y, s.grad, a.grad, b.grad]",
                      1),
    "pdf_discrete": (0, "x = nd.array([[1., 3.]]); l = nd.array([2.]); p = nd.array([0.4])\n"
                        "for t in (x, l, p): t.attach_grad()\nwith mx.autograd.record():\n"
                        "    y = nd.random_pdf_poisson(x, l) + nd.random_pdf_negative_binomial(x, l, p)"
                        " + nd.random_pdf_generalized_negative_binomial(x, l, p)\n"
                        "y.backward()\nout = [y, x.grad, l.grad, p.grad]", 1),
    "pdf_uniform_exponential": (0, "x = nd.array([[0.5, 3., -1.]]); lo = nd.array([0.]); hi = nd.array([2.])\n"
                                   "for t in (x, lo, hi): t.attach_grad()\nwith mx.autograd.record():\n"
                                   "    y = nd.random_pdf_uniform(x, lo, hi) + nd.random_pdf_exponential(x.abs(), hi)\n"
                                   "y.backward()\nout = [y, x.grad, lo.grad, hi.grad]", 1),
    "pdf_dirichlet": (0, "x = nd.array([[[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]]); a = nd.array([[1., 2., 3.]])\n"
                         "for t in (x, a): t.attach_grad()\nwith mx.autograd.record():\n"
                         "    y = nd.random_pdf_dirichlet(x, a)\ny.backward()\nout = [y, x.grad, a.grad]", 1),
    "zero_grad_of_params": (0, "m = nd.array([1., 2.]); m.attach_grad()\nwith mx.autograd.record():\n"
                               "    y = nd.random.normal(m, nd.array([1., 1.]), shape=2)\n"
                               "y.backward()\nout = m.grad", 1),
}


def run(code):
    ns = {"nd": nd, "mx": mx, "np": np}
    exec(code, ns)
    out = ns["out"]
    outs = out if isinstance(out, (list, tuple)) else [out]
    return np.concatenate([np.asarray(o.asnumpy() if hasattr(o, "asnumpy") else o).reshape(-1).astype(np.float64)
                           for o in outs])


values = {}
for name, (seed, code, stride) in CASES.items():
    mx.random.seed(seed)
    values[name] = run(code)[::stride]
np.savez_compressed(HERE / "values.npz", **values)
(HERE / "cases.json").write_text(json.dumps({k: {"seed": s, "code": c, "stride": st}
                                             for k, (s, c, st) in CASES.items()}, indent=1) + "\n")
print(len(values), "cases written to", HERE)
