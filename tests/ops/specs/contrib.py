import numpy as np

from ..spec import OpSpec


def _specials(rng):
    return [np.array([1.0, np.nan, np.inf, -np.inf, -2.5, 0.0])]


SPECS = [
    OpSpec("_contrib_boolean_mask", gen=lambda rng: [rng.uniform(-1, 1, (4, 3)), np.array([1, 0, 1, 1.0])],
           ref=lambda x, i: x[[0, 2, 3]], wrt=(0,)),
    OpSpec("_contrib_boolean_mask", gen=lambda rng: [rng.uniform(-1, 1, (2, 3)), np.array([0, 1, 1.0])],
           ref=lambda x, i: x[:, [1, 2]], attrs={"axis": 1}, wrt=(0,), id="axis1"),
    OpSpec("_contrib_isnan", gen=_specials, ref=lambda x: np.isnan(x).astype(float)),
    OpSpec("_contrib_isinf", gen=_specials, ref=lambda x: np.isinf(x).astype(float)),
    OpSpec("_contrib_isfinite", gen=_specials, ref=lambda x: np.isfinite(x).astype(float)),
    OpSpec("_contrib_arange_like", [(2, 3)], lambda x: np.arange(6.0).reshape(2, 3)),
    OpSpec("_contrib_arange_like", [(2, 4)], lambda x: np.array([2, 2, 2.5, 2.5]),
           attrs={"start": 2.0, "step": 0.5, "repeat": 2, "axis": -1}, id="axis"),
    OpSpec("_contrib_index_copy", gen=lambda rng: [rng.uniform(-1, 1, (4, 2)), np.array([2, 0.0]),
                                                   rng.uniform(-1, 1, (2, 2))],
           ref=lambda o, i, n: np.array([n[1], o[1], n[0], o[3]]), wrt=(0, 2)),
    OpSpec("_contrib_index_array", [(2, 3)], lambda x: np.moveaxis(np.indices((2, 3)), 0, -1)),
    OpSpec("_contrib_index_array", [(2, 3, 2)], lambda x: np.moveaxis(np.indices((2, 3, 2)), 0, -1)[..., [2, 0]],
           attrs={"axes": (-1, 0)}, id="axes"),
    OpSpec("_contrib_div_sqrt_dim", [(2, 4)], lambda x: x / 2.0),
    OpSpec("_contrib_foreach_stack", [(2, 3), (2, 3)], lambda a, b: np.stack([a, b, np.zeros((2, 3))]),
           call=lambda F, a, b: F._contrib_foreach_stack(a, b, pad=1)),
]
