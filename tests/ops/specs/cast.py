import numpy as np

from ..spec import OpSpec

SPECS = [
    OpSpec("cast", [(3, 4)], lambda x: x, attrs={"dtype": "float64"}),
    OpSpec("amp_cast", [(3, 4)], lambda x: x, attrs={"dtype": "float64"}),
    OpSpec("copy", [(3, 4)], lambda x: x.copy()),
    OpSpec("zeros_like", [(3, 4)], np.zeros_like),
    OpSpec("ones_like", [(3, 4)], np.ones_like),
    OpSpec("stop_gradient", [(3, 4)], lambda x: x, grad=False),
]
