"""Op families. ``registry`` is the machinery; every other module here is a family of ops, and
``register_all()`` (called once by ``ndgrad.ndarray``) imports them all, which registers their ops."""
import importlib
import pkgutil


def register_all() -> None:
    """Import every family module of this package (each registers its ops on import)."""
    for info in pkgutil.iter_modules(__path__):
        if info.name != "registry":
            importlib.import_module(f"{__name__}.{info.name}")
