import numpy as np

from ..spec import OpSpec


def _distinct(shape):
    return lambda rng: [rng.permutation(np.arange(int(np.prod(shape)), dtype=float)).reshape(shape) * 0.3]


SPECS = [
    OpSpec("sum", [(2, 3, 4)], lambda x: np.sum(x).reshape(1), id="all"),
    OpSpec("sum", [(2, 3, 4)], lambda x: np.sum(x, axis=1), attrs={"axis": 1}, id="axis1"),
    OpSpec("sum", [(2, 3, 4)], lambda x: np.sum(x, axis=(0, 2), keepdims=True),
           attrs={"axis": (0, 2), "keepdims": True}, id="keepdims"),
    OpSpec("sum", [(2, 3, 4)], lambda x: np.sum(x, axis=(0, 2)), attrs={"axis": 1, "exclude": True}, id="exclude"),
    OpSpec("mean", [(2, 3, 4)], lambda x: np.mean(x).reshape(1), id="all"),
    OpSpec("mean", [(2, 3, 4)], lambda x: np.mean(x, axis=-1), attrs={"axis": -1}, id="axis-1"),
    OpSpec("max", gen=_distinct((3, 4)), ref=lambda x: np.max(x, axis=0), attrs={"axis": 0}),
    OpSpec("max", gen=_distinct((3, 4)), ref=lambda x: np.max(x).reshape(1), id="all"),
    OpSpec("min", gen=_distinct((3, 4)), ref=lambda x: np.min(x, axis=1, keepdims=True),
           attrs={"axis": 1, "keepdims": True}),
    OpSpec("norm", [(3, 4)], lambda x: np.sqrt((x * x).sum()).reshape(1)),
    OpSpec("norm", [(3, 4)], lambda x: np.sqrt((x * x).sum(axis=1)), attrs={"axis": 1}, id="axis1"),
    OpSpec("norm", gen=lambda rng: [rng.uniform(0.2, 1, (3, 4)) * rng.choice([-1, 1], (3, 4))],
           ref=lambda x: np.abs(x).sum(axis=0), attrs={"ord": 1, "axis": 0}, id="ord1"),
    OpSpec("_sum_to_shape", [(2, 3, 4)], lambda x: x.sum(axis=(0, 2), keepdims=True)[0],
           attrs={"shape": (3, 1)}),
]
