"""Datasets (``gluon.data.Dataset``): indexable collections of samples, with lazy transforms."""
from __future__ import annotations

import os
import struct
from typing import Any

from ...ndarray import NDArray

__all__ = ["Dataset", "SimpleDataset", "ArrayDataset", "RecordFileDataset"]


class Dataset:
    """Abstract dataset: implement ``__getitem__`` and ``__len__``."""

    def __getitem__(self, idx):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def filter(self, fn) -> Dataset:
        """The samples for which ``fn(sample)`` is true."""
        from .sampler import FilterSampler
        return _SampledDataset(self, FilterSampler(fn, self))

    def shard(self, num_shards: int, index: int) -> Dataset:
        """The ``index``-th of ``num_shards`` contiguous shards (the first ``len % num_shards`` get one extra)."""
        if index >= num_shards:
            raise AssertionError(f"Shard index of out bound: {index} out of {num_shards}")
        if num_shards <= 0:
            raise AssertionError("Number of shards must be greater than 0")
        if index < 0:
            raise AssertionError("Index must be non-negative")
        length = len(self)
        shard_len, rest = divmod(length, num_shards)
        start = shard_len * index + min(index, rest)
        end = start + shard_len + (index < rest)
        from .sampler import SequentialSampler
        return _SampledDataset(self, SequentialSampler(end - start, start))

    def take(self, count: int | None) -> Dataset:
        """The first ``count`` samples (all of them when None or too large)."""
        if count is None or count > len(self):
            count = len(self)
        from .sampler import SequentialSampler
        return _SampledDataset(self, SequentialSampler(count))

    def sample(self, sampler) -> Dataset:
        """The samples at the indices a ``Sampler`` gives."""
        from .sampler import Sampler
        if not isinstance(sampler, Sampler):
            raise TypeError(f"Invalid sampler type: {type(sampler)}. Expected gluon.data.Sampler instead.")
        return _SampledDataset(self, sampler)

    def transform(self, fn, lazy: bool = True) -> Dataset:
        """Apply ``fn`` to each sample (tuples are unpacked into arguments); lazily unless ``lazy=False``."""
        trans = _LazyTransformDataset(self, fn)
        if lazy:
            return trans
        return SimpleDataset([trans[i] for i in range(len(trans))])

    def transform_first(self, fn, lazy: bool = True) -> Dataset:
        """Apply ``fn`` to the first element of each sample only (the data, not the label)."""
        return self.transform(_TransformFirstClosure(fn), lazy)


class SimpleDataset(Dataset):
    """A dataset wrapping a list (or anything indexable with a length)."""

    def __init__(self, data: Any):
        self._data = data

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        return self._data[idx]


class _LazyTransformDataset(Dataset):
    def __init__(self, data, fn):
        self._data = data
        self._fn = fn

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        item = self._data[idx]
        if isinstance(item, tuple):
            return self._fn(*item)
        return self._fn(item)


class _TransformFirstClosure:
    """Picklable ``fn`` applied to the first argument only (so workers can receive it)."""

    def __init__(self, fn):
        self._fn = fn

    def __call__(self, x, *args):
        if args:
            return (self._fn(x), *args)
        return self._fn(x)


class _SampledDataset(Dataset):
    def __init__(self, dataset, sampler):
        self._dataset = dataset
        self._sampler = sampler
        self._indices = list(iter(sampler))

    def __len__(self):
        return len(self._sampler)

    def __getitem__(self, idx):
        return self._dataset[self._indices[idx]]


class ArrayDataset(Dataset):
    """A dataset zipping several arrays (NDArrays, NumPy arrays, lists) of the same length; a sample is the
    tuple of their ``idx``-th elements (the element itself when there is one array). 1-D NDArrays are
    converted to NumPy, so their items are scalars."""

    def __init__(self, *args: Any):
        if len(args) == 0:
            raise AssertionError("Needs at least 1 arrays")
        self._length = len(args[0])
        self._data = []
        for i, data in enumerate(args):
            if len(data) != self._length:
                raise AssertionError(f"All arrays must have the same length; array[0] has length {self._length} "
                                     f"while array[{i + 1}] has {len(data)}.")
            if isinstance(data, NDArray) and len(data.shape) == 1:
                data = data.asnumpy()
            self._data.append(data)

    def __getitem__(self, idx):
        if len(self._data) == 1:
            return self._data[0][idx]
        return tuple(data[idx] for data in self._data)

    def __len__(self):
        return self._length


_RECORD_MAGIC = 0xCED7230A


class _IndexedRecordReader:
    """Reads records of an MXNet RecordIO file (.rec) at the offsets its index (.idx, ``key\toffset``) lists."""

    def __init__(self, idx_path: str, uri: str):
        self.idx: dict[int, int] = {}
        self.keys: list[int] = []
        with open(idx_path) as f:
            for line in f:
                parts = line.strip().split("\t")
                if len(parts) < 2:
                    continue
                key = int(parts[0])
                self.idx[key] = int(parts[1])
                self.keys.append(key)
        self.uri = uri
        self._file = None
        self._pid = None

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_file"] = None  # reopened in each worker process
        return state

    def read_idx(self, key: int) -> bytes:
        if self._file is None or self._pid != os.getpid():
            # a forked worker must not share the parent's file offset: each process opens its own
            self._file = open(self.uri, "rb")  # kept open for the dataset's life
            self._pid = os.getpid()
        f = self._file
        f.seek(self.idx[key])
        out = []
        while True:
            head = f.read(8)
            if len(head) < 8:
                raise OSError(f"{self.uri}: truncated record at key {key}")
            magic, lrec = struct.unpack("<II", head)
            if magic != _RECORD_MAGIC:
                raise OSError(f"{self.uri}: invalid RecordIO magic at key {key}")
            cflag, length = lrec >> 29, lrec & ((1 << 29) - 1)
            out.append(f.read(length))
            f.read((4 - length % 4) % 4)
            if cflag in (0, 3):
                break
            out.append(struct.pack("<I", _RECORD_MAGIC))  # a split record lost its embedded magic here
        return b"".join(out)


class RecordFileDataset(Dataset):
    """The raw records (bytes) of a RecordIO file ``filename`` (.rec) with its index (.idx beside it)."""

    def __init__(self, filename: str):
        self.idx_file = os.path.splitext(filename)[0] + ".idx"
        self.filename = filename
        self._record = _IndexedRecordReader(self.idx_file, self.filename)

    def __getitem__(self, idx):
        return self._record.read_idx(self._record.keys[idx])

    def __len__(self):
        return len(self._record.keys)


class _DownloadedDataset(Dataset):
    """Base of the downloadable datasets: ``_get_data`` fills ``_data`` and ``_label``."""

    def __init__(self, root: str, transform: Any):
        super().__init__()
        self._transform = transform
        self._data: Any = None
        self._label: Any = None
        root = os.path.expanduser(root)
        self._root = root
        if not os.path.isdir(root):
            os.makedirs(root)
        self._get_data()

    def __getitem__(self, idx):
        if self._transform is not None:
            return self._transform(self._data[idx], self._label[idx])
        return self._data[idx], self._label[idx]

    def __len__(self):
        return len(self._label)

    def _get_data(self):
        raise NotImplementedError
