"""Linear algebra: dot and batch_dot (MXNet's N-D semantics), khatri_rao, and the ``linalg_*`` family.

The ``linalg`` ops work on the last two axes and batch over the leading ones (NumPy's batched linalg).
Their gradient rules are written with these same ops (gemm2, trsm, inverse, ...), so gradients of any
order work. Gradients follow the formulas of Seeger et al., "Auto-differentiating linear algebra" (as
MXNet's own backward kernels); for the symmetric-input ops (potrf, syevd) the gradient is symmetric.
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import on_device_of
from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from .registry import defop
from .registry import fn as F


def _as_matrix(shape: tuple, rows_first: bool) -> tuple[int, int]:
    """The 2-D view MXNet's dot takes of an N-D operand: (first, rest) or (all-but-last, last)."""
    if len(shape) <= 1:
        return (1, shape[0]) if not rows_first else (shape[0], 1) if shape else (1, 1)
    if rows_first:
        return shape[0], math.prod(shape[1:])
    return math.prod(shape[:-1]), shape[-1]


def _dot_vjp(n, g):
    a, b = n.inputs
    ta, tb = n.attrs["transpose_a"], n.attrs["transpose_b"]
    am = F.reshape(a, shape=_as_matrix(a.shape, ta))
    bm = F.reshape(b, shape=_as_matrix(b.shape, not tb))
    g2 = F.reshape(g, shape=(-1, _dot_cols(b.shape, tb)))
    da = db = None
    if n.needs_grad(0):
        da = F.dot(g2, bm, transpose_b=not tb) if not ta else F.dot(bm, g2, transpose_a=tb, transpose_b=True)
        da = F.reshape(da, shape=a.shape)
    if n.needs_grad(1):
        db = F.dot(am, g2, transpose_a=not ta) if not tb else F.dot(g2, am, transpose_a=True, transpose_b=ta)
        db = F.reshape(db, shape=b.shape)
    return da, db


def _dot_cols(bshape: tuple, tb: bool) -> int:
    return _as_matrix(bshape, not tb)[0 if tb else 1]


@defop(vjp=_dot_vjp)
def dot(lhs, rhs, *, transpose_a=False, transpose_b=False, forward_stype=None):
    """Dot product of two arrays: the last axis of ``lhs`` with the first of ``rhs`` (after transposes)."""
    if lhs.ndim == 2 and rhs.ndim == 2 and lhs.dtype == rhs.dtype:  # matrices: no reshaping to work out
        am, bm = (lhs.T if transpose_a else lhs), (rhs.T if transpose_b else rhs)
        if am.shape[1] == bm.shape[0]:
            return np.matmul(am, bm)
    if lhs.dtype != rhs.dtype:
        raise MXNetError(f"dot: operands have different dtypes {lhs.dtype} and {rhs.dtype}")
    if lhs.ndim == 1 and rhs.ndim == 1 and (transpose_a or transpose_b):
        raise MXNetError(f"dot: cannot transpose vectors (shapes {lhs.shape} and {rhs.shape})")
    am = lhs.reshape(_as_matrix(lhs.shape, transpose_a))
    bm = rhs.reshape(_as_matrix(rhs.shape, not transpose_b))
    am, bm = (am.T if transpose_a else am), (bm.T if transpose_b else bm)
    if am.shape[1] != bm.shape[0]:
        raise MXNetError(f"dot: shapes {lhs.shape} and {rhs.shape} are not aligned "
                         f"(transpose_a={transpose_a}, transpose_b={transpose_b})")
    out_shape = (lhs.shape[1:] if transpose_a else lhs.shape[:-1]) + \
        (rhs.shape[:-1] if transpose_b else rhs.shape[1:])
    res = np.matmul(am, bm)
    out_shape = out_shape or (1,)
    return res if res.shape == out_shape else res.reshape(out_shape)  # no needless view: the result stays private


# ----------------------------------------------------------------------------- helpers
def _t(x):
    """Swap the last two axes of a raw array."""
    return np.swapaxes(x, -1, -2)


def _T(x):
    """Swap the last two axes of an NDArray (recorded)."""
    nd_ = x.ndim
    return F.transpose(x, axes=(*range(nd_ - 2), nd_ - 1, nd_ - 2))


def _const(raw, like):
    """A constant NDArray (not in the graph) in ``like``'s dtype and context."""
    return NDArray(on_device_of(np.asarray(raw, dtype=like._data.dtype), like._data), like.context)


def _mm(a, b, ta=False, tb=False, alpha=1.0, axis=-2):
    return F._linalg_gemm2(a, b, transpose_a=ta, transpose_b=tb, alpha=alpha, axis=axis)


def _square(name, *arrays):
    for a in arrays:
        if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
            raise MXNetError(f"{name}: input must be a (batch of) square matrices, got shape {a.shape}")


def _matrices(name, *arrays):
    for a in arrays:
        if a.ndim < 2:
            raise MXNetError(f"{name}: inputs must have at least 2 dimensions, got shape {a.shape}")
    if len(arrays) > 1 and len({a.shape[:-2] for a in arrays}) != 1:
        raise MXNetError(f"{name}: batch dimensions differ: " + ", ".join(str(a.shape) for a in arrays))


def _rows_axis(name, axis, *arrays):
    """Normalise ``axis`` (the matrix-row axis; the last axis holds the columns) for same-rank inputs."""
    ndim = arrays[0].ndim
    if any(a.ndim != ndim for a in arrays) or ndim < 2 or not -ndim <= axis < ndim - 1:
        raise MXNetError(f"{name}: axis {axis} must name a row axis before the last one of inputs with the same "
                         "number of dimensions, got " + ", ".join(str(a.shape) for a in arrays))
    return axis % ndim


def _to_rows(x, axis):
    return x if axis == x.ndim - 2 else np.moveaxis(x, axis, -2)


def _from_rows(x, axis):
    return x if axis == x.ndim - 2 else np.moveaxis(x, -2, axis)


def _op(x, transpose):
    return _t(x) if transpose else x


def _batch_scalar(res):
    """Per-matrix results: shape (1,) for a single matrix, as MXNet."""
    res = res if hasattr(res, "ndim") else np.asarray(res)
    return res.reshape(1) if res.ndim == 0 else res


def _tri_mask(n, lower, dtype=np.float64):
    return np.tril(np.ones((n, n), dtype)) if lower else np.triu(np.ones((n, n), dtype))


def _tri(x, lower):
    """The lower (or upper) triangle of an NDArray of matrices (recorded)."""
    return x * _const(_tri_mask(x.shape[-1], lower), x)


# ----------------------------------------------------------------------------- products
def _gemm2_forward(name, a, b, transpose_a, transpose_b, alpha):
    _matrices(name, a, b)
    oa, ob = _op(a, transpose_a), _op(b, transpose_b)
    if oa.shape[-1] != ob.shape[-2]:
        raise MXNetError(f"{name}: incompatible matrix dimensions for multiplication: A {a.shape} "
                         f"(transpose_a={transpose_a}), B {b.shape} (transpose_b={transpose_b})")
    if a.dtype != b.dtype:
        raise MXNetError(f"{name}: operands have different dtypes {a.dtype} and {b.dtype}")
    return (np.matmul(oa, ob) * alpha).astype(a.dtype, copy=False)


def _gemm2_grads(n, g, mm):
    a, b = n.inputs[0], n.inputs[1]
    ta, tb, alpha = n.attrs["transpose_a"], n.attrs["transpose_b"], n.attrs.get("alpha", 1.0)
    ax = n.attrs.get("axis", -2)
    da = mm(g, b, False, not tb, alpha, ax) if not ta else mm(b, g, tb, True, alpha, ax)
    db = mm(a, g, not ta, False, alpha, ax) if not tb else mm(g, a, True, ta, alpha, ax)
    return da, db


@defop(vjp=lambda n, g: _gemm2_grads(n, g, _mm), aliases=("linalg_gemm2",))
def _linalg_gemm2(A, B, *, transpose_a=False, transpose_b=False, alpha=1.0, axis=-2):
    """Performs general matrix multiplication: ``alpha * op(A) @ op(B)``; matrices span ``axis`` (rows) and the
    last axis, the other axes are batch axes."""
    ax = _rows_axis("gemm2", axis, A, B)
    res = _gemm2_forward("gemm2", _to_rows(A, ax), _to_rows(B, ax), transpose_a, transpose_b, alpha)
    return _from_rows(res, ax)


def _gemm_vjp(n, g):
    da, db = _gemm2_grads(n, g, _mm)
    return da, db, g * n.attrs["beta"]


@defop(vjp=_gemm_vjp, aliases=("linalg_gemm",))
def _linalg_gemm(A, B, C, *, transpose_a=False, transpose_b=False, alpha=1.0, beta=1.0, axis=-2):
    """Performs general matrix multiplication and accumulation: ``alpha * op(A) @ op(B) + beta * C``."""
    ax = _rows_axis("gemm", axis, A, B, C)
    ab = _from_rows(_gemm2_forward("gemm", _to_rows(A, ax), _to_rows(B, ax), transpose_a, transpose_b, alpha), ax)
    if C.shape != ab.shape:
        raise MXNetError(f"gemm: C has shape {C.shape}, expected {ab.shape} (A {A.shape}, B {B.shape})")
    return (ab + beta * C).astype(A.dtype, copy=False)


def _bdot(a, b, ta, tb, alpha, axis):
    return F.batch_dot(a, b, transpose_a=ta, transpose_b=tb)


@defop(vjp=lambda n, g: _gemm2_grads(n, g, _bdot))
def batch_dot(lhs, rhs, *, transpose_a=False, transpose_b=False, forward_stype=None):
    """Batchwise dot product: ``out[i] = op(lhs[i]) @ op(rhs[i])`` for 3-D (or higher) inputs."""
    if lhs.ndim < 3 or rhs.ndim < 3:
        raise MXNetError(f"batch_dot: inputs must have at least 3 dimensions, got {lhs.shape} and {rhs.shape}")
    return _gemm2_forward("batch_dot", lhs, rhs, transpose_a, transpose_b, 1.0)


def _khatri_rao_vjp(n, g):
    mats = n.inputs
    rows = [m.shape[0] for m in mats]
    k = mats[0].shape[1]
    gr = F.reshape(g, shape=(*rows, k))
    grads = []
    for i in range(len(mats)):
        prod = gr
        for j, m in enumerate(mats):
            if j != i:
                shape = [1] * len(mats) + [k]
                shape[j] = rows[j]
                prod = prod * F.reshape(m, shape=tuple(shape))
        others = tuple(j for j in range(len(mats)) if j != i)
        grads.append(F.sum(prod, axis=others) if others else prod)
    return tuple(grads)


@defop(vjp=_khatri_rao_vjp)
def khatri_rao(*args):
    """Column-wise Khatri-Rao product of matrices with the same number of columns."""
    if not args:
        raise MXNetError("khatri_rao: needs at least one matrix")
    if any(a.ndim != 2 for a in args) or len({a.shape[1] for a in args}) != 1:
        raise MXNetError("khatri_rao: inputs must be matrices with the same number of columns, got "
                         + ", ".join(str(a.shape) for a in args))
    out = args[0]
    for a in args[1:]:
        out = (out[:, None, :] * a[None, :, :]).reshape(-1, a.shape[1])
    return out.astype(args[0].dtype, copy=False)


def _syrk_vjp(n, g):
    a, alpha = n.inputs[0], n.attrs["alpha"]
    gs = g + _T(g)
    return _mm(a, gs, alpha=alpha) if n.attrs["transpose"] else _mm(gs, a, alpha=alpha)


@defop(vjp=_syrk_vjp, aliases=("linalg_syrk",))
def _linalg_syrk(A, *, transpose=False, alpha=1.0):
    """Multiplication of a matrix with its transpose: ``alpha * A @ A.T`` (``A.T @ A`` if transpose)."""
    _matrices("syrk", A)
    res = np.matmul(_t(A), A) if transpose else np.matmul(A, _t(A))
    return (alpha * res).astype(A.dtype, copy=False)


# ----------------------------------------------------------------------------- triangular
def _trmm_vjp(n, g):
    a, b = n.inputs
    tr, right, lower, alpha = (n.attrs[k] for k in ("transpose", "rightside", "lower", "alpha"))
    at = _tri(a, lower)
    if not right:
        db = _mm(at, g, not tr, False, alpha)
        dop = _mm(g, b, False, True, alpha)
    else:
        db = _mm(g, at, False, not tr, alpha)
        dop = _mm(b, g, True, False, alpha)
    return _tri(_T(dop) if tr else dop, lower), db


@defop(vjp=_trmm_vjp, aliases=("linalg_trmm",))
def _linalg_trmm(A, B, *, transpose=False, rightside=False, lower=True, alpha=1.0):
    """Multiplies by a triangular matrix: ``alpha * op(A) @ B`` (``B @ op(A)`` if rightside)."""
    _square("trmm", A)
    _matrices("trmm", A, B)
    at = _op(A * _tri_mask(A.shape[-1], lower, A.dtype), transpose)
    if (B.shape[-1] if rightside else B.shape[-2]) != A.shape[-1]:
        raise MXNetError(f"trmm: shapes A {A.shape} and B {B.shape} do not match (rightside={rightside})")
    res = np.matmul(B, at) if rightside else np.matmul(at, B)
    return (alpha * res).astype(A.dtype, copy=False)


def _trsm_vjp(n, g):
    a = n.inputs[0]
    x = n.output()
    tr, right, lower, alpha = (n.attrs[k] for k in ("transpose", "rightside", "lower", "alpha"))
    y = F._linalg_trsm(a, g, transpose=not tr, rightside=right, lower=lower, alpha=1.0)
    if not right:
        dop = -_mm(y, x, False, True)
    else:
        dop = -_mm(x, y, True, False)
    return _tri(_T(dop) if tr else dop, lower), y * alpha


@defop(vjp=_trsm_vjp, save_outputs=True, aliases=("linalg_trsm",))
def _linalg_trsm(A, B, *, transpose=False, rightside=False, lower=True, alpha=1.0):
    """Solves with a triangular matrix: ``alpha * op(A)^-1 @ B`` (``B @ op(A)^-1`` if rightside)."""
    _square("trsm", A)
    _matrices("trsm", A, B)
    if (B.shape[-1] if rightside else B.shape[-2]) != A.shape[-1]:
        raise MXNetError(f"trsm: shapes A {A.shape} and B {B.shape} do not match (rightside={rightside})")
    at = _op(A * _tri_mask(A.shape[-1], lower, A.dtype), transpose)
    if rightside:
        res = _t(np.linalg.solve(_t(at), _t(B)))
    else:
        res = np.linalg.solve(at, B)
    return (alpha * res).astype(A.dtype, copy=False)


def _phi(x):
    """Lower triangle with the diagonal halved."""
    n = x.shape[-1]
    return x * _const(np.tril(np.ones((n, n))) - 0.5 * np.eye(n), x)


def _potrf_vjp(n, g):
    lo = n.output()
    m = _phi(_mm(lo, g, True, False))
    y = F._linalg_trsm(lo, m, transpose=True)
    s = F._linalg_trsm(lo, y, rightside=True)
    return (s + _T(s)) * 0.5


@defop(vjp=_potrf_vjp, save_outputs=True, aliases=("linalg_potrf",))
def _linalg_potrf(A):
    """Cholesky factorization of symmetric positive-definite matrices: the lower factor L, A = L @ L.T."""
    _square("potrf", A)
    try:
        return np.linalg.cholesky(A).astype(A.dtype, copy=False)
    except np.linalg.LinAlgError:
        raise MXNetError(f"potrf: Cholesky factorization failed for input of shape {A.shape}: the matrix is "
                         "either not symmetric or not positive definite") from None


def _potri_vjp(n, g):
    out = n.output()
    s = _mm(_mm(out, g), out)
    return -_tri(_mm(s + _T(s), _tri(n.inputs[0], True)), True)


@defop(vjp=_potri_vjp, save_outputs=True, aliases=("linalg_potri",))
def _linalg_potri(A):
    """Inverse of ``L @ L.T`` from the lower Cholesky factor ``L`` (the output of potrf)."""
    _square("potri", A)
    inv = np.linalg.inv(np.tril(A))
    return np.matmul(_t(inv), inv).astype(A.dtype, copy=False)


# ----------------------------------------------------------------------------- diagonals and triangles
def _diag_idx(n, offset):
    k = n - abs(offset)
    if k <= 0:
        raise MXNetError(f"extractdiag: offset {offset} is out of range for {n}x{n} matrices")
    i = np.arange(k)
    return i + max(-offset, 0), i + max(offset, 0)


def _extractdiag_vjp(n, g):
    a = n.inputs[0]
    r, c = _diag_idx(a.shape[-1], n.attrs["offset"])
    return F._getitem_backward(g, a, key=(Ellipsis, r, c))


@defop(vjp=_extractdiag_vjp, aliases=("linalg_extractdiag",))
def _linalg_extractdiag(A, *, offset=0):
    """Extracts the diagonal (or the ``offset``-th one) of square matrices."""
    _square("extractdiag", A)
    r, c = _diag_idx(A.shape[-1], offset)
    return A[..., r, c]


def _makediag_vjp(n, g):
    a = n.inputs[0]
    r, c = _diag_idx(a.shape[-1] + abs(n.attrs["offset"]), n.attrs["offset"])
    return F.reshape(F._getitem(g, key=(Ellipsis, r, c)), shape=a.shape)


@defop(vjp=_makediag_vjp, aliases=("linalg_makediag",))
def _linalg_makediag(A, *, offset=0):
    """Builds square matrices with the last axis of ``A`` on the (``offset``-th) diagonal."""
    if A.ndim < 1:
        raise MXNetError(f"makediag: input must have at least 1 dimension, got shape {A.shape}")
    n = A.shape[-1] + abs(offset)
    out = np.zeros_like(A, shape=(*A.shape[:-1], n, n))
    r, c = _diag_idx(n, offset)
    out[..., r, c] = A
    return out


def _trian_idx(name, n, offset, lower):
    """(rows, cols) of a triangle in MXNet's packing order: lower row by row, upper column by column."""
    if abs(offset) >= n:
        raise MXNetError(f"{name}: offset {offset} is out of range for {n}x{n} matrices")
    if offset < 0 or (offset == 0 and lower):
        return np.tril_indices(n, offset)
    c, r = np.tril_indices(n, -offset)
    return r, c


def _extracttrian_vjp(n, g):
    a = n.inputs[0]
    r, c = _trian_idx("extracttrian", a.shape[-1], n.attrs["offset"], n.attrs["lower"])
    return F._getitem_backward(g, a, key=(Ellipsis, r, c))


@defop(vjp=_extracttrian_vjp, aliases=("linalg_extracttrian",))
def _linalg_extracttrian(A, *, offset=0, lower=True):
    """Packs a triangle of square matrices into a vector (lower: row-wise; upper: column-wise)."""
    _square("extracttrian", A)
    r, c = _trian_idx("extracttrian", A.shape[-1], offset, lower)
    return A[..., r, c]


def _maketrian_size(k, offset):
    m = round((np.sqrt(8 * k + 1) - 1) / 2)
    if m * (m + 1) // 2 != k:
        raise MXNetError(f"maketrian: the last axis has {k} elements, not a triangular number")
    return m + abs(offset)


def _maketrian_vjp(n, g):
    a, off = n.inputs[0], n.attrs["offset"]
    r, c = _trian_idx("maketrian", _maketrian_size(a.shape[-1], off), off, n.attrs["lower"])
    return F.reshape(F._getitem(g, key=(Ellipsis, r, c)), shape=a.shape)


@defop(vjp=_maketrian_vjp, aliases=("linalg_maketrian",))
def _linalg_maketrian(A, *, offset=0, lower=True):
    """Unpacks vectors (as made by extracttrian) into triangular square matrices."""
    if A.ndim < 1:
        raise MXNetError(f"maketrian: input must have at least 1 dimension, got shape {A.shape}")
    n = _maketrian_size(A.shape[-1], offset)
    out = np.zeros_like(A, shape=(*A.shape[:-1], n, n))
    r, c = _trian_idx("maketrian", n, offset, lower)
    out[..., r, c] = A
    return out


def _sumlogdiag_vjp(n, g):
    a = n.inputs[0]
    gb = F.reshape(g, shape=(*a.shape[:-2], 1) if a.ndim > 2 else (1,))
    return F._linalg_makediag(gb / F._linalg_extractdiag(a))


@defop(vjp=_sumlogdiag_vjp, aliases=("linalg_sumlogdiag",))
def _linalg_sumlogdiag(A):
    """Sum of the logarithms of the diagonal elements of square matrices."""
    _square("sumlogdiag", A)
    return _batch_scalar(np.sum(np.log(np.diagonal(A, axis1=-2, axis2=-1)), axis=-1).astype(A.dtype))


# ----------------------------------------------------------------------------- inverse, determinants
def _inverse_vjp(n, g):
    out = n.output()
    return -_mm(_mm(out, g, True, False), out, False, True)


@defop(vjp=_inverse_vjp, save_outputs=True, aliases=("linalg_inverse",))
def _linalg_inverse(A):
    """Inverse of square matrices."""
    _square("inverse", A)
    try:
        return np.linalg.inv(A).astype(A.dtype, copy=False)
    except np.linalg.LinAlgError:
        raise MXNetError(f"inverse: matrix of shape {A.shape} is singular") from None


def _per_matrix(g, a):
    """A per-matrix gradient (batch shape, or (1,)) shaped to broadcast over the matrices."""
    return F.reshape(g, shape=(*a.shape[:-2], 1, 1))


def _det_vjp(n, g):
    a = n.inputs[0]
    return _per_matrix(g * n.output(), a) * _T(F._linalg_inverse(a))


@defop(vjp=_det_vjp, save_outputs=True, aliases=("linalg_det",))
def _linalg_det(A):
    """Determinant of square matrices."""
    _square("det", A)
    return _batch_scalar(np.linalg.det(A).astype(A.dtype))


def _slogdet_vjp(n, gsign, glog):
    if glog is None:
        return None
    a = n.inputs[0]
    return _per_matrix(glog, a) * _T(F._linalg_inverse(a))


@defop(vjp=_slogdet_vjp, num_outputs=2, aliases=("linalg_slogdet",))
def _linalg_slogdet(A):
    """Sign and natural log of the absolute value of the determinant of square matrices."""
    _square("slogdet", A)
    sign, logdet = np.linalg.slogdet(A)
    return _batch_scalar(sign.astype(A.dtype)), _batch_scalar(logdet.astype(A.dtype))


# ----------------------------------------------------------------------------- factorizations
def _copyltu(m):
    """Symmetric matrix with the lower triangle of ``m``."""
    n = m.shape[-1]
    low = np.tril(np.ones((n, n)), -1)
    return m * _const(np.tril(np.ones((n, n))), m) + _T(m * _const(low, m))


def _gelqf_vjp(n, gq, gl):
    q, lo = n.output(0), n.output(1)
    gq = F.zeros_like(q) if gq is None else gq
    gl = F.zeros_like(lo) if gl is None else gl
    m = _mm(lo, gl, True, False) - _mm(gq, q, False, True)
    return F._linalg_trsm(lo, gq + _mm(_copyltu(m), q), transpose=True)


@defop(vjp=_gelqf_vjp, num_outputs=2, save_outputs=True, aliases=("linalg_gelqf",))
def _linalg_gelqf(A):
    """LQ factorization ``A = L @ Q`` of matrices with rows <= columns: returns Q (orthonormal rows) and L."""
    _matrices("gelqf", A)
    if A.shape[-2] > A.shape[-1]:
        raise MXNetError(f"gelqf: input of shape {A.shape} must have rows <= columns")
    q, r = np.linalg.qr(_t(A))
    return _t(q).astype(A.dtype, copy=False), _t(r).astype(A.dtype, copy=False)


def _syevd_vjp(n, gu, glam):
    u, lam = n.output(0), n.output(1)
    k = lam.shape[-1]
    eye = np.eye(k)
    inner = None
    if gu is not None:
        batch = lam.shape[:-1]
        diff = F.reshape(lam, shape=(*batch, 1, k)) - F.reshape(lam, shape=(*batch, k, 1))
        fmat = _const(1 - eye, lam) / (diff + _const(eye, lam))
        inner = fmat * _mm(u, gu, False, True)
    if glam is not None:
        d = F._linalg_makediag(glam)
        inner = d if inner is None else inner + d
    if inner is None:
        return None
    s = _mm(_mm(u, inner, True, False), u)
    return (s + _T(s)) * 0.5


@defop(vjp=_syevd_vjp, num_outputs=2, save_outputs=True, aliases=("linalg_syevd",))
def _linalg_syevd(A):
    """Eigendecomposition of symmetric matrices: ``A = U.T @ diag(L) @ U``, eigenvalues ascending, each
    eigenvector (row of U) signed so that its largest-magnitude entry is positive."""
    _square("syevd", A)
    w, v = np.linalg.eigh(A)
    u = _t(v)
    pick = np.take_along_axis(u, np.argmax(np.abs(u), axis=-1)[..., None], axis=-1)
    u = u * np.where(pick < 0, -1, 1)
    return u.astype(A.dtype, copy=False), w.astype(A.dtype, copy=False)
