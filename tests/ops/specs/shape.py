import numpy as np

from ..spec import OpSpec

SPECS = [
    OpSpec("reshape", [(2, 3, 4)], lambda x: x.reshape(6, 4), attrs={"shape": (6, -1)}),
    OpSpec("reshape", [(2, 3, 4)], lambda x: x.reshape(2, 12), attrs={"shape": (0, -3)}, id="codes"),
    OpSpec("transpose", [(2, 3, 4)], lambda x: x.transpose()),
    OpSpec("transpose", [(2, 3, 4)], lambda x: x.transpose(1, 2, 0), attrs={"axes": (1, 2, 0)}, id="axes"),
    OpSpec("broadcast_to", [(3, 1)], lambda x: np.broadcast_to(x, (3, 4)), attrs={"shape": (3, 4)}),
]
