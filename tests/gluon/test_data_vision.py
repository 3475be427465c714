"""gluon.data.vision: datasets read from tiny files in their standard formats, and transforms against
MXNet 1.9.1 goldens (tests/data/optdata/gen_data.py). No network: every file is written here."""
import gzip
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from ndgrad import nd
from ndgrad.gluon.data import DataLoader
from ndgrad.gluon.data.vision import CIFAR10, CIFAR100, MNIST, FashionMNIST, ImageFolderDataset
from ndgrad.gluon.data.vision import transforms as T

GOLD = np.load(Path(__file__).resolve().parents[1] / "data" / "optdata" / "data.npz")


def _write_idx(path, arr, gz=True):
    header = struct.pack(">I", 0x800 + arr.ndim) + b"".join(struct.pack(">I", d) for d in arr.shape)
    opener = gzip.open if gz else open
    with opener(path, "wb") as f:
        f.write(header + arr.astype(np.uint8).tobytes())


@pytest.mark.parametrize("cls,gz", [(MNIST, True), (FashionMNIST, False)])
def test_mnist_format(tmp_path, cls, gz):
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 256, (5, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], np.uint8)
    suffix = ".gz" if gz else ""
    _write_idx(tmp_path / f"t10k-images-idx3-ubyte{suffix}", imgs, gz)
    _write_idx(tmp_path / f"t10k-labels-idx1-ubyte{suffix}", labels, gz)
    ds = cls(root=str(tmp_path), train=False)
    assert len(ds) == 5
    img, lab = ds[2]
    assert isinstance(img, nd.NDArray) and img.shape == (28, 28, 1) and img.dtype == np.uint8
    np.testing.assert_array_equal(img.asnumpy()[..., 0], imgs[2])
    assert lab == 4 and lab.dtype == np.int32
    ds = cls(root=str(tmp_path), train=False, transform=lambda d, lab: (d.astype("float32") / 255, lab + 1))
    d, lab = ds[0]
    assert d.dtype == np.float32 and lab == 4
    batch = next(iter(DataLoader(ds.transform_first(T.ToTensor()), batch_size=4)))
    assert batch[0].shape == (4, 1, 28, 28) and batch[1].dtype == np.int32


def test_cifar10_and_100_binary_batches(tmp_path):
    rng = np.random.default_rng(1)
    imgs = rng.integers(0, 256, (4, 3, 32, 32), dtype=np.uint8)
    labels = np.array([9, 0, 3, 7], np.uint8)
    (tmp_path / "test_batch.bin").write_bytes(
        np.concatenate([labels[:, None], imgs.reshape(4, -1)], axis=1).tobytes())
    ds = CIFAR10(root=str(tmp_path), train=False)
    assert len(ds) == 4
    img, lab = ds[3]
    assert img.shape == (32, 32, 3) and img.dtype == np.uint8 and lab == 7
    np.testing.assert_array_equal(img.asnumpy(), imgs[3].transpose(1, 2, 0))
    fine = np.array([55, 12, 99, 0], np.uint8)
    coarse = np.array([1, 2, 3, 4], np.uint8)
    (tmp_path / "test.bin").write_bytes(
        np.concatenate([coarse[:, None], fine[:, None], imgs.reshape(4, -1)], axis=1).tobytes())
    assert CIFAR100(root=str(tmp_path), train=False)[0][1] == 1
    ds = CIFAR100(root=str(tmp_path), train=False, fine_label=True)
    assert ds[2][1] == 99
    np.testing.assert_array_equal(ds[2][0].asnumpy(), imgs[2].transpose(1, 2, 0))


def _png(path, img):
    h, w, c = img.shape
    ctype = {1: 0, 3: 2, 4: 6}[c]
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))

    def chunk(tag, body):
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, ctype, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    Path(path).write_bytes(data)


@pytest.mark.parametrize("pillow", [True, False])
def test_image_folder_dataset(tmp_path, monkeypatch, pillow):
    if not pillow:
        import sys
        monkeypatch.setitem(sys.modules, "PIL", None)  # the NumPy PNG decoder
    else:
        pytest.importorskip("PIL")
    rng = np.random.default_rng(2)
    a = rng.integers(0, 256, (4, 5, 3), dtype=np.uint8)
    b = rng.integers(0, 256, (3, 2, 3), dtype=np.uint8)
    (tmp_path / "cat").mkdir()
    (tmp_path / "dog").mkdir()
    _png(tmp_path / "cat" / "x.png", a)
    _png(tmp_path / "dog" / "y.png", b)
    (tmp_path / "dog" / "notes.txt").write_text("skip me")
    (tmp_path / "readme.md").write_text("not a class")
    with pytest.warns(UserWarning):
        ds = ImageFolderDataset(str(tmp_path))
    assert ds.synsets == ["cat", "dog"] and len(ds) == 2
    img, lab = ds[1]
    assert lab == 1 and img.dtype == np.uint8
    np.testing.assert_array_equal(img.asnumpy(), b)
    with pytest.warns(UserWarning, match="Ignoring"):
        gray_ds = ImageFolderDataset(str(tmp_path), flag=0)
    gray, _ = gray_ds[0]
    assert gray.shape == (4, 5, 1)
    np.testing.assert_allclose(gray.asnumpy()[..., 0], a.astype(np.float32) @ [0.299, 0.587, 0.114], atol=1.0)


def test_png_fallback_decoder_filters():
    from ndgrad.gluon.data.vision.datasets import _png_decode
    rng = np.random.default_rng(3)
    img = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
    rows = []
    prev = np.zeros(12, np.int32)
    for y, f in enumerate([1, 2, 4, 3]):  # Sub, Up, Paeth, Average
        cur = img[y].reshape(-1).astype(np.int32)
        if f == 1:
            left = np.concatenate([np.zeros(3, np.int32), cur[:-3]])
            enc = (cur - left) & 255
        elif f == 2:
            enc = (cur - prev) & 255
        elif f == 3:
            left = np.concatenate([np.zeros(3, np.int32), cur[:-3]])
            enc = (cur - (left + prev) // 2) & 255
        else:
            enc = np.zeros(12, np.int32)
            for x in range(12):
                a_ = cur[x - 3] if x >= 3 else 0
                b_ = prev[x]
                c_ = prev[x - 3] if x >= 3 else 0
                pa, pb, pc = abs(b_ - c_), abs(a_ - c_), abs(a_ + b_ - 2 * c_)
                p = a_ if pa <= pb and pa <= pc else (b_ if pb <= pc else c_)
                enc[x] = (cur[x] - p) & 255
        rows.append(bytes([f]) + enc.astype(np.uint8).tobytes())
        prev = cur

    def chunk(tag, body):
        return struct.pack(">I", len(body)) + tag + body + b"\0\0\0\0"

    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
    np.testing.assert_array_equal(_png_decode(data), img)


IMG = nd.array(GOLD["img"], dtype="uint8")


@pytest.mark.parametrize("key,fn,atol", [
    ("to_tensor", T.ToTensor(), 0),
    ("normalize", lambda x: T.Normalize((0.4, 0.5, 0.6), (0.2, 0.25, 0.3))(T.ToTensor()(x)), 1e-6),
    ("normalize_scalar", lambda x: T.Normalize(0.5, 0.25)(T.ToTensor()(x)), 1e-6),
    ("resize_u8", T.Resize((4, 3)), 1),
    ("resize_up_u8", T.Resize((11, 9)), 1),
    ("resize_f32", lambda x: T.Resize((4, 3))(x.astype("float32")), 1e-3),
    ("resize_up_f32", lambda x: T.Resize((11, 9))(x.astype("float32")), 1e-3),
    ("resize_keep", T.Resize(3, keep_ratio=True), 1),
    ("resize_nearest", lambda x: T.Resize((4, 3), interpolation=0)(x.astype("float32")), 0),
    ("center_crop", T.CenterCrop(3), 0),
    ("center_crop_big", lambda x: T.CenterCrop((10, 4))(x.astype("float32")), 1e-3),
    ("crop_resize", T.CropResize(1, 2, 4, 3), 0),
    ("compose", T.Compose([T.Resize(4), T.ToTensor(), T.Normalize(0.5, 0.5)]), 2 / 255 / 0.5 + 1e-6),
])
def test_transforms_match_mxnet(key, fn, atol):
    got = fn(IMG)
    want = GOLD[key]
    assert isinstance(got, nd.NDArray) and got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got.asnumpy().astype(np.float64), want.astype(np.float64), rtol=0, atol=atol)


def test_cast_and_random_transforms():
    assert str(np.dtype(T.Cast("float16")(IMG).dtype)) == str(GOLD["cast"])
    x = IMG.asnumpy()
    np.random.seed(0)
    flips = [T.RandomFlipLeftRight()(IMG).asnumpy() for _ in range(20)]
    assert any((f == x).all() for f in flips) and any((f == x[:, ::-1]).all() for f in flips)
    assert all((f == x).all() or (f == x[:, ::-1]).all() for f in flips)
    flips = [T.RandomFlipTopBottom()(IMG).asnumpy() for _ in range(20)]
    assert all((f == x).all() or (f == x[::-1]).all() for f in flips)
    xf = IMG.astype("float32")
    b = T.RandomBrightness(0.3)(xf).asnumpy() / np.maximum(x, 1)
    ratio = b[x > 0]
    assert np.ptp(ratio) < 1e-5 and 0.7 <= ratio[0] <= 1.3
    u8 = T.RandomBrightness(0.3)(IMG)
    assert u8.dtype == np.uint8
    gray = T.RandomSaturation(1.0)(xf).asnumpy()  # alpha in [0, 2]
    assert gray.shape == x.shape
    c = T.RandomContrast(0.5)(xf).asnumpy()
    mean_gray = (x.astype(np.float32) @ [0.299, 0.587, 0.114]).mean()
    alpha = (c[0, 0, 0] - mean_gray) / (x[0, 0, 0] - mean_gray)
    np.testing.assert_allclose(c, x * alpha + mean_gray * (1 - alpha), rtol=1e-4, atol=1e-3)
    light = T.RandomLighting(0.1)(xf).asnumpy() - x
    np.testing.assert_allclose(light, np.broadcast_to(light[0, 0], light.shape), atol=1e-4)  # one shift per channel
    jit = T.RandomColorJitter(0.2, 0.2, 0.2, 0.1)(IMG)
    assert jit.shape == IMG.shape and jit.dtype == np.uint8
    import random
    random.seed(0)
    crops = [T.RandomResizedCrop(4)(IMG) for _ in range(5)]
    assert all(c.shape == (4, 4, 3) and c.dtype == np.uint8 for c in crops)
    assert T.RandomResizedCrop((6, 2), scale=(0.5, 0.5))(xf).shape == (2, 6, 3)


def test_hue_rotation_is_hls():
    # MXNet rotated [172, 47, 117] into [47, 172, 143.26] for some alpha: the HLS rotation reaches it
    from ndgrad.gluon.data.vision.transforms import _hue
    x = np.array([[[172, 47, 117]]], np.float32)
    alphas = np.linspace(0.5, 1.5, 400001)
    outs = _hue(np.repeat(x, alphas.size, axis=0), alphas[:, None])[:, 0]
    assert np.abs(outs - [47, 172, 143.26031]).max(axis=1).min() < 0.01
    np.testing.assert_allclose(_hue(x, 1.0), x, atol=1e-3)  # a full turn is the identity


def test_recordio_datasets_read_mxnet_written_file():
    from ndgrad.gluon.data import RecordFileDataset
    from ndgrad.gluon.data.vision import ImageRecordDataset
    folder = Path(__file__).resolve().parents[1] / "data" / "optdata"
    gold = np.load(folder / "recordio.npz")
    raw = RecordFileDataset(str(folder / "tiny.rec"))
    assert len(raw) == int(gold["len"])
    assert raw[2] == gold["raw2"].tobytes()  # a record MXNet split around embedded magic numbers
    ds = ImageRecordDataset(str(folder / "tiny.rec"))
    for i in range(2):
        img, label = ds[i]
        assert img.dtype == np.uint8
        np.testing.assert_array_equal(img.asnumpy(), gold[f"img{i}"])
        np.testing.assert_allclose(np.asarray(label, np.float32), gold[f"label{i}"])
    batches = list(DataLoader(ds.transform_first(T.ToTensor()).take(2), batch_size=1, num_workers=2))
    assert [b[0].shape for b in batches] == [(1, 3, 3, 4)] * 2  # the reader reopens its file in each worker


def test_transforms_are_blocks_as_in_mxnet():
    import pickle

    from ndgrad import gluon
    assert isinstance(T.ToTensor(), gluon.HybridBlock) and isinstance(T.RandomResizedCrop(3), gluon.Block)
    assert not isinstance(T.CenterCrop(3), gluon.HybridBlock)
    c = T.Compose([T.Resize(4), T.ToTensor(), T.Normalize(0.5, 0.5), T.CenterCrop(2)])
    assert isinstance(c, gluon.nn.Sequential) and len(c) == 2  # the three HybridBlocks are grouped
    assert isinstance(c[0], gluon.nn.HybridSequential) and len(c[0]) == 3
    net = gluon.nn.HybridSequential()
    net.add(T.ToTensor(), T.Normalize(0.5, 0.25))
    net.hybridize()
    np.testing.assert_allclose(net(IMG).asnumpy(), GOLD["normalize_scalar"], atol=1e-6)
    c2 = pickle.loads(pickle.dumps(c))  # workers may receive transforms pickled
    assert c2(IMG.astype("float32")).shape == c(IMG.astype("float32")).shape


def test_rotate_matches_mxnet():
    from ndgrad.gluon.data.vision.transforms import _imrotate
    timg = T.ToTensor()(IMG)
    for key, t in [("rotate30", T.Rotate(30)), ("rotate_in", T.Rotate(-50, zoom_in=True)),
                   ("rotate_out", T.Rotate(75, zoom_out=True))]:
        np.testing.assert_allclose(t(timg).asnumpy(), GOLD[key], atol=1e-6)
    batch = np.stack([timg.asnumpy(), timg.asnumpy() * 0.5])
    np.testing.assert_allclose(_imrotate(batch, [10.0, -120.0]), GOLD["rotate_batch"], atol=1e-6)
    with pytest.raises(TypeError, match="float32"):
        T.Rotate(10)(IMG)
    with pytest.raises(ValueError, match="ordered"):
        T.RandomRotation((10, 5))
    np.random.seed(0)
    assert T.RandomRotation((-10, 10))(timg).shape == timg.shape
    assert T.RandomRotation((-10, 10), rotate_with_proba=0.0)(timg) is timg


def test_to_tensor_and_normalize_dtypes():
    x = nd.array([[[255.0, 51.0, 0.0]]], dtype="float64")
    t = T.ToTensor()(x)
    assert t.dtype == np.float32
    np.testing.assert_allclose(t.asnumpy().ravel(), [1.0, 0.2, 0.0], rtol=1e-6)
    assert T.Normalize(0.5, 0.5)(t.astype("float64")).dtype == np.float64


@pytest.mark.parametrize("interp", [2, 3, 4])
@pytest.mark.parametrize("size", [(4, 3), (11, 9), (3, 8)])
def test_resize_bicubic_area_lanczos_match_mxnet(interp, size):
    w, h = size
    got = T.Resize(size, interpolation=interp)(IMG.astype("float32")).asnumpy()
    np.testing.assert_allclose(got, GOLD[f"resize_i{interp}_{w}x{h}_f32"], atol=1e-3)
    got = T.Resize(size, interpolation=interp)(IMG)
    assert got.dtype == np.uint8
    np.testing.assert_allclose(got.asnumpy().astype(int), GOLD[f"resize_i{interp}_{w}x{h}_u8"].astype(int), atol=1)
