"""Shape manipulation: reshape (with MXNet's special codes), flatten, expand_dims, squeeze, transpose,
swapaxes, moveaxis, concat, stack, split, split_v2, tile, repeat, flip, pad, the broadcast ops,
depth_to_space, space_to_depth, diag, shape_array and size_array.

Most gradients are the inverse shape op; the data-moving ones (split/concat, tile, repeat, pad, diag)
have gradients that are themselves registered ops, so every order of derivative works.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from ..backend import to_device
from ..base import MXNetError, MXNetValueError
from ..ndarray.ndarray import NDArray
from .reduce import reduce_axes
from .registry import bind_public, defop
from .registry import fn as F


def _axis(name: str, ndim: int | tuple, axis) -> int:
    """One axis, negative allowed, checked against ``ndim``."""
    return reduce_axes(name, ndim, int(axis))[0]


def _like(ref, host: np.ndarray):
    """``host`` (a small NumPy array) on the device of ``ref`` (a no-op for NumPy arrays)."""
    return host if isinstance(ref, np.ndarray) else to_device(host, "gpu", ref.device.id)


def _own(res, data):
    """``res`` as a new array: MXNet's shape ops copy (only ``NDArray.reshape`` and the ``inplace=True``
    helpers share memory with their input)."""
    return res.copy() if np.may_share_memory(res, data) else res


def _as_tuple(v) -> tuple:
    return (int(v),) if isinstance(v, (int, np.integer)) else tuple(int(d) for d in v)


# ----------------------------------------------------------------------------------------------- reshape
def infer_reshape(src: tuple, target: tuple, reverse: bool = False) -> tuple:
    """Apply MXNet's reshape codes: 0 copy a dim, -1 infer, -2 copy the rest, -3 merge two, -4 split one.

    With ``reverse=True`` both shapes are read right to left (MXNet simply reverses the code list, so a
    ``-4`` group is only valid when its two sizes come first). Raises MXNetError on a malformed list.

    MXNet quirk kept for parity: the inferred size is written at the position of ``-1`` in the *code list*,
    which differs from its position in the result after a ``-2`` or ``-4``; so (4, 3, 1) with
    (2, -2, -1) gives (2, 3, 2, 1), and most such lists fail the size check.
    """
    def bad(why: str) -> MXNetError:  # a ValueError too, as NDArray.reshape raises in MXNet
        return MXNetValueError(f"reshape: cannot reshape {tuple(src)} with shape={tuple(target)}"
                          f"{' (reverse=True)' if reverse else ''}: {why}")

    if reverse:
        src, codes = tuple(reversed(src)), tuple(reversed(target))
    else:
        codes = tuple(target)
    out: list[int] = []
    i, j, infer = 0, 0, -1

    def take() -> int:
        nonlocal i
        if i >= len(src):
            raise bad("the codes use more dimensions than the input has")
        i += 1
        return src[i - 1]

    while j < len(codes):
        code = codes[j]
        if code == 0:
            out.append(take())
        elif code == -1:
            if infer >= 0:
                raise bad("only one dimension can be -1")
            infer = j  # MXNet's index into the code list (see the docstring)
            out.append(1)
            if i < len(src):
                i += 1
        elif code == -2:
            out.extend(src[i:])
            i = len(src)
        elif code == -3:
            a = take()
            out.append(a * take())
        elif code == -4:
            if j + 2 >= len(codes):
                raise bad("-4 must be followed by two sizes")
            d = take()
            a, b = codes[j + 1], codes[j + 2]
            if (a == -1 and b == -1) or a < -1 or b < -1 or a == 0 or b == 0:
                raise bad(f"-4 split sizes ({a}, {b}) are invalid")
            if a == -1:
                a = d // b if b and d % b == 0 else -1
            if b == -1:
                b = d // a if a and d % a == 0 else -1
            if a < 0 or b < 0 or a * b != d:
                raise bad(f"cannot split dimension {d} into {codes[j + 1]} x {codes[j + 2]}")
            out += [a, b]
            j += 2
        elif code > 0:
            out.append(int(code))
            if i < len(src):
                i += 1
        else:
            raise bad(f"invalid shape code {code}")
        j += 1
    total = math.prod(src) if src else 1
    if infer >= 0:
        known = math.prod(out)
        if known == 0 or total == 0:
            raise bad("cannot infer the -1 dimension")
        if infer < len(out):  # past the end MXNet's write is lost and the placeholder 1 stays
            out[infer] = total // known
    if math.prod(out) != total:
        raise bad(f"the result {tuple(reversed(out)) if reverse else tuple(out)} has a different size "
                  f"({math.prod(out)} vs {total})")
    return tuple(reversed(out)) if reverse else tuple(out)


@defop(vjp=lambda n, g: F.reshape(g, shape=n.inputs[0].shape), aliases=("Reshape",))
def reshape(data, *, shape=(), reverse=False, target_shape=(), keep_highest=False):
    """Reshapes the input array; ``shape`` may use MXNet's codes 0, -1, -2, -3, -4.

    ``target_shape`` (deprecated in MXNet, used only when ``shape`` is empty) marks the one inferred
    dimension with 0; ``keep_highest`` then keeps the input's first dimension.
    """
    shape = _as_tuple(shape)
    if not shape and target_shape:
        legacy = [int(d) for d in _as_tuple(target_shape)]
        if keep_highest:
            legacy[0] = data.shape[0]
        if legacy.count(0) > 1:
            raise MXNetError(f"reshape: target_shape {tuple(target_shape)} may infer one dimension (0) only")
        shape = tuple(-1 if d == 0 else d for d in legacy)
    return data.reshape(infer_reshape(data.shape, shape, reverse))


def _range_shape(shape, begin, end):
    nd_ = len(shape)
    b = 0 if begin is None else int(begin) % nd_ if nd_ else 0
    e = nd_ if end is None else int(end) % nd_ if int(end) < 0 else int(end)
    return b, e


@defop(vjp=lambda n, g: (F.reshape(g, shape=n.inputs[0].shape), None), fluent=True)
def reshape_like(lhs, rhs, *, lhs_begin=None, lhs_end=None, rhs_begin=None, rhs_end=None):
    """Reshapes ``lhs`` to the shape of ``rhs`` (or replaces lhs dims [lhs_begin, lhs_end) with rhs's
    dims [rhs_begin, rhs_end))."""
    lb, le = _range_shape(lhs.shape, lhs_begin, lhs_end)
    rb, re_ = _range_shape(rhs.shape, rhs_begin, rhs_end)
    new = lhs.shape[:lb] + rhs.shape[rb:re_] + lhs.shape[le:]
    if math.prod(new) != lhs.size:
        raise MXNetError(f"reshape_like: cannot reshape lhs {lhs.shape} to {new} (from rhs {rhs.shape}): "
                         "sizes differ")
    return _own(lhs.reshape(new), lhs)


@defop(vjp=lambda n, g: F.reshape(g, shape=n.inputs[0].shape), aliases=("Flatten",), fluent=True)
def flatten(data):
    """Flattens the input to 2-D: ``(d0, d1 * d2 * ...)`` (a 1-D input of n elements gives ``(n, 1)``)."""
    if data.ndim == 0:
        raise MXNetError("flatten: input must have at least one dimension")
    return _own(data.reshape(data.shape[0], math.prod(data.shape[1:])), data)


@defop(vjp=lambda n, g: F.reshape(g, shape=n.inputs[0].shape), fluent=True)
def expand_dims(data, *, axis):
    """Inserts a new axis of size 1 at position ``axis`` (``-ndim-1 <= axis <= ndim``)."""
    nd_ = data.ndim
    if not -nd_ - 1 <= int(axis) <= nd_:
        raise MXNetError(f"expand_dims: axis {axis} is out of range for an input of shape {data.shape} "
                         f"(expected {-nd_ - 1} <= axis <= {nd_})")
    return _own(np.expand_dims(data, int(axis) % (nd_ + 1)), data)


@defop(vjp=lambda n, g: F.reshape(g, shape=n.inputs[0].shape), fluent=True)
def squeeze(data, *, axis=None):
    """Removes axes of size 1 (only those in ``axis`` if given); a result with no axes has shape (1,)."""
    if axis is None:
        axes = tuple(i for i, d in enumerate(data.shape) if d == 1)
    else:
        axes = reduce_axes("squeeze", data.shape, axis)
        for a in axes:
            if data.shape[a] != 1:
                raise MXNetError(f"squeeze: cannot squeeze axis {a} of shape {data.shape}: its size is "
                                 f"{data.shape[a]}, not 1")
    res = np.squeeze(data, axis=axes)
    return _own(res.reshape(1) if res.ndim == 0 else res, data)


# ----------------------------------------------------------------------------------------------- permute
def _transpose_vjp(n, g):
    axes = n.attrs["axes"]
    if not axes:
        return F.transpose(g)
    nd_ = g.ndim
    return F.transpose(g, axes=tuple(int(i) for i in np.argsort([a % nd_ for a in axes])))


@defop(vjp=_transpose_vjp, fluent=True)
def transpose(data, *, axes=()):
    """Permutes the dimensions of an array (reverses them when ``axes`` is empty)."""
    axes = tuple(int(a) for a in axes) if axes else None
    if axes is not None and (len(axes) != data.ndim or any(not -data.ndim <= a < data.ndim for a in axes)
                             or sorted(a % data.ndim for a in axes) != list(range(data.ndim))):
        raise MXNetError(f"transpose: axes {axes} are not a permutation of the {data.ndim} dimensions "
                         f"of shape {data.shape}")
    return _own(np.transpose(data, axes), data)


@defop(vjp=lambda n, g: F.swapaxes(g, dim1=n.attrs["dim1"], dim2=n.attrs["dim2"]), aliases=("SwapAxis",),
       fluent=True)
def swapaxes(data, *, dim1=0, dim2=0):
    """Interchanges two axes of an array."""
    return _own(np.swapaxes(data, _axis("swapaxes", data.shape, dim1), _axis("swapaxes", data.shape, dim2)), data)


def moveaxis(tensor, source, destination):
    """Moves axes of an array to new positions (other axes keep their order)."""
    src = _as_tuple(source)
    dst = _as_tuple(destination)
    nd_ = tensor.ndim
    if len(src) != len(dst):
        raise MXNetError(f"moveaxis: source {source} and destination {destination} must have the same length")
    src = tuple(_axis("moveaxis", tensor.shape, a) for a in src)
    dst = tuple(_axis("moveaxis", tensor.shape, a) for a in dst)
    order = [i for i in range(nd_) if i not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        order.insert(d, s)
    return F.transpose(tensor, axes=tuple(order))


bind_public("moveaxis", moveaxis)


@defop(vjp=lambda n, g: F.flip(g, axis=n.attrs["axis"]), aliases=("reverse",), fluent=True)
def flip(data, *, axis):
    """Reverses the order of elements along the given axis or axes."""
    return np.flip(data, axis=reduce_axes("flip", data.shape, axis)).copy()


# ---------------------------------------------------------------------------------------- join and split
def _concat_vjp(n, g):
    dim = n.attrs["dim"] % g.ndim
    bounds = np.cumsum([x.shape[dim] for x in n.inputs])[:-1]
    if len(n.inputs) == 1:
        return (g,)
    parts = F._split_v2(g, indices=(0, *(int(b) for b in bounds)), axis=dim, squeeze_axis=False)
    return tuple(parts)


@defop(vjp=_concat_vjp, aliases=("Concat",))
def concat(*data, dim=1, num_args=None):
    """Joins the input arrays along dimension ``dim`` (all other dimensions must agree)."""
    if not data:
        raise MXNetError("concat: needs at least one input array")
    if num_args is not None and int(num_args) != len(data):
        raise MXNetError(f"concat: num_args={num_args} but {len(data)} arrays were given")
    d0 = data[0]
    ax = _axis("concat", d0.shape, dim)
    for x in data[1:]:
        if x.ndim != d0.ndim or x.shape[:ax] + x.shape[ax + 1:] != d0.shape[:ax] + d0.shape[ax + 1:]:
            raise MXNetError(f"concat: shapes {[tuple(y.shape) for y in data]} cannot be joined along dim {dim}; "
                             "all other dimensions must agree")
    return np.concatenate(data, axis=ax)


def concatenate(arrays, axis=0, always_copy=True):
    """Joins a list of arrays along ``axis`` (deprecated in MXNet: use :func:`concat`).

    MXNet asserts on bad input (AssertionError) and does not record this; ndgrad records it as ``concat``.
    """
    assert isinstance(arrays, list) and arrays and isinstance(arrays[0], NDArray), \
        "concatenate: arrays must be a non-empty list of NDArrays"
    if not always_copy and len(arrays) == 1:
        return arrays[0]
    first = arrays[0]
    for arr in arrays[1:]:
        assert arr.shape[:axis] == first.shape[:axis] and arr.shape[axis + 1:] == first.shape[axis + 1:], \
            f"concatenate: shapes {[a.shape for a in arrays]} differ outside axis {axis}"
        assert arr.dtype == first.dtype, f"concatenate: dtypes {[a.dtype for a in arrays]} differ"
    return F.concat(*arrays, dim=axis)


bind_public("concatenate", concatenate)


def _stack_vjp(n, g):
    if len(n.inputs) == 1:
        return (F.reshape(g, shape=n.inputs[0].shape),)
    return tuple(F.split(g, num_outputs=len(n.inputs), axis=n.attrs["axis"], squeeze_axis=True))


@defop(vjp=_stack_vjp)
def stack(*data, axis=0, num_args=None):
    """Joins arrays of the same shape along a new axis ``axis``."""
    if not data:
        raise MXNetError("stack: needs at least one input array")
    if num_args is not None and int(num_args) != len(data):
        raise MXNetError(f"stack: num_args={num_args} but {len(data)} arrays were given")
    if any(x.shape != data[0].shape for x in data[1:]):
        raise MXNetError(f"stack: all inputs must have the same shape, got {[tuple(x.shape) for x in data]}")
    nd_ = data[0].ndim
    if not -nd_ - 1 <= int(axis) <= nd_:
        raise MXNetError(f"stack: axis {axis} is out of range for inputs of shape {data[0].shape}")
    return np.stack(data, axis=int(axis) % (nd_ + 1))


def _grads_or_zeros(n, gs):
    return [g if g is not None else n.output(i).zeros_like() for i, g in enumerate(gs)]


def _split_vjp(n, *gs):
    gs = _grads_or_zeros(n, gs)
    ax = n.attrs["axis"] % n.inputs[0].ndim
    if n.attrs["squeeze_axis"]:
        gs = [F.expand_dims(g, axis=ax) for g in gs]
    return (gs[0] if len(gs) == 1 else F.concat(*gs, dim=ax),)


@defop(vjp=_split_vjp, num_outputs=lambda a, n: int(a["num_outputs"]), save_outputs=True,
       aliases=("SliceChannel",), fluent=True)
def split(data, *, num_outputs, axis=1, squeeze_axis=False):
    """Splits an array along ``axis`` into ``num_outputs`` equal parts (returns a list when more than one)."""
    ax = _axis("split", data.shape, axis)
    k = int(num_outputs)
    if k < 1 or data.shape[ax] % k:
        raise MXNetError(f"split: num_outputs={num_outputs} does not evenly divide axis {axis} of shape "
                         f"{data.shape}")
    if squeeze_axis and data.shape[ax] != k:
        raise MXNetError(f"split: squeeze_axis=True needs num_outputs ({k}) equal to the size of axis "
                         f"{axis} of shape {data.shape}")
    parts = np.split(data, k, axis=ax)
    if squeeze_axis:
        parts = [p.squeeze(ax) for p in parts]
    return tuple(_own(p, data) for p in parts)


def _split_v2_count(a, n) -> int:
    return int(a["sections"]) if a["sections"] else len(a["indices"])


@defop(vjp=_split_vjp, num_outputs=_split_v2_count, save_outputs=True)
def _split_v2(data, *, indices=(), axis=0, squeeze_axis=False, sections=0):
    """Splits along ``axis`` at ``indices`` (which start with 0), or into ``sections`` equal parts."""
    ax = _axis("split_v2", data.shape, axis)
    n = data.shape[ax]
    if sections:
        if n % int(sections):
            raise MXNetError(f"split_v2: {sections} sections do not evenly divide axis {axis} of shape {data.shape}")
        parts = np.split(data, int(sections), axis=ax)
    else:
        idx = [int(i) for i in indices]
        if any(b < a for a, b in itertools.pairwise(idx)) or (idx and idx[-1] > n):
            raise MXNetError(f"split_v2: indices {tuple(idx[1:])} must be increasing and within axis {axis} "
                             f"of shape {data.shape}")
        parts = np.split(data, idx[1:], axis=ax)
    if squeeze_axis:
        if any(p.shape[ax] != 1 for p in parts):
            raise MXNetError(f"split_v2: squeeze_axis=True needs every part to have size 1 along axis {axis}")
        parts = [p.squeeze(ax) for p in parts]
    return tuple(_own(p, data) for p in parts)


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Splits an array into sub-arrays: ``indices_or_sections`` an int (equal sections) or a tuple of split
    points along ``axis``."""
    if isinstance(indices_or_sections, (int, np.integer)):
        return F._split_v2(ary, indices=(), axis=axis, squeeze_axis=squeeze_axis, sections=int(indices_or_sections))
    if isinstance(indices_or_sections, tuple):
        return F._split_v2(ary, indices=(0, *indices_or_sections), axis=axis, squeeze_axis=squeeze_axis,
                           sections=0)
    raise MXNetValueError("split_v2: indices_or_sections must be an int or a tuple of ints, got "
                     f"{type(indices_or_sections).__name__}")


# ------------------------------------------------------------------------------------------- replicate
def _tile_shape(shape, reps):
    nd_ = max(len(shape), len(reps))
    return (1,) * (nd_ - len(shape)) + tuple(shape), (1,) * (nd_ - len(reps)) + tuple(reps)


def _tile_vjp(n, g):
    x = n.inputs[0]
    shape, reps = _tile_shape(x.shape, _as_tuple(n.attrs["reps"]))
    inter = tuple(v for r, d in zip(reps, shape, strict=True) for v in (r, d))
    summed = F.sum(F.reshape(g, shape=inter), axis=tuple(range(0, len(inter), 2)))
    return F.reshape(summed, shape=x.shape)


@defop(vjp=_tile_vjp, fluent=True)
def tile(data, *, reps):
    """Repeats the whole array ``reps`` times along each axis (``reps`` and the shape align on the right)."""
    reps = _as_tuple(reps)
    if any(r < 1 for r in reps):
        raise MXNetError(f"tile: reps {reps} must be positive (input shape {data.shape})")
    return np.tile(data, reps)


def _repeat_vjp(n, g):
    x, r, axis = n.inputs[0], int(n.attrs["repeats"]), n.attrs["axis"]
    if axis is None:
        return F.reshape(F.sum(F.reshape(g, shape=(x.size, r)), axis=1), shape=x.shape)
    ax = int(axis) % x.ndim
    split = (*x.shape[:ax + 1], r, *x.shape[ax + 1:])
    return F.sum(F.reshape(g, shape=split), axis=ax + 1)


@defop(vjp=_repeat_vjp, fluent=True)
def repeat(data, *, repeats, axis=None):
    """Repeats each element ``repeats`` times along ``axis`` (of the flattened array when None)."""
    if int(repeats) < 1:
        raise MXNetError(f"repeat: repeats must be positive, got {repeats}")
    if axis is None:
        return np.repeat(data.reshape(-1), int(repeats))
    return np.repeat(data, int(repeats), axis=_axis("repeat", data.shape, axis))


# ------------------------------------------------------------------------------------------------- pad
_PAD_MODES = {"constant": "constant", "edge": "edge", "reflect": "reflect"}


def _pad_pairs(name, shape, mode, pad_width):
    if mode not in _PAD_MODES:
        raise MXNetError(f"{name}: mode must be 'constant', 'edge' or 'reflect', got {mode!r}")
    if len(shape) not in (4, 5):
        raise MXNetError(f"{name}: only 4-D and 5-D inputs are supported, got shape {shape}")
    pw = _as_tuple(pad_width)
    if len(pw) != 2 * len(shape):
        raise MXNetError(f"{name}: pad_width must have {2 * len(shape)} entries for shape {shape}, got {pw}")
    if any(pw[:4]) or any(p < 0 for p in pw):
        raise MXNetError(f"{name}: pad_width {pw} must be non-negative and 0 for the first two axes (N, C)")
    pairs = [(pw[2 * i], pw[2 * i + 1]) for i in range(len(shape))]
    if mode == "reflect":
        for d, (b, a) in zip(shape, pairs, strict=True):
            if b >= d or a >= d:
                raise MXNetError(f"{name}: reflect padding {pw} must be smaller than each padded dimension of "
                                 f"shape {shape}")
    return pairs


def _unpad_axis(g, ax: int, n: int, before: int, after: int, mode: str):
    """Sum the gradient of one padded axis back onto the ``n`` input positions it was copied from."""
    g = np.moveaxis(g, ax, -1)
    res = g[..., before:before + n].copy()
    if mode == "edge":
        if before:
            res[..., 0] += g[..., :before].sum(-1)
        if after:
            res[..., -1] += g[..., before + n:].sum(-1)
    elif mode == "reflect":  # position -k copies k, position n-1+k copies n-1-k
        if before:
            res[..., 1:before + 1] += g[..., before - 1::-1]
        if after:
            res[..., n - 1 - after:n - 1] += g[..., before + n:][..., ::-1]
    return np.moveaxis(res, -1, ax)


@defop(vjp=lambda n, g: F._backward_pad(g, mode=n.attrs["mode"], pad_width=n.attrs["pad_width"],
                                        in_shape=n.inputs[0].shape), aliases=("Pad",), fluent=True)
def pad(data, *, mode, pad_width, constant_value=0.0):
    """Pads a 4-D or 5-D array (spatial axes only) with a constant, its edge values, or its reflection.

    ``pad_width`` lists (before, after) for every axis, flattened; the first four entries must be 0.
    """
    pairs = _pad_pairs("pad", data.shape, mode, pad_width)
    if mode == "constant":
        return np.pad(data, pairs, mode="constant", constant_values=data.dtype.type(constant_value))
    return np.pad(data, pairs, mode=_PAD_MODES[mode])


@defop(vjp=lambda n, g: F.pad(g, mode=n.attrs["mode"], pad_width=n.attrs["pad_width"], constant_value=0.0))
def _backward_pad(grad, *, mode="constant", pad_width=(), in_shape=()):
    """Gradient of ``pad``: each input position collects the gradient of every output copied from it."""
    pairs = _pad_pairs("_backward_pad", in_shape, mode, pad_width)
    res = grad
    for ax in range(2, len(in_shape)):
        b, a = pairs[ax]
        if b or a:
            res = _unpad_axis(res, ax, in_shape[ax], b, a, mode)
    return _own(res, grad)


def _crop_box(name, data, h_w, offset, center_crop):
    """(top, left, h, w) of the Crop window; raises where it leaves the input."""
    _, _, hh, ww = data[0].shape
    h, w = (data[1].shape[2], data[1].shape[3]) if len(data) > 1 else _as_tuple(h_w)
    if center_crop:
        top, left = (hh - h) // 2, (ww - w) // 2
    else:
        top, left = _as_tuple(offset)
    if h < 1 or w < 1 or top < 0 or left < 0 or top + h > hh or left + w > ww:
        raise MXNetError(f"{name}: a {h}x{w} window at offset ({top}, {left}) does not fit input shape "
                         f"{data[0].shape}")
    return top, left, h, w


def _crop_vjp(n, g):
    x = n.inputs[0]
    top, left, h, w = _crop_box("Crop", n.inputs, n.attrs["h_w"], n.attrs["offset"], n.attrs["center_crop"])
    pw = (0, 0, 0, 0, top, x.shape[2] - h - top, left, x.shape[3] - w - left)
    return (F.pad(g, mode="constant", pad_width=pw), *([None] * (len(n.inputs) - 1)))


@defop(vjp=_crop_vjp)
def Crop(*data, offset=(0, 0), h_w=(0, 0), center_crop=False, num_args=None):
    """Crops the spatial (last two) axes of a 4-D input to ``h_w``, or to the size of a second input.

    The window starts at ``offset`` (top, left), or is centred with ``center_crop=True``.
    """
    if not 1 <= len(data) <= 2 or (num_args is not None and int(num_args) != len(data)):
        raise MXNetError(f"Crop: takes one or two inputs (num_args={num_args}), got {len(data)}")
    if data[0].ndim != 4 or (len(data) > 1 and data[1].ndim != 4):
        raise MXNetError(f"Crop: inputs must be 4-D (N, C, H, W), got {[tuple(x.shape) for x in data]}")
    top, left, h, w = _crop_box("Crop", data, h_w, offset, center_crop)
    return data[0][:, :, top:top + h, left:left + w].copy()


# ------------------------------------------------------------------------------------------- broadcast
# the engine sums the gradient back down to the input's shape
@defop(vjp=lambda n, g: g)
def broadcast_to(data, *, shape=()):
    """Broadcasts the input to a new shape (0 in ``shape`` keeps that dimension)."""
    shape = _as_tuple(shape)
    if len(shape) != data.ndim:
        raise MXNetError(f"broadcast_to: target shape {shape} must have as many dimensions as {data.shape}")
    shape = tuple(s if t == 0 else t for s, t in zip(data.shape, shape, strict=False))
    for s, t in zip(data.shape, shape, strict=False):
        if s not in (t, 1):
            raise MXNetError(f"broadcast_to: cannot broadcast shape {data.shape} to {shape}")
    return np.broadcast_to(data, shape)


def _broadcast_to_method(self, shape):
    """Broadcasts to ``shape``, which may have more (leading) dimensions than this array."""
    shape = _as_tuple(shape)
    cur = self.shape
    padded = (1,) * (len(shape) - len(cur)) + cur
    if len(shape) < len(cur) or any(c not in (1, t) for c, t in zip(padded, shape, strict=True)):
        raise MXNetValueError(f"broadcast_to: operands could not be broadcast together: {cur} and requested "
                              f"shape {shape}")
    if len(shape) > len(cur):
        return F.broadcast_to(F.reshape(self, shape=(1,) * (len(shape) - len(cur)) + cur), shape=shape)
    return F.broadcast_to(self, shape=shape)


NDArray.broadcast_to = _broadcast_to_method


@defop(vjp=lambda n, g: (g, None), fluent=True)
def broadcast_like(lhs, rhs, *, lhs_axes=None, rhs_axes=None):
    """Broadcasts ``lhs`` to the shape of ``rhs`` (or only ``lhs_axes`` to the sizes of ``rhs_axes``)."""
    if lhs_axes is None and rhs_axes is None:
        if lhs.ndim != rhs.ndim:
            raise MXNetError(f"broadcast_like: lhs {lhs.shape} and rhs {rhs.shape} must have the same number "
                             "of dimensions")
        target = list(rhs.shape)
    else:
        la, ra = _as_tuple(lhs_axes or ()), _as_tuple(rhs_axes or ())
        if not la or len(la) != len(ra):
            raise MXNetError(f"broadcast_like: lhs_axes {lhs_axes} and rhs_axes {rhs_axes} must be non-empty and "
                             "of the same length")
        target = list(lhs.shape)
        for a, b in zip(la, ra, strict=True):
            target[_axis("broadcast_like", lhs.shape, a)] = rhs.shape[_axis("broadcast_like", rhs.shape, b)]
    for s, t in zip(lhs.shape, target, strict=True):
        if s not in (t, 1):
            raise MXNetError(f"broadcast_like: cannot broadcast lhs {lhs.shape} like rhs {rhs.shape}")
    return np.broadcast_to(lhs, tuple(target))


@defop(vjp=lambda n, g: g, aliases=("broadcast_axes",), fluent="broadcast_axes")
def broadcast_axis(data, *, axis=(), size=()):
    """Broadcasts the size-1 axes ``axis`` of the input to the sizes ``size``."""
    axes, sizes = _as_tuple(axis), _as_tuple(size)
    if len(axes) != len(sizes):
        raise MXNetError(f"broadcast_axis: axis {axis} and size {size} must have the same length")
    target = list(data.shape)
    for a, s in zip(axes, sizes, strict=True):
        a = _axis("broadcast_axis", data.shape, a)
        if data.shape[a] != 1 and data.shape[a] != s:
            raise MXNetError(f"broadcast_axis: axis {a} of shape {data.shape} has size {data.shape[a]}, not 1")
        target[a] = s
    return np.broadcast_to(data, tuple(target))


# ----------------------------------------------------------------------------------- depth <-> space
def _check_block(name, data, b):
    if data.ndim != 4:
        raise MXNetError(f"{name}: input must be 4-D (N, C, H, W), got shape {data.shape}")
    if b < 1:
        raise MXNetError(f"{name}: block_size must be positive, got {b}")


@defop(vjp=lambda n, g: F.space_to_depth(g, block_size=n.attrs["block_size"]), fluent=True)
def depth_to_space(data, *, block_size):
    """Rearranges depth into spatial blocks: (N, C, H, W) -> (N, C / b^2, H * b, W * b)."""
    b = int(block_size)
    _check_block("depth_to_space", data, b)
    n, c, h, w = data.shape
    if c % (b * b):
        raise MXNetError(f"depth_to_space: channels {c} of shape {data.shape} must be a multiple of "
                         f"block_size^2 = {b * b}")
    x = data.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2)
    return _own(x.reshape(n, c // (b * b), h * b, w * b), data)


@defop(vjp=lambda n, g: F.depth_to_space(g, block_size=n.attrs["block_size"]), fluent=True)
def space_to_depth(data, *, block_size):
    """Rearranges spatial blocks into depth: (N, C, H, W) -> (N, C * b^2, H / b, W / b)."""
    b = int(block_size)
    _check_block("space_to_depth", data, b)
    n, c, h, w = data.shape
    if h % b or w % b:
        raise MXNetError(f"space_to_depth: height and width of shape {data.shape} must be multiples of "
                         f"block_size {b}")
    x = data.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4)
    return _own(x.reshape(n, c * b * b, h // b, w // b), data)


# ------------------------------------------------------------------------------------------------ diag
def _diag_index(shape, k, a1, a2):
    """Row and column indices of diagonal ``k`` in the (a1, a2) plane of ``shape``."""
    r, c = shape[a1], shape[a2]
    start_r, start_c = (0, k) if k >= 0 else (-k, 0)
    m = max(0, min(r - start_r, c - start_c))
    return np.arange(m) + start_r, np.arange(m) + start_c


def _diag_vjp(n, g):
    x, k = n.inputs[0], n.attrs["k"]
    if x.ndim == 1:
        return F.diag(g, k=k)
    return F._backward_diag(g, shape=x.shape, k=k, axis1=n.attrs["axis1"], axis2=n.attrs["axis2"])


@defop(vjp=_diag_vjp, fluent=True)
def diag(data, *, k=0, axis1=0, axis2=1):
    """Extracts diagonal ``k`` of the (axis1, axis2) planes, or builds a 2-D array from a 1-D diagonal."""
    k = int(k)
    if data.ndim == 1:
        m = data.shape[0] + abs(k)
        out = np.zeros_like(data, shape=(m, m))
        r, c = _diag_index((m, m), k, 0, 1)
        out[r, c] = data
        return out
    if data.ndim == 0:
        raise MXNetError("diag: input must have at least one dimension")
    a1, a2 = _axis("diag", data.shape, axis1), _axis("diag", data.shape, axis2)
    if a1 == a2:
        raise MXNetError(f"diag: axis1 and axis2 must differ, got {axis1} and {axis2}")
    r, _ = _diag_index(data.shape, k, a1, a2)
    if not len(r):
        raise MXNetError(f"diag: diagonal k={k} does not exist in shape {data.shape}")
    return np.diagonal(data, k, a1, a2).copy()


@defop(vjp=lambda n, g: F.diag(g, k=n.attrs["k"], axis1=n.attrs["axis1"], axis2=n.attrs["axis2"]))
def _backward_diag(grad, *, shape=(), k=0, axis1=0, axis2=1):
    """Gradient of diag's extraction: ``grad`` written on diagonal ``k`` of zeros of ``shape``."""
    nd_ = len(shape)
    a1, a2 = axis1 % nd_, axis2 % nd_
    r, c = _diag_index(shape, int(k), a1, a2)
    out = np.zeros_like(grad, shape=shape)
    view = np.moveaxis(out, (a1, a2), (-2, -1))  # a view: writes land in out
    view[..., r, c] = grad
    return out


# ------------------------------------------------------------------------------------------ shape info
@defop(fluent=True)
def shape_array(data):
    """Returns the shape of the input as a 1-D int64 array."""
    return _like(data, np.asarray(data.shape, dtype=np.int64))


@defop(fluent=True)
def size_array(data):
    """Returns the number of elements of the input as an int64 array of shape (1,)."""
    return _like(data, np.asarray([data.size], dtype=np.int64))


# ------------------------------------------------------------------- fixes and NDArray helper methods
bind_public("split_v2", split_v2)


def _flatten_method(self, inplace=False):
    """Flattens to 2-D; ``inplace=True`` returns a view sharing this array's memory (a copy otherwise)."""
    if inplace:
        return F.reshape(self, shape=(self.shape[0], -1) if self.size else (self.shape[0], 0))
    return F.flatten(self)


def _expand_dims_method(self, axis, inplace=False):
    """Inserts an axis of size 1 at ``axis``; ``inplace=True`` returns a view sharing this array's memory."""
    if inplace:
        shape = list(self.shape)
        if not -len(shape) - 1 <= int(axis) <= len(shape):
            raise MXNetError(f"expand_dims: axis {axis} is out of range for an input of shape {self.shape}")
        shape.insert(int(axis) % (len(shape) + 1), 1)
        return F.reshape(self, shape=tuple(shape))
    return F.expand_dims(self, axis=axis)


def _squeeze_method(self, axis=None, inplace=False):
    """Removes axes of size 1 (only those in ``axis`` if given); ``inplace=True`` returns a view."""
    if inplace:
        squeezed = F.squeeze(self, axis=axis)
        return F.reshape(self, shape=squeezed.shape)
    return F.squeeze(self, axis=axis)


def _split_v2_method(self, *args, **kwargs):
    """Fluent :func:`split_v2`."""
    return split_v2(self, *args, **kwargs)


def _diag_method(self, k=0, **kwargs):
    """Fluent :func:`diag`."""
    return F.diag(self, k=k, **kwargs)


NDArray.flatten = _flatten_method
NDArray.expand_dims = _expand_dims_method
NDArray.squeeze = _squeeze_method
NDArray.split_v2 = _split_v2_method
NDArray.diag = _diag_method
