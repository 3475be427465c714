"""Image transforms (``gluon.data.vision.transforms``) on (H, W, C) images, in NumPy only.

Transforms are callables with MXNet's names and arguments, usable with ``Dataset.transform_first`` and
picklable for DataLoader workers. Random transforms draw from NumPy's global random state
(``RandomResizedCrop`` from Python's ``random``, as MXNet's ``image.random_size_crop``). uint8 results are
rounded and saturated, as OpenCV's ``saturate_cast``.
"""
from __future__ import annotations

import random
from typing import Any

import numpy as np

from ....base import numeric_types, np_dtype
from ....ndarray import NDArray
from ...block import Block, HybridBlock
from ...nn import HybridSequential, Sequential

__all__ = ["Compose", "Cast", "ToTensor", "Normalize", "Rotate", "RandomRotation", "Resize", "CenterCrop", "CropResize",
           "RandomResizedCrop",
           "RandomFlipLeftRight", "RandomFlipTopBottom", "RandomBrightness", "RandomContrast", "RandomSaturation",
           "RandomHue", "RandomColorJitter", "RandomLighting", "RandomApply"]

_GRAY = np.array([0.299, 0.587, 0.114], np.float32)
_EIGVAL = np.array([55.46, 4.794, 1.148], np.float32)
_EIGVEC = np.array([[-0.5675, 0.7192, 0.4009],
                    [-0.5808, -0.0045, -0.8140],
                    [-0.5836, -0.6948, 0.4203]], np.float32)


def _raw(x: Any) -> np.ndarray:
    """The host array behind ``x`` (no copy: transforms never write into their input)."""
    if isinstance(x, NDArray):
        from ....backend import to_host
        return to_host(x._data)
    return np.asarray(x)


def _wrap(raw: np.ndarray, like: Any) -> Any:
    if isinstance(like, NDArray):
        from ....backend import to_device
        ctx = like.context
        return NDArray(to_device(raw, ctx.device_type, ctx.device_id), ctx)
    return raw


def _saturate(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Cast float results back to ``dtype``: round and clip for integer types (OpenCV's saturate_cast)."""
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return np.clip(np.rint(values), info.min, info.max).astype(dtype)
    return values.astype(dtype, copy=False)


def _resample_matrix(n_out: int, n_in: int, interpolation: int, shrink: bool = True) -> np.ndarray:
    """(n_out, n_in) weights of OpenCV's bicubic (2), area (3) or Lanczos-4 (4) resampling along one axis
    (half-pixel grid, edge pixels repeated); the codes are OpenCV's, which MXNet passes through. Area
    averages source spans only when the image shrinks along both axes (``shrink``), as OpenCV."""
    scale = n_in / n_out
    m = np.zeros((n_out, n_in), np.float64)
    rows = np.arange(n_out)
    if interpolation == 3 and shrink:  # area: the mean of the source span each output pixel covers
        lo = rows * scale
        hi = lo + scale
        for j in range(n_in):
            m[:, j] = np.clip(np.minimum(hi, j + 1) - np.maximum(lo, j), 0, None)
        return (m / scale).astype(np.float32)
    if interpolation == 3:  # area when enlarging: OpenCV's linear weights on the pixel grid
        sx = np.floor(rows * scale).astype(np.intp)
        fx = (rows + 1) - (sx + 1) / scale
        fx = np.where(fx <= 0, 0.0, fx - np.floor(fx))
        taps = [(sx, 1 - fx), (sx + 1, fx)]
    else:
        pos = (rows + 0.5) * scale - 0.5
        sx = np.floor(pos).astype(np.intp)
        f = pos - sx
        if interpolation == 2:
            a = -0.75
            w0 = ((a * (f + 1) - 5 * a) * (f + 1) + 8 * a) * (f + 1) - 4 * a
            w1 = ((a + 2) * f - (a + 3)) * f * f + 1
            w2 = ((a + 2) * (1 - f) - (a + 3)) * (1 - f) * (1 - f) + 1
            taps = [(sx - 1, w0), (sx, w1), (sx + 1, w2), (sx + 2, 1 - w0 - w1 - w2)]
        else:
            ws = []
            for k in range(-3, 5):
                x = (f - k) * np.pi
                with np.errstate(invalid="ignore", divide="ignore"):
                    v = np.where(np.abs(x) < 1e-12, 1.0, np.sin(x) * np.sin(x / 4) / (x * x / 4))
                ws.append(v)
            total = np.sum(ws, axis=0)
            taps = [(sx + k, ws[k + 3] / total) for k in range(-3, 5)]
    for idx, weight in taps:
        np.add.at(m, (rows, np.clip(idx, 0, n_in - 1)), weight)
    return m.astype(np.float32)


def _resize(img: np.ndarray, w: int, h: int, interpolation: int = 1) -> np.ndarray:
    """Resize an (H, W, C) (or (N, H, W, C)) image to (h, w): nearest (0) or bilinear (1), with OpenCV's
    half-pixel sampling grid."""
    H, W = img.shape[-3], img.shape[-2]
    if (H, W) == (h, w):
        return img.copy()
    if interpolation == 0:
        ys = np.minimum(np.floor(np.arange(h) * (H / h)).astype(np.intp), H - 1)
        xs = np.minimum(np.floor(np.arange(w) * (W / w)).astype(np.intp), W - 1)
        return img[..., ys, :, :][..., :, xs, :]
    if interpolation in (2, 3, 4):
        shrink = H >= h and W >= w
        wy = _resample_matrix(h, H, interpolation, shrink)
        wx = _resample_matrix(w, W, interpolation, shrink)
        src = img.astype(np.float32, copy=False)
        out = np.einsum("yh,...hwc->...ywc", wy, src, optimize=True)
        out = np.einsum("xw,...ywc->...yxc", wx, out, optimize=True)
        return _saturate(out, img.dtype)
    if interpolation != 1:
        raise NotImplementedError(f"Resize interpolation={interpolation}: ndgrad has 0 (nearest), 1 (bilinear), "
                                  "2 (bicubic), 3 (area) and 4 (lanczos)")

    def grid(n_out, n_in):
        s = (np.arange(n_out, dtype=np.float64) + 0.5) * (n_in / n_out) - 0.5
        i0 = np.floor(s)
        f = s - i0
        i0 = i0.astype(np.intp)
        low = i0 < 0
        f[low], i0[low] = 0.0, 0
        high = i0 >= n_in - 1
        f[high], i0[high] = 0.0, n_in - 1
        return i0, np.minimum(i0 + 1, n_in - 1), f.astype(np.float32)

    y0, y1, fy = grid(h, H)
    x0, x1, fx = grid(w, W)
    src = img.astype(np.float32, copy=False)
    rows = src[..., y0, :, :] * (1 - fy)[:, None, None] + src[..., y1, :, :] * fy[:, None, None]
    out = rows[..., x0, :] * (1 - fx)[:, None] + rows[..., x1, :] * fx[:, None]
    return _saturate(out, img.dtype)


def _crop(img: np.ndarray, x0: int, y0: int, w: int, h: int, size: tuple | None = None,
          interpolation: int = 1) -> np.ndarray:
    out = img[..., y0:y0 + h, x0:x0 + w, :]
    if size is not None and (w, h) != tuple(size):
        out = _resize(out, size[0], size[1], interpolation)
    return np.ascontiguousarray(out)


def _scale_down(src_size: tuple, size: tuple) -> tuple:
    """Shrink ``size`` (w, h) keeping its aspect ratio until it fits in ``src_size``."""
    w, h = size
    sw, sh = src_size
    if sh < h:
        w, h = float(w * sh) / h, sh
    if sw < w:
        w, h = sw, float(h * sw) / w
    return int(w), int(h)


class _Transform(Block):
    """Base of the Block transforms (random ones, which MXNet keeps out of hybridized graphs)."""

    def __init__(self):
        super().__init__()

    def forward(self, x: Any, *args: Any) -> Any:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class _HybridTransform(HybridBlock):
    """Base of the HybridBlock transforms: ``hybrid_forward(F, x)`` runs the NumPy implementation."""

    def __init__(self):
        super().__init__()

    def forward(self, x: Any, *args: Any) -> Any:
        return self._apply(x)  # no Parameters to gather: skip HybridBlock's per-call bookkeeping

    def hybrid_forward(self, F: Any, x: Any, *args: Any) -> Any:
        return self._apply(x)

    def _apply(self, x: Any) -> Any:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Compose(Sequential):
    """Apply transforms one after another; runs of consecutive HybridBlocks are grouped into a hybridized
    HybridSequential, as in MXNet."""

    def __init__(self, transforms: list):
        super().__init__()
        hybrid: list = []
        for t in [*transforms, None]:
            if isinstance(t, HybridBlock):
                hybrid.append(t)
                continue
            if len(hybrid) == 1:
                self.add(hybrid[0])
            elif len(hybrid) > 1:
                group = HybridSequential()
                group.add(*hybrid)
                group.hybridize()
                self.add(group)
            hybrid = []
            if t is not None:
                self.add(t)


class Cast(_HybridTransform):
    """Cast the input to ``dtype``."""

    def __init__(self, dtype: Any = "float32"):
        super().__init__()
        self._dtype = dtype

    def _apply(self, x):
        return _wrap(_raw(x).astype(np_dtype(self._dtype)), x)


class ToTensor(_HybridTransform):
    """(H, W, C) in [0, 255] -> (C, H, W) float32 in [0, 1] (also (N, H, W, C) -> (N, C, H, W))."""

    def _apply(self, x):
        raw = _raw(x)
        if raw.ndim not in (3, 4):
            raise ValueError(f"ToTensor expects a 3-D (H, W, C) or 4-D (N, H, W, C) image, got shape {raw.shape}")
        src = np.moveaxis(raw, -1, -3)
        out = np.empty(src.shape, np.float32)
        np.divide(src, np.float32(255.0), out=out, dtype=np.float32)
        return _wrap(out, x)


class Normalize(_HybridTransform):
    """``(x - mean[c]) / std[c]`` on a (C, H, W) or (N, C, H, W) tensor."""

    def __init__(self, mean: Any = 0.0, std: Any = 1.0):
        super().__init__()
        self._mean = mean
        self._std = std

    def _apply(self, x):
        raw = _raw(x)
        if raw.ndim not in (3, 4):
            raise ValueError(f"Normalize expects a (C, H, W) or (N, C, H, W) tensor, got shape {raw.shape}")
        c = raw.shape[-3]
        mean = np.asarray(self._mean, np.float32).reshape(-1)
        std = np.asarray(self._std, np.float32).reshape(-1)
        for name, v in (("mean", mean), ("std", std)):
            if v.size not in (1, c):
                raise ValueError(f"Normalize: {name} has {v.size} values for {c} channels")
        dt = raw.dtype if raw.dtype.kind == "f" else np.dtype(np.float32)  # float inputs keep their dtype
        out = (raw.astype(dt) - mean.astype(dt).reshape(-1, 1, 1)) / std.astype(dt).reshape(-1, 1, 1)
        return _wrap(out.astype(dt, copy=False), x)


def _bilinear_sample(src: np.ndarray, gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    """Sample (N, C, H, W) images at normalised coordinates in [-1, 1] (N, H', W'); zeros outside."""
    n, c, h, w = src.shape
    x = (gx + 1.0) * (w - 1) / 2.0
    y = (gy + 1.0) * (h - 1) / 2.0
    x0 = np.floor(x).astype(np.intp)
    y0 = np.floor(y).astype(np.intp)
    fx = (x - x0).astype(np.float32)
    fy = (y - y0).astype(np.float32)
    out = np.zeros((n, c, *gx.shape[1:]), np.float32)
    batch = np.arange(n).reshape(n, 1, 1)
    for dy, wy in ((0, 1 - fy), (1, fy)):
        for dx, wx in ((0, 1 - fx), (1, fx)):
            yy, xx = y0 + dy, x0 + dx
            inside = (yy >= 0) & (yy < h) & (xx >= 0) & (xx < w)
            vals = src[batch, :, np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)]  # (N, H', W', C)
            weight = (wy * wx * inside)[..., None]
            out += np.moveaxis(vals * weight, -1, 1)
    return out


def _imrotate(src: np.ndarray, degrees: Any, zoom_in: bool = False, zoom_out: bool = False) -> np.ndarray:
    """Rotate float32 (C, H, W) or (N, C, H, W) images by ``degrees`` (counter-clockwise) around their
    centre, bilinearly, zero outside; ``zoom_in`` crops the black corners away, ``zoom_out`` keeps the
    whole rotated image."""
    if zoom_in and zoom_out:
        raise ValueError("`zoom_in` and `zoom_out` cannot be both True")
    if src.dtype != np.float32:
        raise TypeError("Only `float32` images are supported by this function")
    expanded = src.ndim == 3
    if expanded:
        if not isinstance(degrees, numeric_types):
            raise TypeError("When a single image is passed the rotation angle is required to be a scalar.")
        src = src[None]
    elif src.ndim != 4:
        raise ValueError("Only 3D and 4D are supported by this function")
    degrees = np.full(len(src), degrees, np.float32) if isinstance(degrees, numeric_types) else \
        np.asarray(degrees, np.float32).reshape(-1)
    if len(degrees) != len(src):
        raise ValueError("The number of images must be equal to the number of rotation angles")
    rad = (np.pi * degrees / 180).astype(np.float32).reshape(-1, 1, 1)
    _, _, h, w = src.shape
    hscale, wscale = float(h - 1) / 2, float(w - 1) / 2
    hm = (np.arange(h, dtype=np.float32).reshape(h, 1) - hscale) * np.ones((1, w), np.float32)
    wm = (np.arange(w, dtype=np.float32).reshape(1, w) - wscale) * np.ones((h, 1), np.float32)
    cos, sin = np.cos(rad), np.sin(rad)
    gx = (wm * cos - hm * sin) / wscale
    gy = (wm * sin + hm * cos) / hscale
    if zoom_in or zoom_out:
        rho = np.sqrt(np.float32(h * h + w * w))
        ang = np.arctan(np.float32(h / w))
        a = np.abs(rad)
        max_x = np.maximum(np.abs(rho * np.cos(ang + a)), np.abs(rho * np.cos(ang - a)))
        max_y = np.maximum(np.abs(rho * np.sin(ang + a)), np.abs(rho * np.sin(ang - a)))
        scale = np.maximum(max_x / w, max_y / h) if zoom_out else np.minimum(w / max_x, h / max_y)
        gx, gy = gx * scale, gy * scale
    out = _bilinear_sample(src, gx, gy)
    return out[0] if expanded else out


class Rotate(_Transform):
    """Rotate float32 (C, H, W) or (N, C, H, W) images by ``rotation_degrees`` (use after ToTensor)."""

    def __init__(self, rotation_degrees: float, zoom_in: bool = False, zoom_out: bool = False):
        super().__init__()
        self._args = (rotation_degrees, zoom_in, zoom_out)

    def forward(self, x):
        if x.dtype is not np.float32:
            raise TypeError("This transformation only supports float32. Consider calling it after ToTensor")
        return _wrap(_imrotate(_raw(x), *self._args), x)


class RandomRotation(_Transform):
    """Rotate by an angle drawn uniformly from ``angle_limits``, with probability ``rotate_with_proba``."""

    def __init__(self, angle_limits: tuple, zoom_in: bool = False, zoom_out: bool = False,
                 rotate_with_proba: float = 1.0):
        super().__init__()
        lower, upper = angle_limits
        if lower >= upper:
            raise ValueError("`angle_limits` must be an ordered tuple")
        if rotate_with_proba < 0 or rotate_with_proba > 1:
            raise ValueError("Probability of rotating the image should be between 0 and 1")
        self._args = (angle_limits, zoom_in, zoom_out)
        self._rotate_with_proba = rotate_with_proba

    def forward(self, x):
        if np.random.random() > self._rotate_with_proba:
            return x
        if x.dtype is not np.float32:
            raise TypeError("This transformation only supports float32. Consider calling it after ToTensor")
        limits, zoom_in, zoom_out = self._args
        raw = _raw(x)
        degrees = np.random.uniform(*limits) if raw.ndim == 3 else np.random.uniform(*limits, size=raw.shape[0])
        return _wrap(_imrotate(raw, degrees, zoom_in, zoom_out), x)


class Resize(_HybridTransform):
    """Resize to ``size`` = (width, height) or an int (square; with ``keep_ratio``, the short side)."""

    def __init__(self, size: Any, keep_ratio: bool = False, interpolation: int = 1):
        super().__init__()
        self._keep = keep_ratio
        self._size = size
        self._interpolation = interpolation

    def _apply(self, x):
        raw = _raw(x)
        H, W = raw.shape[-3], raw.shape[-2]
        if isinstance(self._size, numeric_types):
            if self._keep:
                if H < W:
                    h, w = int(self._size), int(W * self._size / H)
                else:
                    w, h = int(self._size), int(H * self._size / W)
            else:
                w = h = int(self._size)
        else:
            w, h = (int(v) for v in self._size)
        return _wrap(_resize(raw, w, h, self._interpolation), x)


class CropResize(_HybridTransform):
    """Crop the (width, height) box at (x, y), then optionally resize to ``size``."""

    def __init__(self, x: int, y: int, width: int, height: int, size: Any = None, interpolation: Any = None):
        super().__init__()
        self._x, self._y, self._width, self._height = x, y, width, height
        self._size = (size, size) if isinstance(size, numeric_types) else size
        self._interpolation = 1 if interpolation is None else interpolation

    def _apply(self, x):
        return _wrap(_crop(_raw(x), self._x, self._y, self._width, self._height, self._size,
                           self._interpolation), x)


class CenterCrop(_Transform):
    """Crop the center to ``size`` (w, h) (an int for a square), resizing when the image is smaller."""

    def __init__(self, size: Any, interpolation: int = 1):
        super().__init__()
        self._size = (size, size) if isinstance(size, numeric_types) else tuple(size)
        self._interpolation = interpolation

    def forward(self, x):
        raw = _raw(x)
        h, w = raw.shape[-3], raw.shape[-2]
        new_w, new_h = _scale_down((w, h), self._size)
        x0, y0 = int((w - new_w) / 2), int((h - new_h) / 2)
        return _wrap(_crop(raw, x0, y0, new_w, new_h, self._size, self._interpolation), x)


class RandomResizedCrop(_Transform):
    """Crop a random area (fraction ``scale`` of the image, aspect ratio in ``ratio``) and resize it to
    ``size``; falls back to a center crop after 10 tries."""

    def __init__(self, size: Any, scale: tuple = (0.08, 1.0), ratio: tuple = (3.0 / 4.0, 4.0 / 3.0),
                 interpolation: int = 1):
        super().__init__()
        self._size = (size, size) if isinstance(size, numeric_types) else tuple(size)
        self._scale = scale
        self._ratio = ratio
        self._interpolation = interpolation

    def forward(self, x):
        raw = _raw(x)
        h, w = raw.shape[0], raw.shape[1]
        area = (self._scale, 1.0) if isinstance(self._scale, numeric_types) else self._scale
        for _ in range(10):
            target_area = random.uniform(area[0], area[1]) * h * w
            log_ratio = (np.log(self._ratio[0]), np.log(self._ratio[1]))
            new_ratio = np.exp(random.uniform(*log_ratio))
            new_w = round(np.sqrt(target_area * new_ratio))
            new_h = round(np.sqrt(target_area / new_ratio))
            if new_w <= w and new_h <= h:
                x0 = random.randint(0, w - new_w)
                y0 = random.randint(0, h - new_h)
                return _wrap(_crop(raw, x0, y0, new_w, new_h, self._size, self._interpolation), x)
        return CenterCrop(self._size, self._interpolation)(x)


class RandomFlipLeftRight(_HybridTransform):
    """Flip the image horizontally with probability 0.5."""

    def _apply(self, x):
        if np.random.random() < 0.5:
            return x
        raw = _raw(x)
        return _wrap(np.ascontiguousarray(np.flip(raw, axis=raw.ndim - 2)), x)


class RandomFlipTopBottom(_HybridTransform):
    """Flip the image vertically with probability 0.5."""

    def _apply(self, x):
        if np.random.random() < 0.5:
            return x
        raw = _raw(x)
        return _wrap(np.ascontiguousarray(np.flip(raw, axis=raw.ndim - 3)), x)


def _brightness(raw: np.ndarray, alpha: float) -> np.ndarray:
    return _saturate(raw.astype(np.float32) * np.float32(alpha), raw.dtype)


def _contrast(raw: np.ndarray, alpha: float) -> np.ndarray:
    f = raw.astype(np.float32)
    gray_mean = float((f[..., :3] @ _GRAY).mean())
    return _saturate(f * np.float32(alpha) + np.float32(gray_mean * (1.0 - alpha)), raw.dtype)


def _saturation(raw: np.ndarray, alpha: float) -> np.ndarray:
    f = raw.astype(np.float32)
    gray = (f[..., :3] @ _GRAY)[..., None] * np.float32(1.0 - alpha)
    return _saturate(f * np.float32(alpha) + gray, raw.dtype)


def _hue(raw: np.ndarray, alpha: float) -> np.ndarray:
    """Rotate the hue by ``alpha * 360`` degrees in HLS space."""
    f = raw.astype(np.float32)
    r, g, b = f[..., 0] / 255.0, f[..., 1] / 255.0, f[..., 2] / 255.0
    vmax = np.maximum(np.maximum(r, g), b)
    vmin = np.minimum(np.minimum(r, g), b)
    diff = vmax - vmin
    light = (vmax + vmin) / 2
    safe = np.where(diff > 0, diff, 1.0)
    den = np.where(light < 0.5, vmax + vmin, 2.0 - vmax - vmin)
    sat = np.where(diff > 0, diff / np.where(den > 0, den, 1.0), 0.0)
    hue = np.where(vmax == r, (g - b) / safe, np.where(vmax == g, 2.0 + (b - r) / safe, 4.0 + (r - g) / safe))
    hue = np.where(diff > 0, hue * 60.0, 0.0)
    hue = np.mod(hue + alpha * 360.0, 360.0)
    # HLS -> RGB
    q = np.where(light <= 0.5, light * (1 + sat), light + sat - light * sat)
    p = 2 * light - q

    def channel(t):
        t = np.mod(t, 360.0)
        return np.where(t < 60, p + (q - p) * t / 60, np.where(t < 180, q, np.where(t < 240,
                                                                                   p + (q - p) * (240 - t) / 60, p)))

    out = np.stack([channel(hue + 120), channel(hue), channel(hue - 120)], axis=-1) * 255.0
    res = f.copy()
    res[..., :3] = out
    return _saturate(res, raw.dtype)


def _lighting(raw: np.ndarray, alpha_std: float) -> np.ndarray:
    alpha = np.random.normal(0, alpha_std, size=(3,)).astype(np.float32)
    pca = _EIGVEC @ (alpha * _EIGVAL)
    return _saturate(raw.astype(np.float32) + pca, raw.dtype)


class _RandomFactor(_HybridTransform):
    _fn: Any = None

    def __init__(self, amount: float):
        super().__init__()
        self._args = (max(0.0, 1.0 - amount), 1.0 + amount)

    def _apply(self, x):
        alpha = np.random.uniform(*self._args)
        return _wrap(type(self)._fn(_raw(x), alpha), x)


class RandomBrightness(_RandomFactor):
    """Scale brightness by a factor drawn from ``[max(0, 1 - brightness), 1 + brightness]``."""

    _fn = staticmethod(_brightness)


class RandomContrast(_RandomFactor):
    """Blend with the mean gray level, factor from ``[max(0, 1 - contrast), 1 + contrast]``."""

    _fn = staticmethod(_contrast)


class RandomSaturation(_RandomFactor):
    """Blend each pixel with its gray value, factor from ``[max(0, 1 - saturation), 1 + saturation]``."""

    _fn = staticmethod(_saturation)


class RandomHue(_RandomFactor):
    """Rotate hue by ``alpha * 360`` degrees, alpha from ``[max(0, 1 - hue), 1 + hue]``."""

    _fn = staticmethod(_hue)


class RandomColorJitter(_HybridTransform):
    """Brightness, contrast, saturation and hue jitter (those that are non-zero), in random order."""

    def __init__(self, brightness: float = 0, contrast: float = 0, saturation: float = 0, hue: float = 0):
        super().__init__()
        self._args = (brightness, contrast, saturation, hue)

    def _apply(self, x):
        raw = _raw(x)
        fns = [f for f, a in zip((_brightness, _contrast, _saturation, _hue), self._args, strict=True) if a > 0]
        amounts = [a for a in self._args if a > 0]
        for i in np.random.permutation(len(fns)):
            a = amounts[i]
            raw = fns[i](raw, np.random.uniform(max(0.0, 1.0 - a), 1.0 + a))
        return _wrap(raw, x)


class RandomLighting(_HybridTransform):
    """AlexNet-style PCA lighting noise with standard deviation ``alpha``."""

    def __init__(self, alpha: float):
        super().__init__()
        self._alpha = alpha

    def _apply(self, x):
        return _wrap(_lighting(_raw(x), self._alpha), x)


class RandomApply(_Transform):
    """Apply ``transforms`` with probability ``p``."""

    def __init__(self, transforms: Any, p: float = 0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, x):
        if self.p < random.random():
            return x
        return self.transforms(x)
