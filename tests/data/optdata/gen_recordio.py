"""Write a tiny RecordIO file with real MXNet 1.9.1 and record what its datasets read from it
(writes tiny.rec, tiny.idx and recordio.npz).

Run: /work/main/.venv-mxnet/bin/python tests/data/optdata/gen_recordio.py
"""
import os
import struct
import zlib

import mxnet as mx
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def png_bytes(img):
    h, w, _ = img.shape
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))

    def chunk(tag, body):
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main():
    rng = np.random.RandomState(9)
    rec = mx.recordio.MXIndexedRecordIO(os.path.join(HERE, "tiny.idx"), os.path.join(HERE, "tiny.rec"), "w")
    imgs = [rng.randint(0, 256, (3, 4, 3)).astype(np.uint8) for _ in range(2)]
    rec.write_idx(0, mx.recordio.pack(mx.recordio.IRHeader(0, 4.0, 0, 0), png_bytes(imgs[0])))
    rec.write_idx(1, mx.recordio.pack(mx.recordio.IRHeader(2, [1.5, 2.5], 1, 0), png_bytes(imgs[1])))
    # a raw record with the RecordIO magic inside (aligned), which the writer splits
    magic = struct.pack("<I", 0xCED7230A)
    rec.write_idx(2, b"abcd" + magic + b"efgh" + magic + b"xy")
    rec.close()
    out = {}
    ds = mx.gluon.data.vision.ImageRecordDataset(os.path.join(HERE, "tiny.rec"))
    for i in range(2):
        img, label = ds[i]
        out[f"img{i}"], out[f"label{i}"] = img.asnumpy(), np.asarray(label, dtype=np.float32)
    raw = mx.gluon.data.RecordFileDataset(os.path.join(HERE, "tiny.rec"))
    out["raw2"] = np.frombuffer(raw[2], np.uint8)
    out["len"] = np.array(len(raw))
    np.savez_compressed(os.path.join(HERE, "recordio.npz"), **out)


if __name__ == "__main__":
    main()
