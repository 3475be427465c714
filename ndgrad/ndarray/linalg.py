"""``nd.linalg``: the linear-algebra ops under their short names (``nd.linalg.gemm2`` is ``nd.linalg_gemm2``)."""
from ..ops.registry import fn as _fn

gemm = _fn._linalg_gemm
gemm2 = _fn._linalg_gemm2
potrf = _fn._linalg_potrf
potri = _fn._linalg_potri
trmm = _fn._linalg_trmm
trsm = _fn._linalg_trsm
syrk = _fn._linalg_syrk
sumlogdiag = _fn._linalg_sumlogdiag
inverse = _fn._linalg_inverse
det = _fn._linalg_det
slogdet = _fn._linalg_slogdet
extractdiag = _fn._linalg_extractdiag
makediag = _fn._linalg_makediag
extracttrian = _fn._linalg_extracttrian
maketrian = _fn._linalg_maketrian
gelqf = _fn._linalg_gelqf
syevd = _fn._linalg_syevd

__all__ = ["gemm", "gemm2", "potrf", "potri", "trmm", "trsm", "syrk", "sumlogdiag", "inverse", "det", "slogdet",
           "extractdiag", "makediag", "extracttrian", "maketrian", "gelqf", "syevd"]
