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


_BCAST = [((3, 4), (3, 4)), ((2, 3, 4), (3, 1)), ((1, 4), (3, 1))]

SPECS = []
for a, b in _BCAST:
    tag = f"{a}x{b}"
    SPECS += [
        OpSpec("broadcast_add", [a, b], np.add, id=tag),
        OpSpec("broadcast_sub", [a, b], np.subtract, id=tag),
        OpSpec("broadcast_mul", [a, b], np.multiply, id=tag),
        OpSpec("broadcast_div", gen=_positive(a, b), ref=np.divide, id=tag),
        OpSpec("broadcast_power", gen=_positive(a, b), ref=np.power, id=tag),
        OpSpec("broadcast_mod", gen=lambda rng, a=a, b=b: [rng.uniform(0.1, 0.9, a) + 3, rng.uniform(1.1, 1.4, b)],
               ref=np.mod, id=tag),
        OpSpec("broadcast_maximum", gen=_distinct(a, b), ref=np.maximum, id=tag),
        OpSpec("broadcast_minimum", gen=_distinct(a, b), ref=np.minimum, id=tag),
    ]
for name, npfn in [("equal", np.equal), ("not_equal", np.not_equal), ("greater", np.greater),
                   ("greater_equal", np.greater_equal), ("lesser", np.less), ("lesser_equal", np.less_equal)]:
    SPECS.append(OpSpec("broadcast_" + name, gen=lambda rng: [rng.integers(0, 3, (3, 4)).astype(float),
                                                             rng.integers(0, 3, (1, 4)).astype(float)],
                        ref=lambda a, b, f=npfn: f(a, b).astype(float)))
    SPECS.append(OpSpec(f"_{name}_scalar", gen=lambda rng: [rng.integers(0, 3, (3, 4)).astype(float)],
                        attrs={"scalar": 1.0}, ref=lambda a, f=npfn: f(a, 1.0).astype(float)))

S = 1.7
SPECS += [
    OpSpec("_plus_scalar", [(3, 4)], lambda x: x + S, attrs={"scalar": S}),
    OpSpec("_minus_scalar", [(3, 4)], lambda x: x - S, attrs={"scalar": S}),
    OpSpec("_rminus_scalar", [(3, 4)], lambda x: S - x, attrs={"scalar": S}),
    OpSpec("_mul_scalar", [(3, 4)], lambda x: x * S, attrs={"scalar": S}),
    OpSpec("_div_scalar", [(3, 4)], lambda x: x / S, attrs={"scalar": S}),
    OpSpec("_rdiv_scalar", [(3, 4)], lambda x: S / x, attrs={"scalar": S}, domain=(0.5, 2.0)),
    OpSpec("_mod_scalar", [(3, 4)], lambda x: np.mod(x, S), attrs={"scalar": S}, domain=(0.1, 1.6)),
    OpSpec("_rmod_scalar", [(3, 4)], lambda x: np.mod(S, x), attrs={"scalar": S}, domain=(1.0, 1.6)),
    OpSpec("_power_scalar", [(3, 4)], lambda x: x ** S, attrs={"scalar": S}, domain=(0.5, 2.0)),
    OpSpec("_power_scalar", [(3, 4)], lambda x: x ** 3.0, attrs={"scalar": 3.0}, id="cube"),
    OpSpec("_rpower_scalar", [(3, 4)], lambda x: S ** x, attrs={"scalar": S}),
    OpSpec("_maximum_scalar", gen=_distinct((3, 4)), ref=lambda x: np.maximum(x, 2.1), attrs={"scalar": 2.1}),
    OpSpec("_minimum_scalar", gen=_distinct((3, 4)), ref=lambda x: np.minimum(x, 2.1), attrs={"scalar": 2.1}),
]
