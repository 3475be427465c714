"""Linear algebra: dot (MXNet's N-D semantics)."""
from __future__ import annotations

import numpy as np

from ..base import MXNetError
from .registry import defop
from .registry import fn as F


def _as_matrix(shape: tuple, rows_first: bool) -> tuple[int, int]:
    """The 2-D view MXNet's dot takes of an N-D operand: (first, rest) or (all-but-last, last)."""
    if len(shape) <= 1:
        return (1, shape[0]) if not rows_first else (shape[0], 1) if shape else (1, 1)
    if rows_first:
        return shape[0], int(np.prod(shape[1:]))
    return int(np.prod(shape[:-1])), shape[-1]


def _dot_vjp(n, g):
    a, b = n.inputs
    ta, tb = n.attrs["transpose_a"], n.attrs["transpose_b"]
    am = F.reshape(a, shape=_as_matrix(a.shape, ta))
    bm = F.reshape(b, shape=_as_matrix(b.shape, not tb))
    g2 = F.reshape(g, shape=(-1, _dot_cols(b.shape, tb)))
    da = F.dot(g2, bm, transpose_b=not tb) if not ta else F.dot(bm, g2, transpose_a=tb, transpose_b=True)
    db = F.dot(am, g2, transpose_a=not ta) if not tb else F.dot(g2, am, transpose_a=True, transpose_b=ta)
    return F.reshape(da, shape=a.shape), F.reshape(db, shape=b.shape)


def _dot_cols(bshape: tuple, tb: bool) -> int:
    return _as_matrix(bshape, not tb)[0 if tb else 1]


@defop(vjp=_dot_vjp, fluent=True)
def dot(lhs, rhs, *, transpose_a=False, transpose_b=False, forward_stype=None):
    """Dot product of two arrays: the last axis of ``lhs`` with the first of ``rhs`` (after transposes)."""
    if lhs.dtype != rhs.dtype:
        raise MXNetError(f"dot: operands have different dtypes {lhs.dtype} and {rhs.dtype}")
    am = lhs.reshape(_as_matrix(lhs.shape, transpose_a))
    bm = rhs.reshape(_as_matrix(rhs.shape, not transpose_b))
    am, bm = (am.T if transpose_a else am), (bm.T if transpose_b else bm)
    if am.shape[1] != bm.shape[0]:
        raise MXNetError(f"dot: shapes {lhs.shape} and {rhs.shape} are not aligned "
                         f"(transpose_a={transpose_a}, transpose_b={transpose_b})")
    out_shape = (lhs.shape[1:] if transpose_a else lhs.shape[:-1]) + \
        (rhs.shape[:-1] if transpose_b else rhs.shape[1:])
    return np.matmul(am, bm).reshape(out_shape or (1,))
