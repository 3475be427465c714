"""``Trainer``: applies an optimizer to a set of Parameters (``mxnet.gluon.Trainer``).

With Parameters on several contexts, the gradients are summed over the contexts before every update (as
MXNet's 'device'/'local' kvstore does), so every copy receives the same update.
"""
from __future__ import annotations

from typing import Any

from .. import optimizer as opt
from ..base import MXNetError
from .parameter import Parameter, ParameterDict

__all__ = ["Trainer"]


class Trainer:
    """Updates Parameters with an optimizer.

    Parameters
    ----------
    params : ParameterDict, dict or list of Parameter
        The Parameters to train (a dict is taken in sorted key order).
    optimizer : str or Optimizer
        Optimizer name ('sgd', 'adam'...) or instance.
    optimizer_params : dict
        Arguments of the optimizer (``learning_rate``, ``wd``...), when ``optimizer`` is a name.
    kvstore : str or None
        Accepted for compatibility; reduction over local contexts is done in-process.
    compression_params : dict
        Gradient compression; ignored with one context (as MXNet, which makes no kvstore then), not yet
        supported across several.
    update_on_kvstore : bool or None
        Accepted for compatibility; updates always run in the Trainer.
    """

    def __init__(self, params: Any, optimizer: Any, optimizer_params: dict | None = None, kvstore: Any = "device",
                 compression_params: dict | None = None, update_on_kvstore: bool | None = None):
        if isinstance(params, (dict, ParameterDict)):
            params = [params[key] for key in sorted(params.keys())]
        if not isinstance(params, (list, tuple)):
            raise ValueError(f"First argument must be a list or dict of Parameters, got {type(params)}.")
        self._params: list[Parameter] = []
        self._param2idx: dict[str, int] = {}
        for i, param in enumerate(params):
            if not isinstance(param, Parameter):
                raise ValueError(f"First argument must be a list or dict of Parameters, got list of {type(param)}.")
            self._param2idx[param.name] = i
            self._params.append(param)
            param._set_trainer(self)
        if isinstance(kvstore, str) and "dist" in kvstore:
            raise NotImplementedError(f"Trainer(kvstore={kvstore!r}): distributed kvstores, not yet in ndgrad's "
                                      "Trainer")
        self._compression_params = compression_params
        self._kvstore_params = {"kvstore": kvstore, "update_on_kvstore": update_on_kvstore}
        self._kvstore = None
        self._update_on_kvstore = False
        self._contexts = self._check_contexts()
        if compression_params is not None and len(self._contexts) > 1:
            # with one context MXNet creates no kvstore, so compression is ignored there as here
            raise NotImplementedError("Trainer(compression_params=...) over several contexts: gradient "
                                      "compression, not yet in ndgrad")
        self._init_optimizer(optimizer, optimizer_params or {})
        self._scale = self._optimizer.rescale_grad

    def _check_contexts(self) -> list:
        contexts = None
        for param in self._params:
            ctx = param.list_ctx()
            if contexts is not None and contexts != ctx:
                raise MXNetError(f"All Parameters must be initialized on the same set of contexts, but Parameter "
                                 f"{param.name} is initialized on {ctx} while previous Parameters are initialized "
                                 f"on {contexts}.")
            contexts = ctx
        return contexts or []

    def _init_optimizer(self, optimizer: Any, optimizer_params: dict) -> None:
        param_dict = dict(enumerate(self._params))
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise MXNetError("optimizer_params must be None if optimizer is an instance of Optimizer instead "
                                 "of str")
            self._optimizer = optimizer
            self._optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        self._updaters = [opt.get_updater(self._optimizer) for _ in self._contexts]

    @property
    def optimizer(self) -> Any:
        """The optimizer instance."""
        return self._optimizer

    @property
    def learning_rate(self) -> float:
        """The optimizer's current learning rate."""
        return self._optimizer.learning_rate

    def set_learning_rate(self, lr: float) -> None:
        """Set the optimizer's learning rate."""
        self._optimizer.set_learning_rate(lr)

    def step(self, batch_size: int, ignore_stale_grad: bool = False) -> None:
        """One update with gradients rescaled by ``1 / batch_size``; call after ``backward``.

        Raises UserWarning when a Parameter's gradient was not written by a backward pass since the last
        step (unless ``ignore_stale_grad``, which skips such Parameters).
        """
        self._optimizer.rescale_grad = self._scale / batch_size
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self) -> None:
        """Sum the gradients over contexts (for ``update`` after gradient manipulation)."""
        self._allreduce_grads()

    def update(self, batch_size: int, ignore_stale_grad: bool = False) -> None:
        """The update half of ``step`` (after ``allreduce_grads``)."""
        self._optimizer.rescale_grad = self._scale / batch_size
        self._update(ignore_stale_grad)

    def _allreduce_grads(self) -> None:
        if len(self._contexts) < 2:
            return
        for param in self._params:
            if param.grad_req == "null":
                continue
            grads = param.list_grad()
            total = grads[0].copy()
            for g in grads[1:]:
                total = total + g.as_in_context(total.context)
            for g in grads:
                g._data[...] = total.as_in_context(g.context)._data

    def _update(self, ignore_stale_grad: bool = False) -> None:
        updates: list[list] = [[] for _ in self._updaters]
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            datas = param.list_data()
            if not ignore_stale_grad:
                for data in datas:
                    if not _fresh(data):
                        raise UserWarning(
                            f"Gradient of Parameter `{param.name}` on context {data.context} has not been updated "
                            "by backward since last `step`. This could mean a bug in your model that made it only "
                            "use a subset of the Parameters (Blocks) for this iteration. If you are intentionally "
                            "only using a subset, call step with ignore_stale_grad=True to suppress this warning "
                            "and skip updating of Parameters with stale gradient")
            for upd, arr, grad in zip(updates, datas, param.list_grad(), strict=False):
                if not ignore_stale_grad or _fresh(arr):
                    upd.append((i, grad, arr))
                    _set_fresh(arr, False)
        for updater, upd in zip(self._updaters, updates, strict=False):
            if upd:
                idx, grads, weights = zip(*upd, strict=True)
                updater(list(idx), list(grads), list(weights))

    def save_states(self, fname: str) -> None:
        """Save the optimizer's states (momentum...) to ``fname``."""
        with open(fname, "wb") as fout:
            fout.write(self._updaters[0].get_states(dump_optimizer=True))

    def load_states(self, fname: str) -> None:
        """Load optimizer states saved by ``save_states``."""
        with open(fname, "rb") as f:
            states = f.read()
        for updater in self._updaters:
            updater.set_states(states)
            updater.optimizer = self._updaters[0].optimizer
        self._optimizer = self._updaters[0].optimizer
        self._optimizer.param_dict = dict(enumerate(self._params))


def _fresh(arr: Any) -> bool:
    """Whether a backward pass wrote this leaf's gradient since the last update."""
    return bool(getattr(arr._node, "fresh", False))


def _set_fresh(arr: Any, value: bool) -> None:
    if arr._node is not None and hasattr(arr._node, "fresh"):
        arr._node.fresh = value
