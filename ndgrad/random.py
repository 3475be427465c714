"""``mx.random``: seeding and the sampling functions of ``nd.random``."""
from .ndarray.random import *  # noqa: F403 - the same functions, as in MXNet
from .ndarray.random import seed

__all__ = ["seed"]
