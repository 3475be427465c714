import numpy as np

from ..spec import OpSpec

SPECS = [
    OpSpec("dot", [(3, 4), (4, 5)], np.dot),
    OpSpec("dot", [(4,), (4,)], lambda a, b: np.dot(a, b).reshape(1), id="vec"),
    OpSpec("dot", [(2, 3, 4), (4, 5)], lambda a, b: np.tensordot(a, b, 1), id="3d"),
    OpSpec("dot", [(4, 3), (4, 5)], lambda a, b: a.T @ b, attrs={"transpose_a": True}, id="ta"),
    OpSpec("dot", [(3, 4), (5, 4)], lambda a, b: a @ b.T, attrs={"transpose_b": True}, id="tb"),
    OpSpec("dot", [(4, 3), (5, 4)], lambda a, b: a.T @ b.T, attrs={"transpose_a": True, "transpose_b": True},
           id="ta-tb"),
    OpSpec("dot", [(2, 3, 4), (2, 5)], lambda a, b: (a.reshape(2, 12).T @ b).reshape(3, 4, 5),
           attrs={"transpose_a": True}, id="3d-ta"),
]
