import numpy as np

from ..spec import OpSpec


def _away_from_zero(shape):
    def gen(rng):
        x = rng.uniform(0.2, 2.0, size=shape)
        return [x * rng.choice([-1.0, 1.0], size=shape)]
    return gen


SPECS = [
    OpSpec("negative", [(3, 4)], np.negative),
    OpSpec("abs", gen=_away_from_zero((3, 4)), ref=np.abs),
    OpSpec("sign", gen=_away_from_zero((3, 4)), ref=np.sign),
    OpSpec("square", [(3, 4)], np.square),
    OpSpec("sqrt", [(3, 4)], np.sqrt, domain=(0.5, 3.0)),
    OpSpec("exp", [(3, 4)], np.exp),
    OpSpec("log", [(3, 4)], np.log, domain=(0.5, 3.0)),
    OpSpec("sin", [(3, 4)], np.sin),
    OpSpec("cos", [(3, 4)], np.cos),
    OpSpec("tanh", [(3, 4)], np.tanh),
    OpSpec("sigmoid", [(3, 4)], lambda x: 1 / (1 + np.exp(-x))),
    OpSpec("relu", gen=_away_from_zero((3, 4)), ref=lambda x: np.maximum(x, 0)),
    OpSpec("floor", gen=lambda rng: [rng.uniform(-3, 3, (3, 4)).round(0) + 0.5], ref=np.floor),
]
