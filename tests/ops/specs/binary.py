import numpy as np

from ..spec import OpSpec


def _distinct(*shapes):
    """Inputs whose elements differ clearly (for max/min, whose gradient jumps at ties)."""
    def gen(rng):
        return [rng.permutation(np.arange(int(np.prod(s)), dtype=float)).reshape(s) * 0.5 + i * 0.25
                for i, s in enumerate(shapes)]
    return gen


def _positive(*shapes):
    return lambda rng: [rng.uniform(0.5, 2.0, size=s) for s in shapes]


def _small_ints(*shapes):
    return lambda rng: [rng.integers(-1, 2, s).astype(float) for s in shapes]


def _mod_inputs(a, b):
    return lambda rng: [rng.uniform(0.1, 0.9, a) + 3, rng.uniform(1.1, 1.4, b) * rng.choice([-1, 1], b)]


def _ref_mod(a, b):
    return np.mod(a, b)


_ARITH = [  # array op, same-shape op, input generator (from shapes), NumPy reference
    ("broadcast_add", "elemwise_add", None, np.add),
    ("broadcast_sub", "elemwise_sub", None, np.subtract),
    ("broadcast_mul", "elemwise_mul", None, np.multiply),
    ("broadcast_div", "elemwise_div", _positive, np.divide),
    ("broadcast_power", "_power", _positive, np.power),
    ("broadcast_mod", "_mod", _mod_inputs, _ref_mod),
    ("broadcast_maximum", "_maximum", _distinct, np.maximum),
    ("broadcast_minimum", "_minimum", _distinct, np.minimum),
    ("broadcast_hypot", "_hypot", lambda *s: lambda rng: [rng.uniform(0.3, 2, x) * rng.choice([-1, 1], x) for x in s],
     np.hypot),
]
_CMP = [("equal", np.equal), ("not_equal", np.not_equal), ("greater", np.greater),
        ("greater_equal", np.greater_equal), ("lesser", np.less), ("lesser_equal", np.less_equal),
        ("logical_and", np.logical_and), ("logical_or", np.logical_or), ("logical_xor", np.logical_xor)]
_BCAST = [((3, 4), (3, 4)), ((2, 3, 4), (3, 1)), ((1, 4), (3, 1))]

SPECS = [
    OpSpec("_backward_mul", [(3, 4), (3, 4), (3, 4)], lambda g, a, b: (g * b, g * a)),
    OpSpec("_backward_mul", [(3, 4), (3, 1), (1, 4)], lambda g, a, b: (g * b, g * a), id="broadcast"),
]
for a, b in _BCAST:
    tag = f"{a}x{b}"
    for name, _, gen, ref in _ARITH:
        SPECS.append(OpSpec(name, [a, b], ref, gen=gen and gen(a, b), id=tag))
for _, name, gen, ref in _ARITH:
    SPECS.append(OpSpec(name, [(3, 4), (3, 4)], ref, gen=gen and gen((3, 4), (3, 4))))
for name, npfn in _CMP:
    SPECS.append(OpSpec("broadcast_" + name, gen=_small_ints((3, 4), (1, 4)),
                        ref=lambda a, b, f=npfn: f(a, b).astype(float)))
    SPECS.append(OpSpec("_" + name, gen=_small_ints((3, 4), (3, 4)), ref=lambda a, b, f=npfn: f(a, b).astype(float)))
    SPECS.append(OpSpec(f"_{name}_scalar", gen=_small_ints((3, 4)), attrs={"scalar": 1.0},
                        ref=lambda a, f=npfn: f(a, 1.0).astype(float)))
SPECS += [
    OpSpec("add_n", [(3, 4)] * 3, lambda a, b, c: a + b + c, call=lambda F, *xs: F.add_n(*xs)),
    OpSpec("add_n", [(2, 3)], lambda a: a, call=lambda F, x: F.ElementWiseSum(x), id="one"),
]

S = 1.7
SPECS += [
    OpSpec("_plus_scalar", [(3, 4)], lambda x: x + S, attrs={"scalar": S}),
    OpSpec("_minus_scalar", [(3, 4)], lambda x: x - S, attrs={"scalar": S}),
    OpSpec("_rminus_scalar", [(3, 4)], lambda x: S - x, attrs={"scalar": S}),
    OpSpec("_mul_scalar", [(3, 4)], lambda x: x * S, attrs={"scalar": S}),
    OpSpec("_div_scalar", [(3, 4)], lambda x: x / S, attrs={"scalar": S}),
    OpSpec("_rdiv_scalar", [(3, 4)], lambda x: S / x, attrs={"scalar": S}, domain=(0.5, 2.0)),
    OpSpec("_mod_scalar", [(3, 4)], lambda x: np.mod(x, S), attrs={"scalar": S}, domain=(0.1, 1.6)),
    OpSpec("_mod_scalar", [(3, 4)], lambda x: np.mod(x, -S), attrs={"scalar": -S}, domain=(0.1, 1.6), id="neg"),
    OpSpec("_rmod_scalar", [(3, 4)], lambda x: np.mod(S, x), attrs={"scalar": S}, domain=(1.0, 1.6)),
    OpSpec("_power_scalar", [(3, 4)], lambda x: x ** S, attrs={"scalar": S}, domain=(0.5, 2.0)),
    OpSpec("_power_scalar", [(3, 4)], lambda x: x ** 3.0, attrs={"scalar": 3.0}, id="cube"),
    OpSpec("_rpower_scalar", [(3, 4)], lambda x: S ** x, attrs={"scalar": S}),
    OpSpec("_maximum_scalar", gen=_distinct((3, 4)), ref=lambda x: np.maximum(x, 2.1), attrs={"scalar": 2.1}),
    OpSpec("_minimum_scalar", gen=_distinct((3, 4)), ref=lambda x: np.minimum(x, 2.1), attrs={"scalar": 2.1}),
    OpSpec("_hypot_scalar", [(3, 4)], lambda x: np.hypot(x, S), attrs={"scalar": S}),
]
