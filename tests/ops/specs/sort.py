import numpy as np

from ..spec import OpSpec


def _distinct(shape):
    return lambda rng: [rng.permutation(np.arange(int(np.prod(shape)), dtype=float)).reshape(shape) * 0.3]


def _topk_idx(x, k, axis=-1, ascend=False):
    order = np.argsort(x if ascend else -x, axis=axis, kind="stable")
    return np.take(order, np.arange(k), axis=axis)


def _mask(x, k, axis=-1):
    m = np.zeros_like(x)
    np.put_along_axis(m, _topk_idx(x, k, axis), 1.0, axis=axis)
    return m


def _gather_inputs(rng):
    data = rng.uniform(-1, 1, (3, 5))
    idx = rng.integers(0, 5, (3, 4)).astype(float)
    return [data, idx]


def _scatter_inputs(rng):
    data = rng.uniform(-1, 1, (3, 2))
    idx = np.stack([rng.permutation(5)[:2] for _ in range(3)]).astype(float)
    return [data, idx]


def _scatter_ref(d, i):
    out = np.zeros((3, 5))
    np.put_along_axis(out, i.astype(int), d, axis=1)
    return out


SPECS = [
    OpSpec("topk", gen=_distinct((3, 5)), ref=lambda x: np.take_along_axis(x, _topk_idx(x, 2), -1),
           attrs={"k": 2, "ret_typ": "value"}, id="value"),
    OpSpec("topk", gen=_distinct((4, 3)), ref=lambda x: np.take_along_axis(x, _topk_idx(x, 2, 0, True), 0),
           attrs={"k": 2, "ret_typ": "value", "axis": 0, "is_ascend": True}, id="value-ascend-axis0"),
    OpSpec("topk", gen=_distinct((2, 3)), ref=lambda x: np.sort(x.ravel())[::-1][:3],
           attrs={"k": 3, "ret_typ": "value", "axis": None}, id="value-flat"),
    OpSpec("topk", gen=_distinct((3, 5)),
           ref=lambda x: [np.take_along_axis(x, _topk_idx(x, 2), -1), _topk_idx(x, 2).astype(float)],
           attrs={"k": 2, "ret_typ": "both"}, id="both"),
    OpSpec("topk", gen=_distinct((3, 5)), ref=lambda x: _topk_idx(x, 1).astype(float), second_order=False,
           id="indices"),
    OpSpec("topk", gen=_distinct((3, 5)), ref=lambda x: _mask(x, 2), attrs={"k": 2, "ret_typ": "mask"},
           second_order=False, id="mask"),
    OpSpec("sort", gen=_distinct((3, 5)), ref=lambda x: np.sort(x, axis=-1)),
    OpSpec("sort", gen=_distinct((3, 5)), ref=lambda x: -np.sort(-x, axis=0), attrs={"axis": 0, "is_ascend": False},
           id="desc-axis0"),
    OpSpec("sort", gen=_distinct((2, 3)), ref=lambda x: np.sort(x.ravel()), attrs={"axis": None}, id="flat"),
    OpSpec("argsort", gen=_distinct((3, 5)), ref=lambda x: np.argsort(x, axis=-1).astype(float)),
    OpSpec("argsort", gen=_distinct((3, 5)), ref=lambda x: np.argsort(-x, axis=0).astype(float),
           attrs={"axis": 0, "is_ascend": False}, id="desc"),
    OpSpec("_take_along_axis", gen=_gather_inputs, ref=lambda d, i: np.take_along_axis(d, i.astype(int), 1),
           attrs={"axis": 1}, wrt=(0,)),
    OpSpec("_scatter_along_axis", gen=_scatter_inputs, ref=_scatter_ref, attrs={"axis": 1, "size": 5}, wrt=(0,)),
]
