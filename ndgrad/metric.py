"""Evaluation metrics (``mx.metric``): accumulate over batches with ``update``, read with ``get``.

Each metric keeps a local (``num_inst``/``sum_metric``, cleared by ``reset_local``) and a global
(``global_*``, cleared only by ``reset``) running total, as MXNet 1.9.1.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

import numpy

from .base import ClassRegistry, numeric_types
from .ndarray import NDArray

__all__ = ["EvalMetric", "CompositeEvalMetric", "Accuracy", "TopKAccuracy", "F1", "MCC", "Perplexity", "MAE",
           "MSE", "RMSE", "CrossEntropy", "NegativeLogLikelihood", "PearsonCorrelation", "PCC", "Loss", "Torch",
           "Caffe", "CustomMetric", "np", "create", "register", "alias", "check_label_shapes"]

_classes = ClassRegistry("metric")


def _host(x: Any) -> numpy.ndarray:
    return x.asnumpy() if isinstance(x, NDArray) else numpy.asarray(x)


def check_label_shapes(labels: Any, preds: Any, wrap: bool = False, shape: bool = False):
    """Check that labels and predictions agree in number (or shape, with ``shape=True``); with ``wrap``,
    single arrays are wrapped in lists."""
    if not shape:
        label_shape, pred_shape = len(labels), len(preds)
    else:
        label_shape, pred_shape = labels.shape, preds.shape
    if label_shape != pred_shape:
        raise ValueError(f"Shape of labels {label_shape} does not match shape of predictions {pred_shape}")
    if wrap:
        if isinstance(labels, (NDArray, numpy.ndarray)):
            labels = [labels]
        if isinstance(preds, (NDArray, numpy.ndarray)):
            preds = [preds]
    return labels, preds


class EvalMetric:
    """Base class of evaluation metrics.

    Parameters
    ----------
    name : str
        Name of the metric.
    output_names, label_names : list of str, optional
        Which outputs/labels ``update_dict`` uses.
    """

    def __init__(self, name: str, output_names: list | None = None, label_names: list | None = None,
                 **kwargs: Any):
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop("has_global_stats", False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self) -> str:
        return f"EvalMetric: {dict(self.get_name_value())}"

    def get_config(self) -> dict:
        """The arguments that recreate this metric through ``create``."""
        config = self._kwargs.copy()
        config.update({"metric": self.__class__.__name__, "name": self.name, "output_names": self.output_names,
                       "label_names": self.label_names})
        return config

    def update_dict(self, label: dict, pred: dict) -> None:
        """Update from dicts of named labels and outputs."""
        pred = [pred[n] for n in self.output_names] if self.output_names is not None else list(pred.values())
        label = [label[n] for n in self.label_names] if self.label_names is not None else list(label.values())
        self.update(label, pred)

    def update(self, labels: Any, preds: Any) -> None:
        """Accumulate a batch of labels and predictions (lists of NDArrays, or single NDArrays)."""
        raise NotImplementedError()

    def reset(self) -> None:
        """Clear the local and the global statistics."""
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self) -> None:
        """Clear the local statistics only."""
        self.num_inst = 0
        self.sum_metric = 0.0

    def get(self) -> tuple:
        """``(name, value)`` of the local statistics (NaN before any update)."""
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, float(self.sum_metric / self.num_inst))

    def get_global(self) -> tuple:
        """``(name, value)`` of the global statistics."""
        if self._has_global_stats:
            if self.global_num_inst == 0:
                return (self.name, float("nan"))
            return (self.name, float(self.global_sum_metric / self.global_num_inst))
        return self.get()

    def get_name_value(self) -> list:
        """``[(name, value), ...]`` of the local statistics."""
        name, value = self.get()
        if not isinstance(name, list):
            name = [name]
        if not isinstance(value, list):
            value = [value]
        return list(zip(name, value, strict=False))

    def get_global_name_value(self) -> list:
        """``[(name, value), ...]`` of the global statistics."""
        if self._has_global_stats:
            name, value = self.get_global()
            if not isinstance(name, list):
                name = [name]
            if not isinstance(value, list):
                value = [value]
            return list(zip(name, value, strict=False))
        return self.get_name_value()

    def _add(self, value: Any, count: Any) -> None:
        self.sum_metric += value
        self.global_sum_metric += value
        self.num_inst += count
        self.global_num_inst += count


_classes.base = EvalMetric
register = _classes.register
alias = _classes.alias
_create = _classes.create


def create(metric: Any, *args: Any, **kwargs: Any) -> EvalMetric:
    """A metric from a name ('acc', 'ce'...), an instance, a function (-> CustomMetric) or a list of these
    (-> CompositeEvalMetric)."""
    if callable(metric) and not isinstance(metric, EvalMetric) and not isinstance(metric, type):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    return _create(metric, *args, **kwargs)


@register
@alias("composite")
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; ``get`` returns lists of names and values."""

    def __init__(self, metrics: list | None = None, name: str = "composite", output_names: list | None = None,
                 label_names: list | None = None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)
        self.metrics = [create(i) for i in (metrics or [])]

    def add(self, metric: Any) -> None:
        """Add a child metric."""
        self.metrics.append(create(metric))

    def get_metric(self, index: int) -> Any:
        """The child metric at ``index``."""
        try:
            return self.metrics[index]
        except IndexError:
            return ValueError(f"Metric index {index} is out of range 0 and {len(self.metrics)}")

    def update_dict(self, labels: dict, preds: dict) -> None:
        if self.label_names is not None:
            labels = OrderedDict([i for i in labels.items() if i[0] in self.label_names])
        if self.output_names is not None:
            preds = OrderedDict([i for i in preds.items() if i[0] in self.output_names])
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels, preds):
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self):
        for metric in getattr(self, "metrics", []):
            metric.reset()

    def reset_local(self):
        for metric in getattr(self, "metrics", []):
            metric.reset_local()

    def _collect(self, getter: str) -> tuple:
        names, values = [], []
        for metric in self.metrics:
            name, value = getattr(metric, getter)()
            if isinstance(name, str):
                name = [name]
            if isinstance(value, numeric_types):
                value = [value]
            names.extend(name)
            values.extend(value)
        return (names, values)

    def get(self):
        return self._collect("get")

    def get_global(self):
        return self._collect("get_global")

    def get_config(self):
        config = super().get_config()
        config.update({"metrics": [i.get_config() for i in self.metrics]})
        return config


@register
@alias("acc")
class Accuracy(EvalMetric):
    """Fraction of predictions equal to the label; predictions with an extra class axis are argmax-ed
    along ``axis``."""

    def __init__(self, axis: int = 1, name: str = "accuracy", output_names: list | None = None,
                 label_names: list | None = None):
        super().__init__(name, axis=axis, output_names=output_names, label_names=label_names, has_global_stats=True)
        self.axis = axis

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds, strict=False):
            p, lab = _host(pred), _host(label)
            if p.shape != lab.shape:
                p = numpy.argmax(p, axis=self.axis)
            p = p.astype("int32").ravel()
            lab = lab.astype("int32").ravel()
            check_label_shapes(lab, p)
            self._add((p == lab).sum(), len(p))


@register
@alias("top_k_accuracy", "top_k_acc")
class TopKAccuracy(EvalMetric):
    """Fraction of samples whose label is among the ``top_k`` highest-scored classes."""

    def __init__(self, top_k: int = 1, name: str = "top_k_accuracy", output_names: list | None = None,
                 label_names: list | None = None):
        super().__init__(name, top_k=top_k, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.top_k = top_k
        if self.top_k <= 1:
            raise AssertionError("Please use Accuracy if top_k is no more than 1")
        self.name += f"_{self.top_k}"

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds, strict=False):
            if len(pred.shape) > 2:
                raise AssertionError("Predictions should be no more than 2 dims")
            p = numpy.argpartition(_host(pred).astype("float32"), -self.top_k)
            lab = _host(label).astype("int32")
            check_label_shapes(lab, p)
            num_samples = p.shape[0]
            if p.ndim == 1:
                self.sum_metric += (p.flat == lab.flat).sum()  # MXNet leaves the global sum out here
            else:
                num_classes = p.shape[1]
                top = p[:, num_classes - min(num_classes, self.top_k):]
                correct = (top == lab.reshape(-1, 1)).sum()
                self.sum_metric += correct
                self.global_sum_metric += correct
            self.num_inst += num_samples
            self.global_num_inst += num_samples


class _BinaryClassificationMetrics:
    """Confusion counts of a binary classifier (class 1 is positive), local and global."""

    def __init__(self):
        self.reset_stats()

    def update_binary_stats(self, label, pred):
        p = _host(pred)
        lab = _host(label).astype("int32")
        pred_label = numpy.argmax(p, axis=1)
        check_label_shapes(lab, p)
        if len(numpy.unique(lab)) > 2:
            raise ValueError(f"{self.__class__.__name__} currently only supports binary classification.")
        pred_true = pred_label == 1
        label_true = lab == 1
        tp = int((pred_true & label_true).sum())
        fp = int((pred_true & ~label_true).sum())
        fn = int((~pred_true & label_true).sum())
        tn = int((~pred_true & ~label_true).sum())
        self.true_positives += tp
        self.false_positives += fp
        self.false_negatives += fn
        self.true_negatives += tn
        self.global_true_positives += tp
        self.global_false_positives += fp
        self.global_false_negatives += fn
        self.global_true_negatives += tn

    @staticmethod
    def _ratio(a, b):
        return float(a) / (a + b) if a + b > 0 else 0.0

    @property
    def precision(self):
        return self._ratio(self.true_positives, self.false_positives)

    @property
    def global_precision(self):
        return self._ratio(self.global_true_positives, self.global_false_positives)

    @property
    def recall(self):
        return self._ratio(self.true_positives, self.false_negatives)

    @property
    def global_recall(self):
        return self._ratio(self.global_true_positives, self.global_false_negatives)

    @staticmethod
    def _f(p, r):
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    @property
    def fscore(self):
        return self._f(self.precision, self.recall)

    @property
    def global_fscore(self):
        return self._f(self.global_precision, self.global_recall)

    def matthewscc(self, use_global: bool = False) -> float:
        """Matthews correlation coefficient of the counts (0 with no examples)."""
        if use_global:
            if not self.global_total_examples:
                return 0.0
            tp, fp = float(self.global_true_positives), float(self.global_false_positives)
            fn, tn = float(self.global_false_negatives), float(self.global_true_negatives)
        else:
            if not self.total_examples:
                return 0.0
            tp, fp = float(self.true_positives), float(self.false_positives)
            fn, tn = float(self.false_negatives), float(self.true_negatives)
        denom = 1.0
        for t in (tp + fp, tp + fn, tn + fp, tn + fn):
            if t != 0.0:
                denom *= t
        return ((tp * tn) - (fp * fn)) / math.sqrt(denom)

    @property
    def total_examples(self):
        return self.false_negatives + self.false_positives + self.true_negatives + self.true_positives

    @property
    def global_total_examples(self):
        return (self.global_false_negatives + self.global_false_positives + self.global_true_negatives
                + self.global_true_positives)

    def local_reset_stats(self):
        self.false_positives = self.false_negatives = self.true_positives = self.true_negatives = 0

    def reset_stats(self):
        self.local_reset_stats()
        self.global_false_positives = self.global_false_negatives = 0
        self.global_true_positives = self.global_true_negatives = 0


class _BinaryStatsMetric(EvalMetric):
    """A score of the pooled binary confusion counts: ``average='macro'`` averages per-update scores,
    ``'micro'`` scores all counts so far. Subclasses give the score and, as MXNet, their attribute names
    and whether counts are floats."""

    _stats_attr = _average_attr = ""
    _zero: float = 0

    def __init__(self, name: str, output_names: list | None, label_names: list | None, average: str):
        setattr(self, self._average_attr, average)
        setattr(self, self._stats_attr, _BinaryClassificationMetrics())
        super().__init__(name=name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def _score(self, stats: _BinaryClassificationMetrics, use_global: bool) -> float:
        raise NotImplementedError

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        m = getattr(self, self._stats_attr)
        for label, pred in zip(labels, preds, strict=False):
            m.update_binary_stats(label, pred)
        if getattr(self, self._average_attr) == "macro":
            self.sum_metric += self._score(m, False)
            self.global_sum_metric += self._score(m, True)
            self.num_inst += 1
            self.global_num_inst += 1
            m.reset_stats()
        else:
            self.sum_metric = self._score(m, False) * m.total_examples
            self.global_sum_metric = self._score(m, True) * m.global_total_examples
            self.num_inst = m.total_examples
            self.global_num_inst = m.global_total_examples

    def reset(self):
        self.sum_metric = self.global_sum_metric = 0.0
        self.num_inst = self.global_num_inst = self._zero
        getattr(self, self._stats_attr).reset_stats()

    def reset_local(self):
        self.sum_metric = 0.0
        self.num_inst = self._zero
        getattr(self, self._stats_attr).local_reset_stats()


@register
class F1(_BinaryStatsMetric):
    """F1 score of a binary classifier; ``average='macro'`` averages per-update scores, ``'micro'`` scores
    the pooled counts."""

    _stats_attr, _average_attr = "metrics", "average"

    def __init__(self, name: str = "f1", output_names: list | None = None, label_names: list | None = None,
                 average: str = "macro"):
        super().__init__(name, output_names, label_names, average)

    def _score(self, stats, use_global):
        return stats.global_fscore if use_global else stats.fscore


@register
class MCC(_BinaryStatsMetric):
    """Matthews correlation coefficient of a binary classifier ('macro' or 'micro' average, as F1)."""

    _stats_attr, _average_attr = "_metrics", "_average"
    _zero = 0.0  # MXNet's MCC counts in floats

    def __init__(self, name: str = "mcc", output_names: list | None = None, label_names: list | None = None,
                 average: str = "macro"):
        super().__init__(name, output_names, label_names, average)

    def _score(self, stats, use_global):
        return stats.matthewscc(use_global=use_global)


@register
class Perplexity(EvalMetric):
    """Perplexity ``exp(mean(-log p[label]))``; labels equal to ``ignore_label`` are left out."""

    def __init__(self, ignore_label: Any, axis: int = -1, name: str = "perplexity",
                 output_names: list | None = None, label_names: list | None = None):
        super().__init__(name, ignore_label=ignore_label, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels, preds):
        if len(labels) != len(preds):
            raise AssertionError("labels and preds must have the same length")
        loss = 0.0
        num = 0
        for label, pred in zip(labels, preds, strict=False):
            p = _host(pred)
            lab = _host(label)
            if lab.size != p.size / p.shape[-1]:
                raise AssertionError(f"shape mismatch: {lab.shape} vs. {p.shape}")
            lab = lab.reshape(-1)
            p = numpy.moveaxis(p, self.axis, -1).reshape(-1, p.shape[self.axis])
            idx = numpy.clip(lab.astype("int32"), 0, p.shape[1] - 1)  # pick's 'clip' mode
            picked = p[numpy.arange(p.shape[0]), idx]
            if self.ignore_label is not None:
                ignore = (lab == self.ignore_label).astype(picked.dtype)
                num -= float(ignore.sum())
                picked = picked * (1 - ignore) + ignore
            loss -= float(numpy.log(numpy.maximum(picked.dtype.type(1e-10), picked)).sum(dtype=picked.dtype))
            num += picked.size
        self._add(loss, num)

    def get(self):
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.sum_metric / self.num_inst))

    def get_global(self):
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.global_sum_metric / self.global_num_inst))


def _as_2d(x: numpy.ndarray) -> numpy.ndarray:
    return x.reshape(x.shape[0], 1) if x.ndim == 1 else x


@register
class MAE(EvalMetric):
    """Mean absolute error (averaged per update)."""

    def __init__(self, name: str = "mae", output_names: list | None = None, label_names: list | None = None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds, strict=False):
            self._add(numpy.abs(_as_2d(_host(label)) - _as_2d(_host(pred))).mean(), 1)


@register
class MSE(EvalMetric):
    """Mean squared error (averaged per update)."""

    def __init__(self, name: str = "mse", output_names: list | None = None, label_names: list | None = None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds, strict=False):
            self._add(((_as_2d(_host(label)) - _as_2d(_host(pred))) ** 2.0).mean(), 1)


@register
class RMSE(EvalMetric):
    """Root mean squared error (averaged per update)."""

    def __init__(self, name: str = "rmse", output_names: list | None = None, label_names: list | None = None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds, strict=False):
            self._add(numpy.sqrt(((_as_2d(_host(label)) - _as_2d(_host(pred))) ** 2.0).mean()), 1)


class _NegLogProb(EvalMetric):
    """Mean of ``-log(p[label] + eps)`` over the samples: CrossEntropy and NegativeLogLikelihood, which
    MXNet keeps as two classes."""

    def __init__(self, eps: float, name: str, output_names: list | None, label_names: list | None):
        super().__init__(name, eps=eps, output_names=output_names, label_names=label_names, has_global_stats=True)
        self.eps = eps

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds, strict=False):
            lab, p = _host(label).ravel(), _host(pred)
            if lab.shape[0] != p.shape[0]:
                raise AssertionError(f"{lab.shape[0]} labels for {p.shape[0]} predictions")
            prob = p[numpy.arange(lab.shape[0]), numpy.int64(lab)]
            self._add((-numpy.log(prob + self.eps)).sum(), lab.shape[0])


@register
@alias("ce")
class CrossEntropy(_NegLogProb):
    """Cross entropy ``mean(-log(p[label] + eps))`` of predicted class probabilities."""

    def __init__(self, eps: float = 1e-12, name: str = "cross-entropy", output_names: list | None = None,
                 label_names: list | None = None):
        super().__init__(eps, name, output_names, label_names)


@register
@alias("nll_loss")
class NegativeLogLikelihood(_NegLogProb):
    """Negative log-likelihood ``mean(-log(p[label] + eps))``."""

    def __init__(self, eps: float = 1e-12, name: str = "nll-loss", output_names: list | None = None,
                 label_names: list | None = None):
        super().__init__(eps, name, output_names, label_names)


@register
@alias("pearsonr")
class PearsonCorrelation(EvalMetric):
    """Pearson correlation of predictions and labels: per update averaged ('macro') or over all data
    seen ('micro', with running moments)."""

    def __init__(self, name: str = "pearsonr", output_names: list | None = None, label_names: list | None = None,
                 average: str = "macro"):
        self.average = average
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)
        if self.average == "micro":
            self.reset_micro()

    def reset_micro(self):
        self._sse_p = self._mean_p = self._sse_l = self._mean_l = 0
        self._pred_nums = self._label_nums = 0
        self._conv = 0

    def reset(self):
        super().reset()
        if self.average == "micro":
            self.reset_micro()

    def update_variance(self, new_values, *aggregate):
        """Welford's running count, mean and sum of squared deviations."""
        count, mean, m_2 = aggregate
        count += len(new_values)
        delta = new_values - mean
        mean += numpy.sum(delta / count)
        delta_2 = new_values - mean
        m_2 += numpy.sum(delta * delta_2)
        return count, mean, m_2

    def update_cov(self, label, pred):
        self._conv = self._conv + numpy.sum((label - self._mean_l) * (pred - self._mean_p))

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds, strict=False):
            check_label_shapes(label, pred, False, True)
            lab = _host(label).ravel().astype(numpy.float64)
            p = _host(pred).ravel().astype(numpy.float64)
            if self.average == "macro":
                self._add(numpy.corrcoef(p, lab)[0, 1], 1)
            else:
                self.global_num_inst += 1
                self.num_inst += 1
                self._label_nums, self._mean_l, self._sse_l = self.update_variance(
                    lab, self._label_nums, self._mean_l, self._sse_l)
                self.update_cov(lab, p)
                self._pred_nums, self._mean_p, self._sse_p = self.update_variance(
                    p, self._pred_nums, self._mean_p, self._sse_p)

    def get(self):
        if self.num_inst == 0:
            return (self.name, float("nan"))
        if self.average == "macro":
            return (self.name, float(self.sum_metric / self.num_inst))
        n = self._label_nums
        r = self._conv / ((n - 1) * numpy.sqrt(self._sse_p / (n - 1)) * numpy.sqrt(self._sse_l / (n - 1)))
        return (self.name, float(r))


@register
class PCC(EvalMetric):
    """Multiclass Pearson correlation coefficient (the multiclass generalisation of MCC) of the confusion
    matrix, growing as new classes appear."""

    def __init__(self, name: str = "pcc", output_names: list | None = None, label_names: list | None = None,
                 has_global_stats: bool = True):
        self.k = 2
        super().__init__(name=name, output_names=output_names, label_names=label_names,
                         has_global_stats=has_global_stats)

    def _grow(self, inc):
        self.lcm = numpy.pad(self.lcm, ((0, inc), (0, inc)), "constant", constant_values=0)
        self.gcm = numpy.pad(self.gcm, ((0, inc), (0, inc)), "constant", constant_values=0)
        self.k += inc

    @staticmethod
    def _calc_mcc(cmat):
        n = cmat.sum()
        x = cmat.sum(axis=1)
        y = cmat.sum(axis=0)
        cov_xx = numpy.sum(x * (n - x))
        cov_yy = numpy.sum(y * (n - y))
        if cov_xx == 0 or cov_yy == 0:
            return float("nan")
        i = cmat.diagonal()
        cov_xy = numpy.sum(i * n - x * y)
        return cov_xy / (cov_xx * cov_yy) ** 0.5

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds, strict=False):
            lab = _host(label).astype("int32")
            p = _host(pred)
            p = p.argmax(axis=1) if p.shape != lab.shape else p.astype("int32")
            n = max(p.max(), lab.max())
            if n >= self.k:
                self._grow(int(n) + 1 - self.k)
            bcm = numpy.zeros((self.k, self.k))
            numpy.add.at(bcm, (p, lab), 1)
            self.lcm += bcm
            self.gcm += bcm
        self.num_inst += 1
        self.global_num_inst += 1

    @property
    def sum_metric(self):
        return self._calc_mcc(self.lcm) * self.num_inst

    @property
    def global_sum_metric(self):
        return self._calc_mcc(self.gcm) * self.global_num_inst

    def reset(self):
        self.global_num_inst = 0.0
        self.gcm = numpy.zeros((self.k, self.k))
        self.reset_local()

    def reset_local(self):
        self.num_inst = 0.0
        self.lcm = numpy.zeros((self.k, self.k))


@register
class Loss(EvalMetric):
    """Mean of the loss values passed as predictions (labels are ignored)."""

    def __init__(self, name: str = "loss", output_names: list | None = None, label_names: list | None = None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, _, preds):
        if isinstance(preds, (NDArray, numpy.ndarray)):
            preds = [preds]
        for pred in preds:
            p = _host(pred)
            self._add(p.sum(dtype=p.dtype).item(), p.size)


@register
class Torch(Loss):
    """Dummy metric for torch criterions (a Loss)."""

    def __init__(self, name: str = "torch", output_names: list | None = None, label_names: list | None = None):
        super().__init__(name, output_names=output_names, label_names=label_names)


@register
class Caffe(Loss):
    """Dummy metric for caffe criterions (a Loss)."""

    def __init__(self, name: str = "caffe", output_names: list | None = None, label_names: list | None = None):
        super().__init__(name, output_names=output_names, label_names=label_names)


@register
class CustomMetric(EvalMetric):
    """A metric from a function ``feval(label, pred)`` of NumPy arrays returning a value, or a
    ``(sum_metric, num_inst)`` pair."""

    def __init__(self, feval: Any, name: str | None = None, allow_extra_outputs: bool = False,
                 output_names: list | None = None, label_names: list | None = None):
        if name is None:
            name = feval.__name__
            if name.find("<") != -1:
                name = f"custom({name})"
        super().__init__(name, feval=feval, allow_extra_outputs=allow_extra_outputs, output_names=output_names,
                         label_names=label_names, has_global_stats=True)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels, preds):
        if not self._allow_extra_outputs:
            labels, preds = check_label_shapes(labels, preds, True)
        for pred, label in zip(preds, labels, strict=False):
            reval = self._feval(_host(label), _host(pred))
            if isinstance(reval, tuple):
                self._add(reval[0], reval[1])
            else:
                self._add(reval, 1)

    def get_config(self):
        raise NotImplementedError("CustomMetric cannot be serialized")


def np(numpy_feval: Any, name: str | None = None, allow_extra_outputs: bool = False) -> CustomMetric:
    """A CustomMetric from a NumPy function ``f(label, pred)``."""
    def feval(label, pred):
        return numpy_feval(label, pred)
    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)
