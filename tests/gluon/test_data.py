"""gluon.data: datasets, samplers and DataLoader against MXNet 1.9.1 goldens (tests/data/optdata/gen_data.py)."""
import multiprocessing
import os
import time
from pathlib import Path

import numpy as np
import pytest

from ndgrad import nd
from ndgrad.gluon.data import (ArrayDataset, BatchSampler, DataLoader, Dataset, FilterSampler, IntervalSampler,
                               RandomSampler, SequentialSampler, SimpleDataset)

GOLD = np.load(Path(__file__).resolve().parents[1] / "data" / "optdata" / "data.npz")


def _dataset():
    x = np.arange(7 * 2, dtype=np.float32).reshape(7, 2)
    return ArrayDataset(nd.array(x), np.arange(7) * 10)


@pytest.mark.parametrize("mode", ["keep", "discard", "rollover"])
def test_dataloader_batches_match_mxnet(mode):
    dl = DataLoader(_dataset(), batch_size=3, last_batch=mode)
    assert len(dl) == int(GOLD[f"len/{mode}"])
    for epoch in range(2):
        k = 0
        for data, label in dl:
            assert isinstance(data, nd.NDArray) and isinstance(label, nd.NDArray)
            np.testing.assert_array_equal(data.asnumpy(), GOLD[f"dl/{mode}/{epoch}/{k}/data"])
            np.testing.assert_array_equal(label.asnumpy(), GOLD[f"dl/{mode}/{epoch}/{k}/label"])
            dtypes = [str(np.dtype(data.dtype)), str(np.dtype(label.dtype))]
            assert dtypes == list(GOLD[f"dl/{mode}/{epoch}/{k}/dtypes"])
            k += 1
        assert k == int(GOLD[f"dl/{mode}/{epoch}/count"])


def test_batchify_python_and_numpy_samples():
    b = next(iter(DataLoader(SimpleDataset([(1.5, 2), (2.5, 3), (3.5, 4)]), batch_size=2)))
    np.testing.assert_array_equal(b[0].asnumpy(), GOLD["py/data"])
    np.testing.assert_array_equal(b[1].asnumpy(), GOLD["py/label"])
    assert [str(np.dtype(b[0].dtype)), str(np.dtype(b[1].dtype))] == list(GOLD["py/dtypes"])
    imgs = np.arange(3 * 2 * 2 * 3, dtype=np.uint8).reshape(3, 2, 2, 3)
    b = next(iter(DataLoader(SimpleDataset(list(imgs)), batch_size=3)))
    np.testing.assert_array_equal(b.asnumpy(), GOLD["np/batch"])
    assert str(np.dtype(b.dtype)) == str(GOLD["np/dtype"])


def test_dataset_views_match_mxnet():
    base = SimpleDataset(list(range(10)))
    shards = [list(base.shard(3, i)) for i in range(3)]
    np.testing.assert_array_equal([s + [-1] * (4 - len(s)) for s in shards], GOLD["shard"])
    np.testing.assert_array_equal(list(base.take(4)), GOLD["take"])
    assert len(base.take(None)) == 10
    np.testing.assert_array_equal(list(base.filter(lambda v: v % 3 == 0)), GOLD["filter"])
    np.testing.assert_array_equal(list(base.transform(lambda v: v * 2)), GOLD["transform"])
    eager = base.transform(lambda v: v * 2, lazy=False)
    assert isinstance(eager, SimpleDataset) and list(eager) == list(GOLD["transform"])
    pairs = ArrayDataset(np.arange(4), np.arange(4) * 3)
    np.testing.assert_array_equal([list(t) for t in pairs.transform_first(lambda v: v + 100)],
                                  GOLD["transform_first"])
    sampler = BatchSampler(SequentialSampler(7), 3, "rollover")
    np.testing.assert_array_equal([i for _ in range(3) for bt in sampler for i in bt], GOLD["batch_sampler_rollover"])
    with pytest.raises(AssertionError):
        base.shard(3, 3)
    with pytest.raises(TypeError):
        base.sample([1, 2])
    assert list(base.sample(SequentialSampler(3, 5))) == [5, 6, 7]


def test_samplers():
    np.random.seed(0)
    perm = list(RandomSampler(10))
    assert sorted(perm) == list(range(10)) and perm != list(range(10))
    assert list(IntervalSampler(7, 3)) == [0, 3, 6, 1, 4, 2, 5]
    assert list(IntervalSampler(7, 3, rollover=False)) == [0, 3, 6]
    assert len(IntervalSampler(7, 3, rollover=False)) == 3
    assert list(FilterSampler(lambda v: v > 1, [0, 1, 2, 3])) == [2, 3]
    with pytest.raises(ValueError, match="last_batch"):
        list(BatchSampler(SequentialSampler(5), 2, "bogus"))
    assert [len(b) for b in BatchSampler(SequentialSampler(5), 2, "discard")] == [2, 2]


def test_array_dataset_items():
    ds = ArrayDataset(nd.array([[1, 2], [3, 4]]), nd.array([5, 6]), [7, 8])
    d, lab, extra = ds[1]
    assert isinstance(d, nd.NDArray) and d.shape == (2,)
    assert isinstance(lab, np.float32) and lab == 6 and extra == 8  # 1-D NDArrays become NumPy
    assert ArrayDataset(np.arange(3))[2] == 2
    with pytest.raises(AssertionError, match="same length"):
        ArrayDataset(np.arange(3), np.arange(4))


def test_dataloader_arguments():
    ds = _dataset()
    with pytest.raises(ValueError, match="batch_size must be specified"):
        DataLoader(ds)
    with pytest.raises(ValueError, match="shuffle must not be specified"):
        DataLoader(ds, batch_size=2, shuffle=True, sampler=SequentialSampler(7))
    with pytest.raises(ValueError, match="must not be specified if batch_sampler"):
        DataLoader(ds, batch_size=2, batch_sampler=BatchSampler(SequentialSampler(7), 2))
    dl = DataLoader(ds, batch_sampler=BatchSampler(SequentialSampler(7), 4), pin_memory=True)
    shapes = [d.shape for d, _ in dl]
    assert shapes == [(4, 2), (3, 2)]
    np.random.seed(1)
    labels = np.concatenate([lab.asnumpy() for _, lab in DataLoader(ds, batch_size=2, shuffle=True)])
    assert sorted(labels) == list(np.arange(7) * 10) and list(labels) != list(np.arange(7) * 10)
    custom = DataLoader(ds, batch_size=3, batchify_fn=len)
    assert list(custom) == [3, 3, 1]


class _SlowSquares(Dataset):
    """Each item sleeps, and reports the process that made it."""

    def __len__(self):
        return 8

    def __getitem__(self, i):
        time.sleep(0.15)
        return np.array([i * i], dtype=np.float32), os.getpid()


def test_worker_processes_run_in_parallel_and_keep_order():
    ds = _SlowSquares()
    dl = DataLoader(ds, batch_size=2, num_workers=4)
    start = time.perf_counter()
    batches = list(dl)
    elapsed = time.perf_counter() - start
    data = np.concatenate([b[0].asnumpy().ravel() for b in batches])
    np.testing.assert_array_equal(data, np.arange(8) ** 2)
    pids = {int(p) for b in batches for p in b[1].asnumpy()}
    assert os.getpid() not in pids and len(pids) >= 2  # made in worker processes
    assert elapsed < 8 * 0.15 * 0.75  # serial would take 1.2 s
    assert [b[0].shape for b in DataLoader(ds, batch_size=3, num_workers=2, prefetch=1)] == [(3, 1), (3, 1), (2, 1)]


def test_thread_pool_workers():
    dl = DataLoader(_dataset(), batch_size=3, num_workers=2, thread_pool=True)
    batches = list(dl)
    np.testing.assert_array_equal(np.concatenate([lab.asnumpy() for _, lab in batches]), np.arange(7) * 10)
    # a second pass works too
    assert len(list(dl)) == 3


def test_worker_timeout():
    class Slow(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            time.sleep(2)
            return np.float32(i)

    dl = DataLoader(Slow(), batch_size=1, num_workers=1, thread_pool=True, timeout=0.2)
    with pytest.raises(multiprocessing.TimeoutError):
        list(dl)


def test_worker_processes_with_lambda_transform():
    ds = SimpleDataset(list(range(6))).transform(lambda v: np.float32(v) * 2)
    out = [b.asnumpy() for b in DataLoader(ds, batch_size=4, num_workers=2)]
    np.testing.assert_array_equal(np.concatenate(out), np.arange(6) * 2)
