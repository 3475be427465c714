"""The host policies: the allocator (backend.HOST_POOL) is on by default on glibc and can be switched off;
large element-wise kernels split over threads (backend.elementwise) give exactly NumPy's results."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ndgrad import backend, nd

ROOT = Path(__file__).resolve().parents[2]


def _host_pool(env_value: str | None) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NDGRAD_HOST_POOL", None)
    if env_value is not None:
        env["NDGRAD_HOST_POOL"] = env_value
    code = "import ndgrad.backend as b; print(b.HOST_POOL)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc tuning is glibc-only")
def test_host_pool_is_on_by_default_and_can_be_disabled():
    assert _host_pool(None) == "True"
    assert _host_pool("0") == "False"


def _ndgrad(code: str, **env_values: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_values}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_thread_count_follows_the_environment():
    assert _ndgrad("import ndgrad.backend as b; print(b.THREADS)", NDGRAD_NUM_THREADS="3") == "3"
    assert _ndgrad("import ndgrad.backend as b; print(b.THREADS)", NDGRAD_NUM_THREADS="1") == "1"


@pytest.mark.parametrize("ufunc", [np.sin, np.exp, np.tanh])
def test_threaded_kernels_match_numpy_bit_for_bit(monkeypatch, ufunc):
    monkeypatch.setattr(backend, "THREADS", 3)  # uneven chunks, whatever this machine has
    x = np.random.default_rng(0).uniform(-3, 3, backend.PARALLEL_MIN + 7).astype(np.float32)
    np.testing.assert_array_equal(backend.elementwise(ufunc, x), ufunc(x))
    out = np.empty_like(x)
    assert backend.elementwise(np.multiply, x, np.float32(2) * np.ones((), np.float32), out=out) is out
    np.testing.assert_array_equal(out, x * np.float32(2))
    np.testing.assert_array_equal(nd.sin(nd.array(x)).asnumpy(), np.sin(x))


def test_threaded_kernels_keep_the_callers_error_state(monkeypatch):
    monkeypatch.setattr(backend, "THREADS", 2)
    big = np.full(backend.PARALLEL_MIN, 100.0, np.float32)
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        backend.elementwise(np.exp, big)
    with np.errstate(over="ignore"):
        assert np.isinf(backend.elementwise(np.exp, big)).all()
