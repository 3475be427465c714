"""``nd.linalg``: the linear-algebra ops under their short names (``nd.linalg.gemm2`` is ``nd.linalg_gemm2``)."""
import types

from ..ops.registry import fn as _fn


def _short(function, name):
    """The op function under its short name (same code, defaults and docstring; ``__name__`` as MXNet's)."""
    short = types.FunctionType(function.__code__, function.__globals__, name, function.__defaults__,
                               function.__closure__)
    short.__doc__, short.__qualname__, short.__module__ = function.__doc__, name, __name__
    return short



gemm = _short(_fn._linalg_gemm, "gemm")
gemm2 = _short(_fn._linalg_gemm2, "gemm2")
potrf = _short(_fn._linalg_potrf, "potrf")
potri = _short(_fn._linalg_potri, "potri")
trmm = _short(_fn._linalg_trmm, "trmm")
trsm = _short(_fn._linalg_trsm, "trsm")
syrk = _short(_fn._linalg_syrk, "syrk")
sumlogdiag = _short(_fn._linalg_sumlogdiag, "sumlogdiag")
inverse = _short(_fn._linalg_inverse, "inverse")
det = _short(_fn._linalg_det, "det")
slogdet = _short(_fn._linalg_slogdet, "slogdet")
extractdiag = _short(_fn._linalg_extractdiag, "extractdiag")
makediag = _short(_fn._linalg_makediag, "makediag")
extracttrian = _short(_fn._linalg_extracttrian, "extracttrian")
maketrian = _short(_fn._linalg_maketrian, "maketrian")
gelqf = _short(_fn._linalg_gelqf, "gelqf")
syevd = _short(_fn._linalg_syevd, "syevd")

__all__ = ["gemm", "gemm2", "potrf", "potri", "trmm", "trsm", "syrk", "sumlogdiag", "inverse", "det", "slogdet",
           "extractdiag", "makediag", "extracttrian", "maketrian", "gelqf", "syevd"]
