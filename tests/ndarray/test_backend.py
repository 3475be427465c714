"""The host allocator policy (backend.HOST_POOL) is on by default on glibc and can be switched off."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
