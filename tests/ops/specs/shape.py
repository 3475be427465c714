import itertools

import numpy as np

from ..spec import OpSpec


def _d2s(x, b):
    """depth_to_space written element by element (independent of the op's reshape/transpose)."""
    n, c, h, w = x.shape
    out = np.zeros((n, c // (b * b), h * b, w * b))
    for ci, hi, wi, i, j in itertools.product(range(c // (b * b)), range(h), range(w), range(b), range(b)):
        out[:, ci, hi * b + i, wi * b + j] = x[:, (i * b + j) * (c // (b * b)) + ci, hi, wi]
    return out


def _s2d(x, b):
    n, c, h, w = x.shape
    out = np.zeros((n, c * b * b, h // b, w // b))
    for ci, hi, wi, i, j in itertools.product(range(c), range(h // b), range(w // b), range(b), range(b)):
        out[:, (i * b + j) * c + ci, hi, wi] = x[:, ci, hi * b + i, wi * b + j]
    return out


def _pad_adjoint(g, in_shape, mode, pw):
    """The gradient of pad by linearity: <pad(e_k), g> for every basis input e_k."""
    pairs = [(pw[2 * i], pw[2 * i + 1]) for i in range(len(in_shape))]
    out = np.zeros(in_shape)
    for k in range(out.size):
        e = np.zeros(in_shape)
        e.reshape(-1)[k] = 1
        padded = np.pad(e, pairs, mode=mode) if mode != "constant" else np.pad(e, pairs)
        out.reshape(-1)[k] = (padded * g).sum()
    return out


def _diag_adjoint(g, shape, k, a1, a2):
    out = np.zeros(shape)
    for idx in itertools.product(*map(range, shape)):
        if idx[a2] - idx[a1] == k:
            rest = tuple(i for ax, i in enumerate(idx) if ax not in (a1, a2))
            out[idx] = g[(*rest, idx[a1] if k >= 0 else idx[a2])]
    return out


_PW4 = (0, 0, 0, 0, 1, 2, 2, 1)

SPECS = [
    OpSpec("reshape", [(2, 3, 4)], lambda x: x.reshape(6, 4), attrs={"shape": (6, -1)}),
    OpSpec("reshape", [(2, 3, 4)], lambda x: x.reshape(2, 12), attrs={"shape": (0, -3)}, id="codes"),
    OpSpec("reshape", [(2, 3, 4)], lambda x: x.reshape(2, 1, 3, 4), attrs={"shape": (0, -4, 1, -1, -2)}, id="split"),
    OpSpec("reshape", [(10, 5, 4)], lambda x: x.reshape(50, 4), attrs={"shape": (-1, 0), "reverse": True},
           id="reverse"),
    OpSpec("reshape_like", [(6, 4), (2, 3, 4)], lambda x, y: x.reshape(2, 3, 4), wrt=(0,)),
    OpSpec("reshape_like", [(6, 4), (2, 3, 5)], lambda x, y: x.reshape(2, 3, 4),
           attrs={"lhs_begin": 0, "lhs_end": 1, "rhs_begin": 0, "rhs_end": -1}, wrt=(0,), id="ranges"),
    OpSpec("flatten", [(2, 3, 4)], lambda x: x.reshape(2, 12)),
    OpSpec("flatten", [(3,)], lambda x: x.reshape(3, 1), id="1d"),
    OpSpec("expand_dims", [(2, 3)], lambda x: x[:, None], attrs={"axis": 1}),
    OpSpec("expand_dims", [(2, 3)], lambda x: x[..., None], attrs={"axis": -1}, id="neg"),
    OpSpec("squeeze", [(1, 3, 1)], lambda x: x.reshape(3)),
    OpSpec("squeeze", [(1, 3, 1)], lambda x: x.reshape(3, 1), attrs={"axis": 0}, id="axis"),
    OpSpec("squeeze", [(1, 1)], lambda x: x.reshape(1), id="all-ones"),
    OpSpec("transpose", [(2, 3, 4)], lambda x: x.transpose()),
    OpSpec("transpose", [(2, 3, 4)], lambda x: x.transpose(1, 2, 0), attrs={"axes": (1, 2, 0)}, id="axes"),
    OpSpec("swapaxes", [(2, 3, 4)], lambda x: x.swapaxes(0, 2), attrs={"dim1": 0, "dim2": 2}),
    OpSpec("flip", [(2, 3, 4)], lambda x: x[:, ::-1], attrs={"axis": 1}),
    OpSpec("flip", [(2, 3, 4)], lambda x: x[::-1, :, ::-1], attrs={"axis": (0, 2)}, id="two-axes"),
    OpSpec("concat", [(2, 3), (2, 1), (2, 2)], lambda *xs: np.concatenate(xs, axis=1),
           call=lambda F, *xs: F.concat(*xs)),
    OpSpec("concat", [(2, 3), (1, 3)], lambda *xs: np.concatenate(xs, axis=0),
           call=lambda F, *xs: F.concat(*xs, dim=0), id="dim0"),
    OpSpec("stack", [(2, 3), (2, 3)], lambda *xs: np.stack(xs, axis=0), call=lambda F, *xs: F.stack(*xs)),
    OpSpec("stack", [(2, 3), (2, 3), (2, 3)], lambda *xs: np.stack(xs, axis=-1),
           call=lambda F, *xs: F.stack(*xs, axis=-1), id="last"),
    OpSpec("split", [(2, 6)], lambda x: np.split(x, 3, axis=1), attrs={"num_outputs": 3}),
    OpSpec("split", [(3, 2)], list, attrs={"num_outputs": 3, "axis": 0, "squeeze_axis": True},
           id="squeeze"),
    OpSpec("split", [(2, 2)], lambda x: x, attrs={"num_outputs": 1}, id="one"),
    OpSpec("_split_v2", [(2, 6)], lambda x: np.split(x, [1, 4], axis=1),
           attrs={"indices": (0, 1, 4), "axis": 1}),
    OpSpec("_split_v2", [(4, 2)], lambda x: np.split(x, 2), attrs={"sections": 2}, id="sections"),
    OpSpec("tile", [(2, 3)], lambda x: np.tile(x, (2, 1, 2)), attrs={"reps": (2, 1, 2)}),
    OpSpec("tile", [(2, 3)], lambda x: np.tile(x, (3,)), attrs={"reps": (3,)}, id="short-reps"),
    OpSpec("repeat", [(2, 3)], lambda x: np.repeat(x, 2, axis=1), attrs={"repeats": 2, "axis": 1}),
    OpSpec("repeat", [(2, 3)], lambda x: np.repeat(x, 3), attrs={"repeats": 3}, id="flat"),
    OpSpec("pad", [(1, 2, 3, 4)], lambda x: np.pad(x, [(0, 0), (0, 0), (1, 2), (2, 1)], constant_values=0.5),
           attrs={"mode": "constant", "pad_width": _PW4, "constant_value": 0.5}),
    OpSpec("pad", [(1, 2, 3, 4)], lambda x: np.pad(x, [(0, 0), (0, 0), (1, 2), (2, 1)], mode="edge"),
           attrs={"mode": "edge", "pad_width": _PW4}, id="edge"),
    OpSpec("pad", [(1, 2, 3, 4)], lambda x: np.pad(x, [(0, 0), (0, 0), (1, 2), (2, 1)], mode="reflect"),
           attrs={"mode": "reflect", "pad_width": _PW4}, id="reflect"),
    OpSpec("pad", [(1, 1, 2, 3, 3)], lambda x: np.pad(x, [(0, 0), (0, 0), (1, 0), (0, 2), (1, 1)], mode="reflect"),
           attrs={"mode": "reflect", "pad_width": (0, 0, 0, 0, 1, 0, 0, 2, 1, 1)}, id="reflect-5d"),
    OpSpec("_backward_pad", [(1, 1, 6, 7)], lambda g: _pad_adjoint(g, (1, 1, 3, 4), "reflect", _PW4),
           attrs={"mode": "reflect", "pad_width": _PW4, "in_shape": (1, 1, 3, 4)}),
    OpSpec("_backward_pad", [(1, 1, 6, 7)], lambda g: _pad_adjoint(g, (1, 1, 3, 4), "edge", _PW4),
           attrs={"mode": "edge", "pad_width": _PW4, "in_shape": (1, 1, 3, 4)}, id="edge"),
    OpSpec("_backward_pad", [(1, 1, 6, 7)], lambda g: _pad_adjoint(g, (1, 1, 3, 4), "constant", _PW4),
           attrs={"mode": "constant", "pad_width": _PW4, "in_shape": (1, 1, 3, 4)}, id="constant"),
    OpSpec("Crop", [(1, 2, 5, 6)], lambda x: x[:, :, 1:3, 2:5], call=lambda F, x: F.Crop(x, h_w=(2, 3), offset=(1, 2))),
    OpSpec("Crop", [(1, 2, 5, 6), (1, 1, 3, 2)], lambda x, y: x[:, :, 1:4, 2:4], wrt=(0,),
           call=lambda F, x, y: F.Crop(x, y, center_crop=True, num_args=2), id="like-centre"),
    OpSpec("broadcast_to", [(3, 1)], lambda x: np.broadcast_to(x, (3, 4)), attrs={"shape": (3, 4)}),
    OpSpec("broadcast_to", [(3, 1)], lambda x: np.broadcast_to(x, (3, 4)), attrs={"shape": (0, 4)}, id="zero"),
    OpSpec("broadcast_like", [(1, 3), (2, 3)], lambda x, y: np.broadcast_to(x, (2, 3)), wrt=(0,)),
    OpSpec("broadcast_like", [(2, 1), (5, 4)], lambda x, y: np.broadcast_to(x, (2, 5)),
           attrs={"lhs_axes": (1,), "rhs_axes": (0,)}, wrt=(0,), id="axes"),
    OpSpec("broadcast_axis", [(2, 1, 1)], lambda x: np.broadcast_to(x, (2, 3, 4)),
           attrs={"axis": (1, 2), "size": (3, 4)}),
    OpSpec("depth_to_space", [(1, 8, 2, 3)], lambda x: _d2s(x, 2), attrs={"block_size": 2}),
    OpSpec("space_to_depth", [(1, 2, 4, 6)], lambda x: _s2d(x, 2), attrs={"block_size": 2}),
    OpSpec("diag", [(3, 4)], lambda x: np.diagonal(x, 1), attrs={"k": 1}),
    OpSpec("diag", [(3,)], lambda x: np.diag(x, -1), attrs={"k": -1}, id="build"),
    OpSpec("diag", [(2, 3, 4)], lambda x: np.diagonal(x, -1, 2, 0), attrs={"k": -1, "axis1": 2, "axis2": 0},
           id="3d"),
    OpSpec("_backward_diag", [(3, 2)], lambda g: _diag_adjoint(g, (2, 3, 4), -1, 2, 0),
           attrs={"shape": (2, 3, 4), "k": -1, "axis1": 2, "axis2": 0}),
    OpSpec("_backward_diag", [(3,)], lambda g: _diag_adjoint(g, (3, 4), 1, 0, 1), attrs={"shape": (3, 4), "k": 1},
           id="2d"),
    OpSpec("shape_array", [(2, 3)], lambda x: np.array([2, 3])),
    OpSpec("size_array", [(2, 3)], lambda x: np.array([6])),
]
