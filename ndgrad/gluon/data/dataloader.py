"""DataLoader: batches from a Dataset, in this process or in parallel worker processes (or threads)."""
from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import pickle
import signal
import sys
from multiprocessing.pool import ThreadPool
from typing import Any

import numpy as np

from ...context import Context, cpu_pinned
from ...ndarray import NDArray
from ...ndarray import creation as _creation
from . import sampler as _sampler

__all__ = ["DataLoader", "default_batchify_fn", "default_mp_batchify_fn"]


def default_batchify_fn(data: list) -> Any:
    """Stack samples into a batch: NDArrays are stacked on a new first axis, tuples are batchified element
    by element (giving a list), anything else goes through ``numpy.asarray`` (keeping its dtype)."""
    first = data[0]
    if isinstance(first, NDArray):
        return NDArray(np.stack([x._data for x in data]), first.context)
    if isinstance(first, tuple):
        return [default_batchify_fn(list(i)) for i in zip(*data, strict=True)]
    arr = np.asarray(data)
    return _creation.array(arr, dtype=arr.dtype)


def default_mp_batchify_fn(data: list) -> Any:
    """``default_batchify_fn`` for worker processes (MXNet puts the batch in shared memory; ndgrad sends
    it back pickled)."""
    return default_batchify_fn(data)


def _as_in_context(data: Any, ctx: Context) -> Any:
    if isinstance(data, NDArray):
        return data.as_in_context(ctx)
    if isinstance(data, (list, tuple)):
        return [_as_in_context(d, ctx) for d in data]
    return data


_worker_dataset = None


def _worker_initializer(dataset: Any) -> None:
    """Runs once in each worker process: keep the dataset there, so tasks only carry indices."""
    global _worker_dataset
    _worker_dataset = dataset


def _worker_fn(samples: list, batchify_fn: Any, dataset: Any = None) -> bytes:
    batch = batchify_fn([_worker_dataset[i] for i in samples])
    return pickle.dumps(batch, pickle.HIGHEST_PROTOCOL)


def _thread_worker_fn(samples: list, batchify_fn: Any, dataset: Any) -> Any:
    return batchify_fn([dataset[i] for i in samples])


class _MultiWorkerIter:
    """Iterator over batches computed by a pool, keeping ``prefetch`` batches in flight, in order."""

    def __init__(self, worker_pool, batchify_fn, batch_sampler, pin_memory=False, pin_device_id=0,
                 worker_fn=_worker_fn, prefetch=0, dataset=None, data_loader=None, timeout=120):
        self._worker_pool = worker_pool
        self._batchify_fn = batchify_fn
        self._batch_sampler = batch_sampler
        self._data_buffer: dict = {}
        self._rcvd_idx = 0
        self._sent_idx = 0
        self._iter = iter(self._batch_sampler)
        self._worker_fn = worker_fn
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._dataset = dataset
        self._data_loader = data_loader  # keeps the pool's owner alive while iterating
        self._timeout = timeout
        for _ in range(prefetch):
            self._push_next()

    def __len__(self):
        return len(self._batch_sampler)

    def _push_next(self):
        r = next(self._iter, None)
        if r is None:
            return
        self._data_buffer[self._sent_idx] = self._worker_pool.apply_async(
            self._worker_fn, (r, self._batchify_fn, self._dataset))
        self._sent_idx += 1

    def __next__(self):
        self._push_next()
        if self._rcvd_idx == self._sent_idx:
            if self._data_buffer:
                raise AssertionError("Data buffer should be empty at this moment")
            raise StopIteration
        ret = self._data_buffer.pop(self._rcvd_idx)
        try:
            batch = ret.get(self._timeout)
            if self._dataset is None:
                batch = pickle.loads(batch)
        except multiprocessing.TimeoutError:
            print(f"Worker timed out after {self._timeout} seconds. This might be caused by a slow transform: "
                  "increase timeout to allow slower data loading in each worker.")
            raise
        except Exception:
            self._worker_pool.terminate()
            raise
        if self._pin_memory:
            batch = _as_in_context(batch, cpu_pinned(self._pin_device_id))
        self._rcvd_idx += 1
        return batch

    next = __next__

    def __iter__(self):
        return self


class DataLoader:
    """Load batches from a dataset.

    Parameters
    ----------
    dataset : Dataset
    batch_size : int
        Samples per batch (unless ``batch_sampler`` is given).
    shuffle : bool
        Shuffle the samples each epoch.
    sampler : Sampler
        Which samples, in which order (excludes ``shuffle``).
    last_batch : {'keep', 'discard', 'rollover'}
        What to do with a short last batch.
    batch_sampler : Sampler
        Yields lists of indices (excludes batch_size, shuffle, sampler and last_batch).
    batchify_fn : callable
        Merges a list of samples into a batch (default: stack into NDArrays).
    num_workers : int
        Worker processes (threads with ``thread_pool=True``); 0 loads in this process.
    pin_memory : bool
        Return batches in pinned memory (the CPU on ndgrad).
    pin_device_id : int
    prefetch : int
        Batches in flight (default ``2 * num_workers``).
    thread_pool : bool
        Use threads instead of processes.
    timeout : int
        Seconds to wait for a worker's batch.
    auto_reload : bool
        Start prefetching the next epoch as soon as one ends.
    """

    def __init__(self, dataset, batch_size=None, shuffle=False, sampler=None, last_batch=None, batch_sampler=None,
                 batchify_fn=None, num_workers=0, pin_memory=False, pin_device_id=0, prefetch=None,
                 thread_pool=False, timeout=120, auto_reload=False):
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._thread_pool = thread_pool
        self._timeout = timeout
        self._worker_pool = None
        if timeout <= 0:
            raise AssertionError(f"timeout must be positive, given {timeout}")
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError("batch_size must be specified unless batch_sampler is specified")
            if sampler is None:
                sampler = _sampler.RandomSampler(len(dataset)) if shuffle else _sampler.SequentialSampler(len(dataset))
            elif shuffle:
                raise ValueError("shuffle must not be specified if sampler is specified")
            batch_sampler = _sampler.BatchSampler(sampler, batch_size, last_batch if last_batch else "keep")
        elif batch_size is not None or shuffle or sampler is not None or last_batch is not None:
            raise ValueError("batch_size, shuffle, sampler and last_batch must not be specified if batch_sampler "
                             "is specified.")
        self._batch_sampler = batch_sampler
        self._num_workers = num_workers if num_workers >= 0 else 0
        self._prefetch = max(0, int(prefetch) if prefetch is not None else 2 * self._num_workers)
        if self._num_workers > 0:
            if self._thread_pool:
                self._worker_pool = ThreadPool(self._num_workers)
            else:
                # Linux workers are forked, as MXNet's: they inherit the dataset (lambdas in transforms included)
                mp = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else multiprocessing
                handler = signal.signal(signal.SIGINT, signal.SIG_IGN)  # workers leave Ctrl-C to the parent
                try:
                    self._worker_pool = mp.Pool(self._num_workers, initializer=_worker_initializer,
                                                initargs=[self._dataset])
                finally:
                    signal.signal(signal.SIGINT, handler)
        if batchify_fn is None:
            self._batchify_fn = default_mp_batchify_fn if num_workers > 0 else default_batchify_fn
        else:
            self._batchify_fn = batchify_fn
        self.auto_reload = auto_reload
        self._iter = None
        if self.auto_reload:
            self.refresh()

    def __iter__(self):
        if self._iter is None:
            self.refresh()
        t = self._iter
        self._iter = None  # one prefetching iterator serves one pass
        yield from t
        if self._iter is None and self.auto_reload:
            self.refresh()

    def _prefetch_iter(self):
        if self._num_workers == 0:
            def same_process_iter():
                for batch in self._batch_sampler:
                    ret = self._batchify_fn([self._dataset[idx] for idx in batch])
                    if self._pin_memory:
                        ret = _as_in_context(ret, cpu_pinned(self._pin_device_id))
                    yield ret
            return same_process_iter()
        return _MultiWorkerIter(self._worker_pool, self._batchify_fn, self._batch_sampler,
                                pin_memory=self._pin_memory, pin_device_id=self._pin_device_id,
                                worker_fn=_thread_worker_fn if self._thread_pool else _worker_fn,
                                prefetch=self._prefetch, dataset=self._dataset if self._thread_pool else None,
                                data_loader=self, timeout=self._timeout)

    def __len__(self):
        return len(self._batch_sampler)

    def __del__(self):
        pool = getattr(self, "_worker_pool", None)
        if pool:
            pool.terminate()

    def refresh(self):
        """Start a new prefetching iterator (the next ``iter`` uses it)."""
        self._iter = self._prefetch_iter()

    def clean(self):
        """Drop the prefetching iterator."""
        self._iter = None
