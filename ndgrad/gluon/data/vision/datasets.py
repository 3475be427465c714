"""Vision datasets read from their standard on-disk formats: MNIST / Fashion-MNIST (idx-ubyte, gzipped or
not), CIFAR-10 / CIFAR-100 (binary batches), and a folder of images per class.

Files missing under ``root`` are downloaded (and SHA-1 checked) first; files already there are used as
they are.
"""
from __future__ import annotations

import gzip
import os
import struct
import tarfile
import warnings
from typing import Any

import numpy as np

from ....base import MXNetError
from ....context import current_context
from ....ndarray import NDArray
from ....ndarray import creation as _creation
from ...utils import _get_repo_file_url, check_sha1, download
from .. import dataset

__all__ = ["MNIST", "FashionMNIST", "CIFAR10", "CIFAR100", "ImageRecordDataset", "ImageFolderDataset"]


def _data_dir() -> str:
    return os.environ.get("MXNET_HOME", os.path.join(os.path.expanduser("~"), ".mxnet"))


def _read_idx(path: str, header: str) -> np.ndarray:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as fin:
        dims = struct.unpack(header, fin.read(struct.calcsize(header)))
        data = np.frombuffer(fin.read(), dtype=np.uint8)
    return data, dims


class MNIST(dataset._DownloadedDataset):
    """The MNIST handwritten digits: ``(28, 28, 1)`` uint8 images and int32 labels.

    Parameters
    ----------
    root : str
        Folder of ``train-images-idx3-ubyte.gz`` etc. (plain ``.../idx3-ubyte`` files are read too).
    train : bool
        The training set, else the test set.
    transform : callable
        ``transform(data, label)`` applied to each sample.
    """

    def __init__(self, root: str = os.path.join(_data_dir(), "datasets", "mnist"), train: bool = True,
                 transform: Any = None):
        self._train = train
        self._train_data = ("train-images-idx3-ubyte.gz", "6c95f4b05d2bf285e1bfb0e7960c31bd3b3f8a7d")
        self._train_label = ("train-labels-idx1-ubyte.gz", "2a80914081dc54586dbdf242f9805a6b8d2a15fc")
        self._test_data = ("t10k-images-idx3-ubyte.gz", "c3a25af1f52dad7f726cce8cacb138654b760d48")
        self._test_label = ("t10k-labels-idx1-ubyte.gz", "763e7fa3757d93b0cdec073cef058b2004252c17")
        self._namespace = "mnist"
        super().__init__(root, transform)

    def _file(self, name: str, sha1: str) -> str:
        path = os.path.join(self._root, name)
        if os.path.exists(path):
            return path
        plain = path[:-3] if path.endswith(".gz") else path
        if os.path.exists(plain):
            return plain
        return download(_get_repo_file_url("gluon/dataset/" + self._namespace, name), path=self._root,
                        sha1_hash=sha1)

    def _get_data(self):
        data, label = (self._train_data, self._train_label) if self._train else (self._test_data, self._test_label)
        label_file = self._file(*label)
        data_file = self._file(*data)
        lab, _ = _read_idx(label_file, ">II")
        raw, dims = _read_idx(data_file, ">IIII")
        rows, cols = (dims[2], dims[3]) if len(dims) == 4 else (28, 28)
        self._data = _creation.array(raw.reshape(len(lab), rows, cols, 1), dtype=np.uint8)
        self._label = lab.astype(np.int32)


class FashionMNIST(MNIST):
    """Fashion-MNIST (Zalando's article images), in MNIST's format and shapes."""

    def __init__(self, root: str = os.path.join(_data_dir(), "datasets", "fashion-mnist"), train: bool = True,
                 transform: Any = None):
        self._train = train
        self._train_data = ("train-images-idx3-ubyte.gz", "0cf37b0d40ed5169c6b3aba31069a9770ac9043d")
        self._train_label = ("train-labels-idx1-ubyte.gz", "236021d52f1e40852b06a4c3008d8de8aef1e40b")
        self._test_data = ("t10k-images-idx3-ubyte.gz", "626ed6a7c06dd17c0eec72fa3be1740f146a2863")
        self._test_label = ("t10k-labels-idx1-ubyte.gz", "17f9ab60e7257a1620f4ad76bbbaf857c3920701")
        self._namespace = "fashion-mnist"
        dataset._DownloadedDataset.__init__(self, root, transform)


class CIFAR10(dataset._DownloadedDataset):
    """CIFAR-10: ``(32, 32, 3)`` uint8 images and int32 labels, from the binary batches
    (``data_batch_1.bin`` ... ``data_batch_5.bin``, ``test_batch.bin``) in ``root``."""

    _record = 1

    def __init__(self, root: str = os.path.join(_data_dir(), "datasets", "cifar10"), train: bool = True,
                 transform: Any = None):
        self._train = train
        self._archive_file = ("cifar-10-binary.tar.gz", "fab780a1e191a7eda0f345501ccd62d20f7ed891")
        self._train_data = [("data_batch_1.bin", "aadd24acce27caa71bf4b10992e9e7b2d74c2540"),
                            ("data_batch_2.bin", "c0ba65cce70568cd57b4e03e9ac8d2a5367c1795"),
                            ("data_batch_3.bin", "1dd00a74ab1d17a6e7d73e185b69dbf31242f295"),
                            ("data_batch_4.bin", "aab85764eb3584312d3c7f65fd2fd016e36a258e"),
                            ("data_batch_5.bin", "26e2849e66a845b7f1e4614ae70f4889ae604628")]
        self._test_data = [("test_batch.bin", "67eb016db431130d61cd03c7ad570b013799c88c")]
        self._namespace = "cifar10"
        super().__init__(root, transform)

    def _read_batch(self, filename: str):
        with open(filename, "rb") as fin:
            data = np.frombuffer(fin.read(), dtype=np.uint8).reshape(-1, 3072 + self._record)
        return (data[:, self._record:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1),
                data[:, self._label_column()].astype(np.int32))

    def _label_column(self) -> int:
        return 0

    def _get_data(self):
        files = self._train_data if self._train else self._test_data
        if any(not os.path.exists(os.path.join(self._root, name)) for name, _ in files):
            archive = download(_get_repo_file_url("gluon/dataset/" + self._namespace, self._archive_file[0]),
                               path=self._root, sha1_hash=self._archive_file[1])
            with tarfile.open(archive) as tar:
                tar.extractall(self._root, filter="data")
            for name, sha1 in files:
                if not check_sha1(os.path.join(self._root, name), sha1):
                    warnings.warn(f"{name}: SHA-1 does not match the published file", stacklevel=2)
        data, label = zip(*(self._read_batch(os.path.join(self._root, name)) for name, _ in files), strict=True)
        self._data = _creation.array(np.concatenate(data), dtype=np.uint8)
        self._label = np.concatenate(label)


class CIFAR100(CIFAR10):
    """CIFAR-100 (``train.bin``, ``test.bin``); labels are the 20 coarse classes unless ``fine_label``."""

    _record = 2

    def __init__(self, root: str = os.path.join(_data_dir(), "datasets", "cifar100"), fine_label: bool = False,
                 train: bool = True, transform: Any = None):
        self._train = train
        self._archive_file = ("cifar-100-binary.tar.gz", "a0bb982c76b83111308126cc779a992fa506b90b")
        self._train_data = [("train.bin", "e207cd2e05b73b1393c74c7f5e7bea451d63e08e")]
        self._test_data = [("test.bin", "8fb6623e830365ff53cf14adec797474f5478006")]
        self._fine_label = fine_label
        self._namespace = "cifar100"
        dataset._DownloadedDataset.__init__(self, root, transform)

    def _label_column(self) -> int:
        return int(bool(self._fine_label))


class ImageRecordDataset(dataset.RecordFileDataset):
    """Images packed in a RecordIO file (MXNet's im2rec format): a sample is ``(image (H, W, C) uint8,
    label)``; ``flag`` 1 gives RGB, 0 grayscale."""

    def __init__(self, filename: str, flag: int = 1, transform: Any = None):
        super().__init__(filename)
        self._flag = flag
        self._transform = transform

    def __getitem__(self, idx):
        record = super().__getitem__(idx)
        flag, label, _id, _id2 = struct.unpack("IfQQ", record[:24])
        payload = record[24:]
        if flag > 0:
            label = np.frombuffer(payload[:4 * flag], np.float32).copy()
            payload = payload[4 * flag:]
        img = NDArray(_imdecode(payload, self._flag), current_context())
        if self._transform is not None:
            return self._transform(img, label)
        return img, label


def _png_decode(raw: bytes) -> np.ndarray:
    """Decode a non-interlaced 8-bit PNG (gray, gray+alpha, RGB, RGBA, palette) to an (H, W, C) uint8 array."""
    import zlib
    if raw[:8] != b"\x89PNG\r\n\x1a\n":
        raise MXNetError("not a PNG file")
    pos, idat, palette = 8, [], None
    width = height = depth = ctype = interlace = 0
    while pos < len(raw):
        (length,) = struct.unpack(">I", raw[pos:pos + 4])
        tag, body = raw[pos + 4:pos + 8], raw[pos + 8:pos + 8 + length]
        pos += 12 + length
        if tag == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif tag == b"PLTE":
            palette = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif tag == b"IDAT":
            idat.append(body)
        elif tag == b"IEND":
            break
    if depth != 8 or interlace:
        raise NotImplementedError("PNG with bit depth != 8 or interlacing: install Pillow to read it")
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    stride = width * channels
    data = np.frombuffer(zlib.decompress(b"".join(idat)), np.uint8).reshape(height, stride + 1)
    out = np.zeros((height, stride), np.int32)
    prev = np.zeros(stride, np.int32)
    for y in range(height):  # PNG filters are sequential along rows
        f, line = data[y, 0], data[y, 1:].astype(np.int32)
        if f == 0:
            cur = line
        elif f == 1:  # Sub: a running sum along the row, per channel
            cur = (np.cumsum(line.reshape(width, channels), axis=0) & 255).reshape(-1)
        elif f == 2:  # Up
            cur = (line + prev) & 255
        else:  # Average / Paeth depend on the pixel just decoded: one pixel (all channels) at a time
            cur = np.zeros(stride, np.int32)
            zero = np.zeros(channels, np.int32)
            for x in range(0, stride, channels):
                a = cur[x - channels:x] if x else zero
                b = prev[x:x + channels]
                c = prev[x - channels:x] if x else zero
                if f == 3:
                    p = (a + b) // 2
                else:
                    pa, pb, pc = np.abs(b - c), np.abs(a - c), np.abs(a + b - 2 * c)
                    p = np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))
                cur[x:x + channels] = (line[x:x + channels] + p) & 255
        out[y] = cur
        prev = cur
    img = out.astype(np.uint8).reshape(height, width, channels)
    if ctype == 3:
        img = palette[img[..., 0]]
    return img


def _imread(filename: str, flag: int) -> np.ndarray:
    """(H, W, 3) RGB (flag=1) or (H, W, 1) gray (flag=0) uint8 image from a file."""
    with open(filename, "rb") as f:
        return _imdecode(f.read(), flag)


def _imdecode(buf: bytes, flag: int) -> np.ndarray:
    """Decode image bytes (Pillow when installed; otherwise PNG only) to (H, W, 3) RGB or (H, W, 1) gray."""
    try:
        from PIL import Image
    except ImportError:
        Image = None
    if Image is not None:
        import io
        with Image.open(io.BytesIO(buf)) as im:
            img = np.asarray(im.convert("RGB" if flag else "L"))
        return img if flag else img[..., None]
    if buf[:8] != b"\x89PNG\r\n\x1a\n":
        raise NotImplementedError("decoding images other than PNG needs Pillow (pip install pillow)")
    img = _png_decode(buf)
    c = img.shape[2]
    rgb = img[..., :3] if c >= 3 else np.repeat(img[..., :1], 3, axis=2)
    if flag:
        return np.ascontiguousarray(rgb)
    gray = rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    return np.clip(np.rint(gray), 0, 255).astype(np.uint8)[..., None]


class ImageFolderDataset(dataset.Dataset):
    """Images in ``root/<class name>/<image>``: classes are the sorted folder names (``synsets``), a sample
    is ``(image NDArray (H, W, C) uint8, label)``. Reads .jpg/.jpeg/.png (JPEG needs Pillow)."""

    def __init__(self, root: str, flag: int = 1, transform: Any = None):
        self._root = os.path.expanduser(root)
        self._flag = flag
        self._transform = transform
        self._exts = [".jpg", ".jpeg", ".png"]
        self._list_images(self._root)

    def _list_images(self, root: str) -> None:
        self.synsets: list[str] = []
        self.items: list[tuple[str, int]] = []
        for folder in sorted(os.listdir(root)):
            path = os.path.join(root, folder)
            if not os.path.isdir(path):
                warnings.warn(f"Ignoring {path}, which is not a directory.", stacklevel=3)
                continue
            label = len(self.synsets)
            self.synsets.append(folder)
            for filename in sorted(os.listdir(path)):
                filename = os.path.join(path, filename)
                ext = os.path.splitext(filename)[1]
                if ext.lower() not in self._exts:
                    warnings.warn(f"Ignoring {filename} of type {ext}. Only support {', '.join(self._exts)}",
                                  stacklevel=3)
                    continue
                self.items.append((filename, label))

    def __getitem__(self, idx: int):
        img = NDArray(_imread(self.items[idx][0], self._flag), current_context())
        label = self.items[idx][1]
        if self._transform is not None:
            return self._transform(img, label)
        return img, label

    def __len__(self) -> int:
        return len(self.items)
