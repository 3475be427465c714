import numpy as np

from ..spec import OpSpec


def _with_index(shape, index):
    """Data uniform in (-2, 2) plus a fixed (float) index array."""
    return lambda rng: [rng.uniform(-2, 2, shape), np.asarray(index, dtype=float)]


def _pick_ref(axis, keepdims=False):
    def ref(x, i):
        i = np.clip(i.astype(int), 0, x.shape[axis] - 1)
        out = np.take_along_axis(x, np.expand_dims(i, axis), axis)
        return out if keepdims else out.squeeze(axis)
    return ref


def _scatter_ref(d, i):
    out = np.zeros((2, 3))
    out[tuple(i.astype(int))] = d
    return out


def _seq_mask_ref(x, lens, value=0.0):
    t = np.arange(x.shape[0])[:, None]
    return np.where((t < lens[None, :])[..., None], x, value)


def _seq_rev_ref(x, lens):
    out = x.copy()
    for b, n in enumerate(lens.astype(int)):
        out[:n, b] = x[:n, b][::-1]
    return out


SPECS = [
    OpSpec("_getitem", [(4,)], lambda x: x[1:2], call=lambda F, x: x[1], id="int-1d"),
    OpSpec("_getitem", [(3, 4)], lambda x: x[1], call=lambda F, x: x[1], id="int-2d"),
    OpSpec("_getitem", [(3, 4, 2)], lambda x: x[::2, 1:3], call=lambda F, x: x[::2, 1:3], id="slices"),
    OpSpec("_getitem", [(4, 3)], lambda x: x[[0, 2, 2]], call=lambda F, x: x[[0, 2, 2]], id="advanced-repeat"),
    OpSpec("_getitem", [(3, 4, 2)], lambda x: x[None, ..., ::-1], call=lambda F, x: x[None, ..., ::-1],
           id="none-ellipsis"),
    OpSpec("_getitem_backward", [(2, 3), (4, 3)], lambda g, d: np.array([np.zeros(3), g[0], g[1], np.zeros(3)]),
           call=lambda F, g, d: F._getitem_backward(g, d, key=slice(1, 3)), wrt=(0,)),
    OpSpec("slice", [(3, 4, 5)], lambda x: x[1:, None:None:2, ::-2],
           attrs={"begin": (1, None, None), "end": (None, None, None), "step": (1, 2, -2)}),
    OpSpec("slice", [(3, 4)], lambda x: x[-2:3], attrs={"begin": (-2,), "end": (3,)}, id="short"),
    OpSpec("slice_axis", [(3, 4, 5)], lambda x: x[:, 1:-1], attrs={"axis": 1, "begin": 1, "end": -1}),
    OpSpec("slice_axis", [(3, 4)], lambda x: x[:, 2:], attrs={"axis": -1, "begin": 2, "end": None}, id="none"),
    OpSpec("slice_like", [(3, 4, 5), (2, 3)], lambda x, y: x[:2, :3], wrt=(0,)),
    OpSpec("slice_like", [(3, 4, 5), (2, 3, 2)], lambda x, y: x[:, :, :2], attrs={"axes": (-1,)}, wrt=(0,),
           id="axes"),
    OpSpec("take", gen=_with_index((4, 3), [[0, 3], [3, 1.7]]), ref=lambda x, i: x[i.astype(int)], wrt=(0,)),
    OpSpec("take", gen=_with_index((2, 3, 4), [-1, 5, 1]), ref=lambda x, i: x[:, [2, 2, 1]],
           attrs={"axis": 1, "mode": "wrap"}, wrt=(0,), id="wrap-axis1"),
    OpSpec("take", gen=_with_index((2, 3), [-4, 7]), ref=lambda x, i: x[:, [0, 2]], attrs={"axis": -1},
           wrt=(0,), id="clip"),
    OpSpec("batch_take", gen=_with_index((3, 4), [0, 3, 3]), ref=lambda x, i: x[[0, 1, 2], [0, 3, 3]], wrt=(0,)),
    OpSpec("pick", gen=_with_index((2, 3, 4), [[0, 1, 9], [3, 0, -1]]), ref=_pick_ref(2),
           attrs={"axis": 2}, wrt=(0,)),
    OpSpec("pick", gen=_with_index((3, 4), [2, 2, 0, 1]), ref=_pick_ref(0, True),
           call=lambda F, x, i: F.pick(x, F.reshape(i, shape=(4,)), axis=0, keepdims=True), wrt=(0,), id="keep"),
    OpSpec("pick", gen=_with_index((2, 3), [-1, 4]), ref=lambda x, i: x[[0, 1], [2, 1]],
           attrs={"mode": "wrap"}, wrt=(0,), id="wrap"),
    OpSpec("one_hot", gen=lambda rng: [np.array([1, 0, 3, -1, 2.6])],
           ref=lambda i: np.eye(4)[[1, 0, 3, 0, 2]] * np.array([1, 1, 1, 0, 1])[:, None], attrs={"depth": 4}),
    OpSpec("gather_nd", gen=_with_index((2, 3, 4), [[0, 1, 1], [2, 0, 2]]),
           ref=lambda x, i: x[[0, 1, 1], [2, 0, 2]], wrt=(0,)),
    OpSpec("scatter_nd", gen=_with_index((3,), [[0, 1, 1], [2, 0, 1]]), ref=_scatter_ref,
           attrs={"shape": (2, 3)}, wrt=(0,)),
    OpSpec("where", gen=lambda rng: [rng.integers(0, 2, (3, 4)).astype(float), rng.uniform(-1, 1, (3, 4)),
                                     rng.uniform(-1, 1, (3, 4))],
           ref=lambda c, x, y: np.where(c != 0, x, y), wrt=(1, 2)),
    OpSpec("where", gen=lambda rng: [np.array([1.0, 0.0, 2.0]), rng.uniform(-1, 1, (3, 2)),
                                     rng.uniform(-1, 1, (3, 2))],
           ref=lambda c, x, y: np.where(c[:, None] != 0, x, y), wrt=(1, 2), id="rows"),
    OpSpec("SequenceMask", gen=_with_index((4, 3, 2), [1, 4, 2]), ref=lambda x, n: _seq_mask_ref(x, n, -1.0),
           attrs={"use_sequence_length": True, "value": -1.0}, wrt=(0,)),
    OpSpec("SequenceMask", gen=_with_index((3, 4, 2), [1, 4, 2]),
           ref=lambda x, n: _seq_mask_ref(x.swapaxes(0, 1), n).swapaxes(0, 1),
           attrs={"use_sequence_length": True, "axis": 1}, wrt=(0,), id="axis1"),
    OpSpec("SequenceMask", [(3, 2)], lambda x: x, call=lambda F, x: F.SequenceMask(x), id="nolen"),
    OpSpec("SequenceLast", gen=_with_index((4, 3, 2), [1, 4, 2]), ref=lambda x, n: x[[0, 3, 1], [0, 1, 2]],
           attrs={"use_sequence_length": True}, wrt=(0,)),
    OpSpec("SequenceLast", gen=_with_index((3, 4), [1, 4, 2]), ref=lambda x, n: x[[0, 1, 2], [0, 3, 1]],
           attrs={"use_sequence_length": True, "axis": 1}, wrt=(0,), id="axis1"),
    OpSpec("SequenceLast", [(3, 2, 2)], lambda x: x[-1], call=lambda F, x: F.SequenceLast(x), id="nolen"),
    OpSpec("SequenceReverse", gen=_with_index((4, 3, 2), [1, 4, 2]), ref=_seq_rev_ref,
           attrs={"use_sequence_length": True}, wrt=(0,)),
    OpSpec("SequenceReverse", [(3, 2)], lambda x: x[::-1], call=lambda F, x: F.SequenceReverse(x), id="nolen"),
    OpSpec("Embedding", gen=lambda rng: [np.array([[0, 2], [2, 7]]), rng.uniform(-1, 1, (3, 2))],
           ref=lambda i, w: w[np.clip(i.astype(int), 0, 2)], attrs={"input_dim": 3, "output_dim": 2}, wrt=(1,)),
]
