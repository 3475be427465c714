import numpy as np

from ..spec import OpSpec


def _t(x):
    return np.swapaxes(x, -1, -2)


def _sym_call(name, **attrs):
    """Call the op on the symmetric part of the input (the ops read one triangle of a symmetric matrix)."""
    def call(F, x):
        return getattr(F, name)((x + F.transpose(x, axes=(0, 2, 1))) * 0.5, **attrs)
    return call


def _sym(x):
    return (x + _t(x)) / 2


def _well(shape, diag=3.0):
    """Small random entries plus ``diag`` on the diagonal: well conditioned, positive definite when symmetric."""
    return lambda rng: [rng.uniform(-0.5, 0.5, shape) + diag * np.eye(shape[-1])]


def _well_and(shape_a, shape_b):
    return lambda rng: [rng.uniform(-0.5, 0.5, shape_a) + 3 * np.eye(shape_a[-1]), rng.uniform(-1, 1, shape_b)]


def _tri(a, lower):
    return np.tril(a) if lower else np.triu(a)


def _syevd_ref(a):
    w, v = np.linalg.eigh(_sym(a))
    u = _t(v)
    pick = np.take_along_axis(u, np.argmax(np.abs(u), axis=-1)[..., None], axis=-1)
    return [u * np.where(pick < 0, -1, 1), w]


def _gelqf_ref(a):
    q, r = np.linalg.qr(_t(a))
    return [_t(q), _t(r)]


def _trian_ref(a, offset, lower):
    n = a.shape[-1]
    if offset < 0 or (offset == 0 and lower):
        r, c = np.tril_indices(n, offset)
    else:
        c, r = np.tril_indices(n, -offset)
    return a[..., r, c]


def _khatri_rao_ref(*ms):
    out = ms[0]
    for m in ms[1:]:
        out = np.einsum("ik,jk->ijk", out, m).reshape(-1, m.shape[1])
    return out


SPECS = [
    OpSpec("dot", [(3, 4), (4, 5)], np.dot),
    OpSpec("dot", [(4,), (4,)], lambda a, b: np.dot(a, b).reshape(1), id="vec"),
    OpSpec("dot", [(4,), (4, 2)], np.dot, id="vec-mat"),
    OpSpec("dot", [(3, 4), (4,)], np.dot, id="mat-vec"),
    OpSpec("dot", [(2, 3, 4), (4, 5)], lambda a, b: np.tensordot(a, b, 1), id="3d"),
    OpSpec("dot", [(2, 3, 4), (4, 2, 2)], lambda a, b: np.tensordot(a, b, 1), id="3d-3d"),
    OpSpec("dot", [(4, 3), (4, 5)], lambda a, b: a.T @ b, attrs={"transpose_a": True}, id="ta"),
    OpSpec("dot", [(3, 4), (5, 4)], lambda a, b: a @ b.T, attrs={"transpose_b": True}, id="tb"),
    OpSpec("dot", [(4, 3), (5, 4)], lambda a, b: a.T @ b.T, attrs={"transpose_a": True, "transpose_b": True},
           id="ta-tb"),
    OpSpec("dot", [(2, 3, 4), (2, 5)], lambda a, b: (a.reshape(2, 12).T @ b).reshape(3, 4, 5),
           attrs={"transpose_a": True}, id="3d-ta"),
    OpSpec("dot", [(2, 3, 4), (5, 2, 4)], lambda a, b: np.tensordot(a, b, ([2], [2])),
           attrs={"transpose_b": True}, id="3d-tb"),
    OpSpec("batch_dot", [(2, 3, 4), (2, 4, 5)], np.matmul),
    OpSpec("batch_dot", [(2, 4, 3), (2, 5, 4)], lambda a, b: _t(a) @ _t(b),
           attrs={"transpose_a": True, "transpose_b": True}, id="ta-tb"),
    OpSpec("khatri_rao", [(2, 3), (4, 3)], _khatri_rao_ref),
    OpSpec("khatri_rao", [(2, 2), (1, 2), (3, 2)], _khatri_rao_ref, id="three"),
    OpSpec("_linalg_gemm2", [(2, 3, 4), (2, 4, 5)], np.matmul),
    OpSpec("_linalg_gemm2", [(4, 3), (5, 4)], lambda a, b: 2.5 * a.T @ b.T,
           attrs={"transpose_a": True, "transpose_b": True, "alpha": 2.5}, id="ta-tb-alpha"),
    OpSpec("_linalg_gemm", [(2, 3, 4), (2, 5, 4), (2, 3, 5)], lambda a, b, c: 2 * a @ _t(b) + 0.5 * c,
           attrs={"transpose_b": True, "alpha": 2.0, "beta": 0.5}),
    OpSpec("_linalg_gemm", [(4, 3), (4, 2), (3, 2)], lambda a, b, c: a.T @ b + c, attrs={"transpose_a": True},
           id="ta"),
    OpSpec("_linalg_gemm2", [(3, 2, 4), (5, 2, 4)],
           lambda a, b: np.moveaxis(np.moveaxis(a, 0, -2) @ _t(np.moveaxis(b, 0, -2)), -2, 0),
           attrs={"axis": -3, "transpose_b": True}, id="axis-3"),
    OpSpec("_linalg_gemm", [(3, 2, 4), (4, 2, 5), (3, 2, 5)],
           lambda a, b, c: np.moveaxis(np.moveaxis(a, 0, -2) @ np.moveaxis(b, 0, -2), -2, 0) * 2 + c,
           attrs={"axis": 0, "alpha": 2.0}, id="axis0"),
    OpSpec("_linalg_syrk", [(2, 3, 4)], lambda a: 1.5 * a @ _t(a), attrs={"alpha": 1.5}),
    OpSpec("_linalg_syrk", [(3, 4)], lambda a: a.T @ a, attrs={"transpose": True}, id="transpose"),
    OpSpec("_linalg_trmm", [(2, 3, 3), (2, 3, 4)], lambda a, b: 2 * np.tril(a) @ b, attrs={"alpha": 2.0}),
    OpSpec("_linalg_trmm", [(2, 3, 3), (2, 4, 3)], lambda a, b: b @ _t(np.triu(a)),
           attrs={"rightside": True, "transpose": True, "lower": False}, id="right-t-upper"),
    OpSpec("_linalg_trmm", [(3, 3), (3, 2)], lambda a, b: np.tril(a).T @ b, attrs={"transpose": True}, id="t"),
    OpSpec("_linalg_trsm", gen=_well_and((2, 3, 3), (2, 3, 4)),
           ref=lambda a, b: 2 * np.linalg.solve(np.tril(a), b), attrs={"alpha": 2.0}),
    OpSpec("_linalg_trsm", gen=_well_and((2, 3, 3), (2, 4, 3)),
           ref=lambda a, b: b @ np.linalg.inv(_t(np.triu(a))),
           attrs={"rightside": True, "transpose": True, "lower": False}, id="right-t-upper"),
    OpSpec("_linalg_trsm", gen=_well_and((3, 3), (2, 3)), ref=lambda a, b: b @ np.linalg.inv(np.tril(a)),
           attrs={"rightside": True}, id="right"),
    OpSpec("_linalg_trsm", gen=_well_and((3, 3), (3, 2)), ref=lambda a, b: np.linalg.solve(np.triu(a).T, b),
           attrs={"transpose": True, "lower": False}, id="t-upper"),
    OpSpec("_linalg_potrf", gen=_well((2, 3, 3)), ref=lambda a: np.linalg.cholesky(_sym(a)),
           call=_sym_call("_linalg_potrf")),
    OpSpec("_linalg_potri", gen=_well((2, 3, 3), 2.0), ref=lambda a: np.linalg.inv(np.tril(a) @ _t(np.tril(a)))),
    OpSpec("_linalg_sumlogdiag", gen=_well((2, 3, 3)), ref=lambda a: np.log(np.diagonal(a, 0, 1, 2)).sum(-1)),
    OpSpec("_linalg_sumlogdiag", gen=_well((3, 3)), ref=lambda a: np.log(np.diag(a)).sum().reshape(1), id="2d"),
    OpSpec("_linalg_extractdiag", [(2, 4, 4)], lambda a: np.diagonal(a, 1, 1, 2), attrs={"offset": 1}),
    OpSpec("_linalg_extractdiag", [(3, 3)], lambda a: np.diag(a, -2), attrs={"offset": -2}, id="2d"),
    OpSpec("_linalg_makediag", [(2, 3)], lambda a: np.stack([np.diag(r, -1) for r in a]), attrs={"offset": -1}),
    OpSpec("_linalg_makediag", [(3,)], np.diag, id="1d"),
    OpSpec("_linalg_extracttrian", [(2, 4, 4)], lambda a: _trian_ref(a, 0, True)),
    OpSpec("_linalg_extracttrian", [(4, 4)], lambda a: _trian_ref(a, 0, False), attrs={"lower": False}, id="up"),
    OpSpec("_linalg_extracttrian", [(4, 4)], lambda a: _trian_ref(a, 1, True), attrs={"offset": 1}, id="off1"),
    OpSpec("_linalg_extracttrian", [(4, 4)], lambda a: _trian_ref(a, -2, False), attrs={"offset": -2,
                                                                                        "lower": False}, id="off-2"),
    OpSpec("_linalg_maketrian", [(2, 3)], lambda v: np.stack([[[0, r[0], r[1]], [0, 0, r[2]], [0, 0, 0]]
                                                              for r in v]), attrs={"offset": 1}, id="direct"),
    OpSpec("_linalg_maketrian", [(2, 6)], lambda v: v, call=lambda F, v: F._linalg_extracttrian(
        F._linalg_maketrian(v))),
    OpSpec("_linalg_maketrian", [(3,)], lambda v: v, call=lambda F, v: F._linalg_extracttrian(
        F._linalg_maketrian(v, offset=1, lower=False), offset=1), id="off1"),
    OpSpec("_linalg_maketrian", [(6,)], lambda v: v, call=lambda F, v: F._linalg_extracttrian(
        F._linalg_maketrian(v, lower=False), lower=False), id="up"),
    OpSpec("_linalg_inverse", gen=_well((2, 3, 3)), ref=np.linalg.inv),
    OpSpec("_linalg_det", gen=_well((2, 3, 3), 1.0), ref=np.linalg.det),
    OpSpec("_linalg_det", gen=_well((3, 3), 1.0), ref=lambda a: np.linalg.det(a).reshape(1), id="2d"),
    OpSpec("_linalg_slogdet", gen=lambda rng: [rng.uniform(-1, 1, (2, 3, 3)) + np.diag([1.5, -2, 2])],
           ref=lambda a: list(np.linalg.slogdet(a))),
    OpSpec("_linalg_gelqf", [(2, 3, 5)], _gelqf_ref),
    OpSpec("_linalg_gelqf", [(3, 3)], _gelqf_ref, id="square"),
    OpSpec("_linalg_syevd", gen=lambda rng: [rng.uniform(-1, 1, (2, 3, 3)) + np.diag([-2.0, 0.0, 2.0])],
           ref=_syevd_ref, call=_sym_call("_linalg_syevd")),
]
