"""Gluon utilities: splitting batches over devices, global-norm clipping, file download and checks."""
from __future__ import annotations

import hashlib
import os
import uuid
import warnings
from typing import Any

import numpy as np

from ..context import Context
from ..ndarray import NDArray
from ..ndarray import creation as _creation

__all__ = ["split_data", "split_and_load", "clip_global_norm", "check_sha1", "download", "replace_file"]


def split_data(data: NDArray, num_slice: int, batch_axis: int = 0, even_split: bool = True) -> list:
    """Split ``data`` into ``num_slice`` slices along ``batch_axis`` (the first ``size % num_slice`` slices
    get one extra item when ``even_split`` is False)."""
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(f"data with shape {data.shape} cannot be evenly split into {num_slice} slices along axis "
                         f"{batch_axis}. Use a batch size that's multiple of {num_slice} or set even_split=False to "
                         "allow uneven partitioning of data.")
    n_each, extras = divmod(size, num_slice)
    bounds = np.cumsum([0] + extras * [n_each + 1] + (num_slice - extras) * [n_each])
    if batch_axis == 0:
        return [data[int(bounds[i]):int(bounds[i + 1])] for i in range(num_slice)]
    from ..ndarray import slice_axis
    return [slice_axis(data, axis=batch_axis, begin=int(bounds[i]), end=int(bounds[i + 1]))
            for i in range(num_slice)]


def split_and_load(data: Any, ctx_list: list, batch_axis: int = 0, even_split: bool = True) -> list:
    """Split ``data`` along ``batch_axis`` and put one slice on each context of ``ctx_list``."""
    if not isinstance(data, NDArray):
        data = _creation.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [s.as_in_context(ctx) for s, ctx in zip(slices, ctx_list, strict=True)]


def clip_global_norm(arrays: list, max_norm: float, check_isfinite: bool = True) -> Any:
    """Scale ``arrays`` in place so that the 2-norm of all of them together is at most ``max_norm``;
    returns that norm before scaling (a float, or a 1-element NDArray when ``check_isfinite`` is False)."""
    if len(arrays) == 0:
        raise AssertionError("clip_global_norm needs at least one array")
    ctx = arrays[0].context
    total = np.float32(0)
    for arr in arrays:
        x = np.asarray(arr.asnumpy(), dtype=np.float32).ravel()
        total = total + np.dot(x, x)
    total_norm = np.sqrt(np.float32(total), dtype=np.float32)
    if check_isfinite and not np.isfinite(total_norm):
        warnings.warn(UserWarning("nan or inf is detected. Clipping results will be undefined."), stacklevel=2)
    scale = min(np.float32(max_norm) / (total_norm + np.float32(1e-8)), np.float32(1.0))
    for arr in arrays:
        arr._data *= arr._data.dtype.type(scale)
    if check_isfinite:
        return total_norm  # a NumPy float32, as asscalar() gives in MXNet
    return _creation.array([total_norm], ctx=ctx)


def check_sha1(filename: str, sha1_hash: str) -> bool:
    """Whether the SHA-1 of the file's content is ``sha1_hash``."""
    sha1 = hashlib.sha1()
    with open(filename, "rb") as f:
        while True:
            chunk = f.read(1048576)
            if not chunk:
                break
            sha1.update(chunk)
    return sha1.hexdigest() == sha1_hash


def replace_file(src: str, dst: str) -> None:
    """Atomically move ``src`` to ``dst``."""
    try:
        os.replace(src, dst)
    except OSError:
        try:
            os.remove(src)
        except OSError:
            pass
        raise OSError(f"Moving downloaded temp file - {src}, to {dst} failed. Please retry the download.") from None


def download(url: str, path: str | None = None, overwrite: bool = False, sha1_hash: str | None = None,
             retries: int = 5, verify_ssl: bool = True) -> str:
    """Download ``url`` (with urllib) to ``path`` (a file or a folder), unless the file is already there with
    the right SHA-1; returns the file name."""
    import ssl
    import urllib.request

    if path is None:
        fname = url.rsplit("/", maxsplit=1)[-1]
        if not fname:
            raise AssertionError("Can't construct file-name from this URL. Please set the `path` option manually.")
    else:
        path = os.path.expanduser(path)
        fname = os.path.join(path, url.rsplit("/", maxsplit=1)[-1]) if os.path.isdir(path) else path
    if retries < 0:
        raise AssertionError("Number of retries should be at least 0")
    if not verify_ssl:
        warnings.warn("Unverified HTTPS request is being made (verify_ssl=False). Adding certificate verification "
                      "is strongly advised.", stacklevel=2)
    if overwrite or not os.path.exists(fname) or (sha1_hash and not check_sha1(fname, sha1_hash)):
        dirname = os.path.dirname(os.path.abspath(os.path.expanduser(fname)))
        os.makedirs(dirname, exist_ok=True)
        context = None if verify_ssl else ssl._create_unverified_context()
        while retries + 1 > 0:
            try:
                print(f"Downloading {fname} from {url}...")
                tmp = f"{fname}.{uuid.uuid4()}"
                with urllib.request.urlopen(url, context=context) as r, open(tmp, "wb") as f:
                    while True:
                        chunk = r.read(1 << 20)
                        if not chunk:
                            break
                        f.write(chunk)
                if not os.path.exists(fname) or (sha1_hash and not check_sha1(fname, sha1_hash)):
                    replace_file(tmp, fname)
                else:
                    os.remove(tmp)
                if sha1_hash and not check_sha1(fname, sha1_hash):
                    raise UserWarning(f"File {fname} is downloaded but the content hash does not match. The repo "
                                      "may be outdated or download may be incomplete. If the `repo_url` is "
                                      "overridden, consider switching to the default repo.")
                break
            except Exception as e:
                retries -= 1
                if retries <= 0:
                    raise e
                print(f"download failed due to {e!r}, retrying, {retries} attempt{'s' if retries > 1 else ''} left")
    return fname


def _get_repo_url() -> str:
    default_repo = "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/"
    repo_url = os.environ.get("MXNET_GLUON_REPO", default_repo)
    return repo_url if repo_url.endswith("/") else repo_url + "/"


def _get_repo_file_url(namespace: str, filename: str) -> str:
    return f"{_get_repo_url()}{namespace}/{filename}"


def _context_list(ctx: Any) -> list:
    return [ctx] if isinstance(ctx, Context) else list(ctx)
