"""Shape manipulation: reshape (with MXNet's special codes), transpose, broadcast_to."""
from __future__ import annotations

import numpy as np

from ..base import MXNetError
from .registry import defop
from .registry import fn as F


def infer_reshape(src: tuple, target: tuple, reverse: bool = False) -> tuple:
    """Apply MXNet's reshape codes: 0 copy a dim, -1 infer, -2 copy the rest, -3 merge two, -4 split one."""
    if reverse:
        return tuple(reversed(infer_reshape(tuple(reversed(src)), _reverse_codes(target))))
    out, i, j, infer = [], 0, 0, -1
    while j < len(target):
        code = target[j]
        if code == 0:
            out.append(src[i])
            i += 1
        elif code == -1:
            if infer >= 0:
                raise MXNetError("reshape: only one dimension can be -1")
            infer = len(out)
            out.append(1)
            i += 1
        elif code == -2:
            out.extend(src[i:])
            i = len(src)
        elif code == -3:
            out.append(src[i] * src[i + 1])
            i += 2
        elif code == -4:
            a, b = target[j + 1], target[j + 2]
            if a == -1:
                a = src[i] // b
            if b == -1:
                b = src[i] // a
            if a * b != src[i]:
                raise MXNetError(f"reshape: cannot split dimension {src[i]} into {a} x {b}")
            out += [a, b]
            i += 1
            j += 2
        elif code > 0:
            out.append(code)
            i += 1
        else:
            raise MXNetError(f"reshape: invalid shape code {code}")
        j += 1
    if infer >= 0:
        known = int(np.prod(out)) if out else 1
        total = int(np.prod(src)) if src else 1
        if known == 0 or total % known:
            raise MXNetError(f"reshape: cannot infer -1 reshaping {src} to {target}")
        out[infer] = total // known
    return tuple(out)


def _reverse_codes(target: tuple) -> tuple:
    """Reverse a code list, keeping each -4 group's order of (-4, a, b) as MXNet does for reverse=True."""
    groups, j = [], 0
    while j < len(target):
        if target[j] == -4:
            groups.append((-4, target[j + 2], target[j + 1]))
            j += 3
        else:
            groups.append((target[j],))
            j += 1
    return tuple(c for grp in reversed(groups) for c in grp)


@defop(vjp=lambda n, g: F.reshape(g, shape=n.inputs[0].shape), aliases=("Reshape",))
def reshape(data, *, shape=(), reverse=False):
    """Reshapes the input array; ``shape`` may use MXNet's codes 0, -1, -2, -3, -4."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(d) for d in shape)
    new = infer_reshape(data.shape, shape, reverse)
    if int(np.prod(new)) != data.size:
        raise MXNetError(f"reshape: cannot reshape array of shape {data.shape} into {shape} "
                         f"(target size {int(np.prod(new))} != {data.size})")
    return data.reshape(new)


def _transpose_vjp(n, g):
    axes = n.attrs["axes"]
    if not axes:
        return F.transpose(g)
    return F.transpose(g, axes=tuple(np.argsort(axes)))


@defop(vjp=_transpose_vjp, fluent=True)
def transpose(data, *, axes=()):
    """Permutes the dimensions of an array (reverses them when ``axes`` is empty)."""
    axes = tuple(axes) if axes else None
    if axes is not None and sorted(a % data.ndim for a in axes) != list(range(data.ndim)):
        raise MXNetError(f"transpose: axes {axes} are not a permutation of {data.ndim} dimensions")
    return np.transpose(data, axes)


# the engine sums the gradient back down to the input's shape
@defop(vjp=lambda n, g: g, fluent=True)
def broadcast_to(data, *, shape=()):
    """Broadcasts the input to a new shape (0 in ``shape`` keeps that dimension)."""
    shape = tuple(int(d) for d in shape)
    if len(shape) != data.ndim:
        raise MXNetError(f"broadcast_to: target shape {shape} must have as many dimensions as {data.shape}")
    shape = tuple(s if t == 0 else t for s, t in zip(data.shape, shape, strict=False))
    for s, t in zip(data.shape, shape, strict=False):
        if s not in (t, 1):
            raise MXNetError(f"broadcast_to: cannot broadcast shape {data.shape} to {shape}")
    return np.broadcast_to(data, shape)
