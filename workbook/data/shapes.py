"""Scenes of one or two coloured shapes: random sampling, drawing, and captions.

A scene is a list of objects ``{"shape", "color", "size", "cx", "cy", "r"}`` and, for two
objects, a ``relation`` of the first to the second ("above", "below", "to the left of",
"to the right of"). Everything is driven by the ``numpy.random.Generator`` passed in.
"""

import numpy as np

IMAGE_SIZE = 32
BACKGROUND = (245, 245, 245)
COLORS = {
    "red": (215, 40, 40),
    "green": (40, 160, 60),
    "blue": (40, 80, 215),
    "yellow": (225, 195, 20),
    "purple": (140, 50, 180),
}
SHAPES = ("circle", "square", "triangle")
RADII = {"small": (3.0, 4.5), "big": (6.5, 8.5)}
SIZE_WORDS = {"small": ("small", "little"), "big": ("big", "large")}
INVERSE = {
    "above": "below",
    "below": "above",
    "to the left of": "to the right of",
    "to the right of": "to the left of",
}


def sample_scene(rng, size=IMAGE_SIZE):
    """Draw a random scene of one (40%) or two (60%) non-overlapping shapes."""
    n = 1 if rng.random() < 0.4 else 2
    while True:
        objs = []
        for _ in range(n):
            sz = ("small", "big")[rng.integers(2)]
            r = rng.uniform(*RADII[sz])
            cx, cy = rng.uniform(r + 1, size - 1 - r, size=2)
            color = list(COLORS)[rng.integers(len(COLORS))]
            objs.append(
                dict(shape=SHAPES[rng.integers(3)], color=color, size=sz, cx=cx, cy=cy, r=r)
            )
        if n == 1:
            return {"objects": objs, "relation": None}
        a, b = objs
        dx, dy = b["cx"] - a["cx"], b["cy"] - a["cy"]
        if np.hypot(dx, dy) < a["r"] + b["r"] + 2:
            continue  # overlapping
        if abs(dx) >= 2 * abs(dy) and abs(dx) >= a["r"] + b["r"] + 1:
            return {"objects": objs, "relation": "to the left of" if dx > 0 else "to the right of"}
        if abs(dy) >= 2 * abs(dx) and abs(dy) >= a["r"] + b["r"] + 1:
            return {"objects": objs, "relation": "above" if dy > 0 else "below"}


def _mask(shape, cx, cy, r, xs, ys):
    if shape == "circle":
        return (xs - cx) ** 2 + (ys - cy) ** 2 <= r**2
    if shape == "square":
        s = 0.85 * r
        return (np.abs(xs - cx) <= s) & (np.abs(ys - cy) <= s)
    # triangle pointing up: apex (cx, cy - r), base from (cx - r, cy + 0.8 r) to (cx + r, ...)
    top, bottom = cy - r, cy + 0.8 * r
    half_width = r * (ys - top) / (bottom - top)
    return (ys >= top) & (ys <= bottom) & (np.abs(xs - cx) <= half_width)


def render(scene, size=IMAGE_SIZE, supersample=3):
    """Draw a scene as a ``(size, size, 3)`` uint8 RGB image (anti-aliased)."""
    k = supersample
    coords = (np.arange(size * k) + 0.5) / k
    img = np.empty((size * k, size * k, 3))
    img[:] = BACKGROUND
    for obj in scene["objects"]:  # drawn on the bounding box only
        x0, x1 = (max(int((obj["cx"] + s * (obj["r"] + 1)) * k), 0) for s in (-1, 1))
        y0, y1 = (max(int((obj["cy"] + s * (obj["r"] + 1)) * k), 0) for s in (-1, 1))
        xs, ys = np.meshgrid(coords[x0:x1], coords[y0:y1])
        inside = _mask(obj["shape"], obj["cx"], obj["cy"], obj["r"], xs, ys)
        img[y0:y1, x0:x1][inside] = COLORS[obj["color"]]
    img = img.reshape(size, k, size, k, 3).mean(axis=(1, 3))
    return np.rint(img).astype(np.uint8)


def _phrase(obj, rng, with_size=True):
    words = [SIZE_WORDS[obj["size"]][rng.integers(2)]] if with_size else []
    return " ".join(["a", *words, obj["color"], obj["shape"]])


def describe(scene, rng, num_captions=3):
    """Return ``num_captions`` different grammar-generated captions (lowercase words)."""
    objs, rel = scene["objects"], scene["relation"]
    if rel is None:
        (o,) = objs
        templates = [
            lambda: _phrase(o, rng),
            lambda: "there is " + _phrase(o, rng),
            lambda: _phrase(o, rng, with_size=False),
            lambda: _phrase(o, rng, with_size=False) + " on a white background",
        ]
    else:
        a, b = objs
        templates = [
            lambda: f"{_phrase(a, rng)} {rel} {_phrase(b, rng)}",
            lambda: f"{_phrase(b, rng)} {INVERSE[rel]} {_phrase(a, rng)}",
            lambda: f"{_phrase(a, rng)} and {_phrase(b, rng)}",
            lambda: f"there is {_phrase(a, rng)} {rel} {_phrase(b, rng)}",
        ]
    chosen = rng.choice(len(templates), size=num_captions, replace=False)
    return [templates[i]() for i in chosen]
