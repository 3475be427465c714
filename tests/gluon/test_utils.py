"""gluon.utils against MXNet 1.9.1 goldens (tests/data/optdata/gen_data.py); no network."""
import hashlib
from pathlib import Path

import numpy as np
import pytest

import ndgrad as mx
from ndgrad import nd
from ndgrad.gluon import utils

GOLD = np.load(Path(__file__).resolve().parents[1] / "data" / "optdata" / "data.npz")


def test_split_data_matches_mxnet():
    data = nd.array(np.arange(30, dtype=np.float32).reshape(10, 3))
    parts = utils.split_data(data, 3, even_split=False)
    assert len(parts) == 3
    for i, p in enumerate(parts):
        np.testing.assert_array_equal(p.asnumpy(), GOLD[f"split0/{i}"])
    parts = utils.split_data(data.reshape(3, 10), 4, batch_axis=1, even_split=False)
    for i, p in enumerate(parts):
        np.testing.assert_array_equal(p.asnumpy(), GOLD[f"split1/{i}"])
    with pytest.raises(ValueError, match="cannot be evenly split"):
        utils.split_data(data, 3)


def test_split_and_load():
    parts = utils.split_and_load(np.arange(8).reshape(4, 2), [mx.cpu(0), mx.cpu(1)])
    assert [p.context for p in parts] == [mx.cpu(0), mx.cpu(1)]
    np.testing.assert_array_equal(parts[1].asnumpy(), [[4, 5], [6, 7]])
    one = utils.split_and_load(nd.ones((3, 2)), [mx.cpu()])
    assert len(one) == 1 and one[0].shape == (3, 2)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # inf * 0 on purpose, below
def test_clip_global_norm_matches_mxnet():
    arrs = [nd.array(np.arange(6, dtype=np.float32).reshape(2, 3) - 2), nd.array([3.0, -4.0])]
    norm = utils.clip_global_norm(arrs, 2.0)
    assert norm == pytest.approx(float(GOLD["clip/norm"]), rel=1e-6)
    np.testing.assert_allclose(arrs[0].asnumpy(), GOLD["clip/a0"], rtol=1e-6)
    np.testing.assert_allclose(arrs[1].asnumpy(), GOLD["clip/a1"], rtol=1e-6)
    arrs = [nd.array([0.3, 0.4])]
    assert utils.clip_global_norm(arrs, 2.0) == pytest.approx(float(GOLD["clip_small/norm"]))
    np.testing.assert_allclose(arrs[0].asnumpy(), GOLD["clip_small/a0"], rtol=1e-6)  # under the limit: unchanged
    res = utils.clip_global_norm([nd.array([3.0, 4.0])], 1.0, check_isfinite=False)
    assert isinstance(res, nd.NDArray) and float(res.asscalar()) == pytest.approx(5.0)
    with pytest.warns(UserWarning, match="nan or inf"):
        utils.clip_global_norm([nd.array([np.inf, 1.0])], 1.0)


def test_check_sha1_and_download_skips_present_file(tmp_path):
    f = tmp_path / "blob.bin"
    f.write_bytes(b"ndgrad")
    digest = hashlib.sha1(b"ndgrad").hexdigest()
    assert utils.check_sha1(str(f), digest)
    assert not utils.check_sha1(str(f), "0" * 40)
    # present with the right hash: no network access, the path comes back
    assert utils.download("http://invalid.invalid/blob.bin", path=str(tmp_path), sha1_hash=digest) == str(f)
    assert utils.download("http://invalid.invalid/x.bin", path=str(f)) == str(f)


class _FakeResponse:
    def __init__(self, payload):
        self._payload = payload

    def read(self, n=-1):
        out, self._payload = self._payload[:n], self._payload[n:]
        return out

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_download_fetches_missing_file_and_checks_sha1(tmp_path, monkeypatch):
    import urllib.request
    payload = b"weights" * 1000
    calls = []

    def fake_urlopen(url, context=None):
        calls.append(url)
        return _FakeResponse(payload)

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    digest = hashlib.sha1(payload).hexdigest()
    fname = utils.download("http://example.invalid/dir/model.params", path=str(tmp_path), sha1_hash=digest)
    assert Path(fname).read_bytes() == payload and calls == ["http://example.invalid/dir/model.params"]
    utils.download("http://example.invalid/dir/model.params", path=str(tmp_path), sha1_hash=digest)
    assert len(calls) == 1  # present and valid: not fetched again
    with pytest.raises(UserWarning, match="hash does not match"):
        utils.download("http://example.invalid/other.bin", path=str(tmp_path), sha1_hash="0" * 40, retries=1)


def test_mnist_downloads_only_missing_files(tmp_path, monkeypatch):
    import gzip
    import struct

    from ndgrad.gluon.data.vision import datasets
    fetched = []

    def fake_download(url, path=None, sha1_hash=None, **kw):
        name = url.split("/")[-1]
        fetched.append(name)
        target = Path(path) / name
        with gzip.open(target, "wb") as f:
            if "labels" in name:
                f.write(struct.pack(">II", 2049, 2) + bytes([7, 2]))
            else:
                f.write(struct.pack(">IIII", 2051, 2, 28, 28) + bytes(2 * 28 * 28))
        return str(target)

    monkeypatch.setattr(datasets, "download", fake_download)
    ds = datasets.MNIST(root=str(tmp_path), train=False)
    assert sorted(fetched) == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    assert len(ds) == 2 and ds[0][1] == 7
    fetched.clear()
    datasets.MNIST(root=str(tmp_path), train=False)
    assert fetched == []  # the files are there now
