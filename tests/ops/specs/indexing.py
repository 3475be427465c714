import numpy as np

from ..spec import OpSpec

SPECS = [
    OpSpec("_getitem", [(4,)], lambda x: x[1:2], call=lambda F, x: x[1], id="int-1d"),
    OpSpec("_getitem", [(3, 4)], lambda x: x[1], call=lambda F, x: x[1], id="int-2d"),
    OpSpec("_getitem", [(3, 4, 2)], lambda x: x[::2, 1:3], call=lambda F, x: x[::2, 1:3], id="slices"),
    OpSpec("_getitem", [(4, 3)], lambda x: x[[0, 2, 2]], call=lambda F, x: x[[0, 2, 2]], id="advanced-repeat"),
    OpSpec("_getitem_backward", [(2, 3), (4, 3)], lambda g, d: np.array([np.zeros(3), g[0], g[1], np.zeros(3)]),
           call=lambda F, g, d: F._getitem_backward(g, d, key=slice(1, 3)), wrt=(0,)),
]
