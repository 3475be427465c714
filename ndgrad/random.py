"""``mx.random``: seeding and the sampling functions of ``nd.random`` (``ndgrad.ndarray.random``)."""
from .ndarray.random import *  # noqa: F403 - the same functions, as in MXNet
from .ndarray.random import __all__  # noqa: F401
