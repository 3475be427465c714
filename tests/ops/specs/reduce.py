import numpy as np

from ..spec import OpSpec


def _distinct(shape):
    return lambda rng: [rng.permutation(np.arange(int(np.prod(shape)), dtype=float)).reshape(shape) * 0.3]


def _pos(shape):
    return lambda rng: [rng.uniform(0.5, 1.5, shape) * rng.choice([-1, 1], shape)]


def _moments(x, axes, keepdims=False):
    return [x.mean(axis=axes, keepdims=keepdims), x.var(axis=axes, keepdims=keepdims)]



SPECS = [
    OpSpec("sum", [(2, 3, 4)], lambda x: np.sum(x).reshape(1), id="all"),
    OpSpec("sum", [(2, 3, 4)], lambda x: np.sum(x, axis=1), attrs={"axis": 1}, id="axis1"),
    OpSpec("sum", [(2, 3, 4)], lambda x: np.sum(x, axis=(0, 2), keepdims=True),
           attrs={"axis": (0, 2), "keepdims": True}, id="keepdims"),
    OpSpec("sum", [(2, 3, 4)], lambda x: np.sum(x, axis=(0, 2)), attrs={"axis": 1, "exclude": True}, id="exclude"),
    OpSpec("sum", [(2, 3)], lambda x: np.sum(x, keepdims=True), attrs={"axis": (), "exclude": True,
                                                                       "keepdims": True}, id="empty-axis"),
    OpSpec("mean", [(2, 3, 4)], lambda x: np.mean(x).reshape(1), id="all"),
    OpSpec("mean", [(2, 3, 4)], lambda x: np.mean(x, axis=-1), attrs={"axis": -1}, id="axis-1"),
    OpSpec("mean", [(2, 3, 4)], lambda x: np.mean(x, axis=(0, 2), keepdims=True),
           attrs={"axis": 1, "exclude": True, "keepdims": True}, id="exclude"),
    OpSpec("prod", gen=_pos((2, 3, 2)), ref=lambda x: np.prod(x, axis=1), attrs={"axis": 1}),
    OpSpec("prod", gen=_pos((2, 3)), ref=lambda x: np.prod(x).reshape(1), id="all"),
    OpSpec("nansum", [(2, 3, 4)], lambda x: np.nansum(x, axis=(1, 2)), attrs={"axis": (1, 2)}),
    OpSpec("nanprod", gen=_pos((3, 4)), ref=lambda x: np.nanprod(x, axis=0, keepdims=True),
           attrs={"axis": 0, "keepdims": True}),
    OpSpec("_nan_to_num", [(3, 4)], lambda x: x, attrs={"value": 1.0}),
    OpSpec("max", gen=_distinct((3, 4)), ref=lambda x: np.max(x, axis=0), attrs={"axis": 0}),
    OpSpec("max", gen=_distinct((3, 4)), ref=lambda x: np.max(x).reshape(1), id="all"),
    OpSpec("min", gen=_distinct((3, 4)), ref=lambda x: np.min(x, axis=1, keepdims=True),
           attrs={"axis": 1, "keepdims": True}),
    OpSpec("min", gen=_distinct((2, 3, 2)), ref=lambda x: np.min(x, axis=(0, 2)), attrs={"axis": 1, "exclude": True},
           id="exclude"),
    OpSpec("norm", [(3, 4)], lambda x: np.sqrt((x * x).sum()).reshape(1)),
    OpSpec("norm", [(3, 4)], lambda x: np.sqrt((x * x).sum(axis=1)), attrs={"axis": 1}, id="axis1"),
    OpSpec("norm", [(2, 3, 4)], lambda x: np.sqrt((x * x).sum(axis=(0, 2), keepdims=True)),
           attrs={"axis": (0, 2), "keepdims": True}, id="keepdims"),
    OpSpec("norm", gen=lambda rng: [rng.uniform(0.2, 1, (3, 4)) * rng.choice([-1, 1], (3, 4))],
           ref=lambda x: np.abs(x).sum(axis=0), attrs={"ord": 1, "axis": 0}, id="ord1"),
    OpSpec("moments", [(2, 3, 4)], lambda x: _moments(x, (0, 2)), attrs={"axes": (0, 2)}),
    OpSpec("moments", [(3, 4)], lambda x: _moments(x, (1,), True), attrs={"axes": (1,), "keepdims": True},
           id="keepdims"),
    OpSpec("moments", [(3, 4)], lambda x: x.var(axis=0), call=lambda F, x: F.moments(x, axes=(0,))[1], id="var"),
    OpSpec("cumsum", [(3, 4)], lambda x: np.cumsum(x, axis=1), attrs={"axis": 1}),
    OpSpec("cumsum", [(2, 3)], np.cumsum, id="flat"),
    OpSpec("cumsum", [(2, 3)], lambda x: np.cumsum(x, axis=-2), attrs={"axis": -2}, id="neg"),
    OpSpec("argmax", gen=_distinct((3, 4)), ref=lambda x: np.argmax(x, axis=1).astype(float), attrs={"axis": 1}),
    OpSpec("argmax", gen=_distinct((3, 4)), ref=lambda x: np.argmax(x).reshape(1, 1).astype(float),
           attrs={"keepdims": True}, id="all"),
    OpSpec("argmin", gen=_distinct((3, 4)), ref=lambda x: np.argmin(x, axis=0)[None].astype(float),
           attrs={"axis": 0, "keepdims": True}),
    OpSpec("argmax_channel", gen=_distinct((2, 3, 4)), ref=lambda x: np.argmax(x, axis=1).astype(float)),
    OpSpec("_histogram", [(20,)], lambda x: [np.histogram(x, bins=4, range=(-2, 2))[0], np.linspace(-2, 2, 5)],
           attrs={"bin_cnt": 4, "range": (-2, 2)}),
    OpSpec("_sum_to_shape", [(2, 3, 4)], lambda x: x.sum(axis=(0, 2), keepdims=True)[0],
           attrs={"shape": (3, 1)}),
]
