"""Metric values print as MXNet 1.9.1 prints them: plain Python floats."""
import ndgrad as mx


def test_get_returns_python_floats():
    acc = mx.metric.Accuracy()
    acc.update([mx.nd.array([0, 1, 1])], [mx.nd.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])])
    _, value = acc.get()
    assert type(value) is float and repr(acc.get()) == "('accuracy', 0.6666666666666666)"
    assert type(acc.get_global()[1]) is float
