"""Record gluon.data goldens (DataLoader batches, dataset views, deterministic transforms) from real
MXNet 1.9.1 (writes data.npz).

Run: /work/main/.venv-mxnet/bin/python tests/data/optdata/gen_data.py
"""
import os

import mxnet as mx
import numpy as np
from mxnet.gluon.data import ArrayDataset, DataLoader, SimpleDataset
from mxnet.gluon.data.vision import transforms as T

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    out = {}
    x = np.arange(7 * 2, dtype=np.float32).reshape(7, 2)
    y = np.arange(7) * 10  # int64 labels
    ds = ArrayDataset(mx.nd.array(x), y)
    for mode in ("keep", "discard", "rollover"):
        dl = DataLoader(ds, batch_size=3, last_batch=mode)
        out[f"len/{mode}"] = np.array(len(dl))
        k = 0
        for epoch in range(2):
            for data, label in dl:
                out[f"dl/{mode}/{epoch}/{k}/data"] = data.asnumpy()
                out[f"dl/{mode}/{epoch}/{k}/label"] = label.asnumpy()
                out[f"dl/{mode}/{epoch}/{k}/dtypes"] = np.array([str(np.dtype(data.dtype)),
                                                                  str(np.dtype(label.dtype))])
                k += 1
            out[f"dl/{mode}/{epoch}/count"] = np.array(k)
            k = 0
    # plain Python samples: floats and ints
    dl = DataLoader(SimpleDataset([(1.5, 2), (2.5, 3), (3.5, 4)]), batch_size=2)
    b = next(iter(dl))
    out["py/data"], out["py/label"] = b[0].asnumpy(), b[1].asnumpy()
    out["py/dtypes"] = np.array([str(np.dtype(b[0].dtype)), str(np.dtype(b[1].dtype))])
    # numpy samples (uint8 images)
    imgs = np.arange(3 * 2 * 2 * 3, dtype=np.uint8).reshape(3, 2, 2, 3)
    b = next(iter(DataLoader(SimpleDataset(list(imgs)), batch_size=3)))
    out["np/batch"], out["np/dtype"] = b.asnumpy(), np.array(str(np.dtype(b.dtype)))
    # dataset views
    base = SimpleDataset(list(range(10)))
    out["shard"] = np.array([list(base.shard(3, i)) + [-1] * (4 - len(base.shard(3, i))) for i in range(3)])
    out["take"] = np.array(list(base.take(4)))
    out["filter"] = np.array(list(base.filter(lambda v: v % 3 == 0)))
    out["transform"] = np.array(list(base.transform(lambda v: v * 2)))
    pairs = ArrayDataset(np.arange(4), np.arange(4) * 3)
    out["transform_first"] = np.array([list(t) for t in pairs.transform_first(lambda v: v + 100)])
    sampler = mx.gluon.data.BatchSampler(mx.gluon.data.SequentialSampler(7), 3, "rollover")
    out["batch_sampler_rollover"] = np.array([i for _ in range(3) for bt in sampler for i in bt])
    # transforms (deterministic)
    rng = np.random.RandomState(5)
    img = mx.nd.array(rng.randint(0, 256, (5, 7, 3)), dtype="uint8")
    out["img"] = img.asnumpy()
    out["to_tensor"] = T.ToTensor()(img).asnumpy()
    out["normalize"] = T.Normalize((0.4, 0.5, 0.6), (0.2, 0.25, 0.3))(T.ToTensor()(img)).asnumpy()
    out["normalize_scalar"] = T.Normalize(0.5, 0.25)(T.ToTensor()(img)).asnumpy()
    out["resize_u8"] = T.Resize((4, 3))(img).asnumpy()
    out["resize_up_u8"] = T.Resize((11, 9))(img).asnumpy()
    out["resize_f32"] = T.Resize((4, 3))(img.astype("float32")).asnumpy()
    out["resize_up_f32"] = T.Resize((11, 9))(img.astype("float32")).asnumpy()
    out["resize_keep"] = T.Resize(3, keep_ratio=True)(img).asnumpy()
    out["resize_nearest"] = T.Resize((4, 3), interpolation=0)(img.astype("float32")).asnumpy()
    out["center_crop"] = T.CenterCrop(3)(img).asnumpy()
    out["center_crop_big"] = T.CenterCrop((10, 4))(img.astype("float32")).asnumpy()
    out["crop_resize"] = T.CropResize(1, 2, 4, 3)(img).asnumpy()
    out["cast"] = np.array(str(np.dtype(T.Cast("float16")(img).dtype)))
    out["compose"] = T.Compose([T.Resize(4), T.ToTensor(), T.Normalize(0.5, 0.5)])(img).asnumpy()
    for interp in (2, 3, 4):
        for w, h in ((4, 3), (11, 9), (3, 8)):
            resize = T.Resize((w, h), interpolation=interp)
            out[f"resize_i{interp}_{w}x{h}_f32"] = resize(img.astype("float32")).asnumpy()
            out[f"resize_i{interp}_{w}x{h}_u8"] = resize(img).asnumpy()
    timg = T.ToTensor()(img)
    out["rotate30"] = T.Rotate(30)(timg).asnumpy()
    out["rotate_in"] = T.Rotate(-50, zoom_in=True)(timg).asnumpy()
    out["rotate_out"] = T.Rotate(75, zoom_out=True)(timg).asnumpy()
    batch = mx.nd.stack(timg, timg * 0.5)
    out["rotate_batch"] = mx.image.imrotate(batch, mx.nd.array([10.0, -120.0])).asnumpy()
    # gluon.utils
    data = mx.nd.array(np.arange(30, dtype=np.float32).reshape(10, 3))
    for i, part in enumerate(mx.gluon.utils.split_data(data, 3, even_split=False)):
        out[f"split0/{i}"] = part.asnumpy()
    for i, part in enumerate(mx.gluon.utils.split_data(data.reshape(3, 10), 4, batch_axis=1, even_split=False)):
        out[f"split1/{i}"] = part.asnumpy()
    arrs = [mx.nd.array(np.arange(6, dtype=np.float32).reshape(2, 3) - 2), mx.nd.array([3.0, -4.0])]
    out["clip/norm"] = np.array(mx.gluon.utils.clip_global_norm(arrs, 2.0))
    out["clip/a0"], out["clip/a1"] = arrs[0].asnumpy(), arrs[1].asnumpy()
    arrs = [mx.nd.array([0.3, 0.4])]
    out["clip_small/norm"] = np.array(mx.gluon.utils.clip_global_norm(arrs, 2.0))
    out["clip_small/a0"] = arrs[0].asnumpy()
    np.savez_compressed(os.path.join(HERE, "data.npz"), **out)


if __name__ == "__main__":
    main()
