import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from colorizer import ImageLoadError, load_image
from colorizer.images import MAX_SIDE
from tests.synthetic import anime_frame, encode


def png_header_only(width, height):
    """A PNG whose header claims width x height but holds almost no data (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    (b"<html><body>not a picture</body></html>", "could not be read"),
    (png_header_only(20000, 20000), "megapixel limit"),
])
def test_bad_files_raise_clear_errors(data, message):
    with pytest.raises(ImageLoadError, match=message):
        load_image(data)


def test_truncated_png_and_jpeg_raise(frame):
    for fmt in ("PNG", "JPEG"):
        data = encode(frame.resize((200, 200)), fmt)
        with pytest.raises(ImageLoadError):
            load_image(data[: len(data) // 2])


def test_tiny_picture_is_refused():
    with pytest.raises(ImageLoadError, match="at least"):
        load_image(encode(Image.new("RGB", (1, 1))))


def test_huge_picture_is_downscaled_to_working_size():
    image = load_image(encode(Image.new("RGB", (5000, 2500), (10, 200, 30)), "JPEG"))
    assert max(image.size) == MAX_SIDE and image.info["original_size"] == (5000, 2500)
    assert abs(image.width / image.height - 2.0) < 0.01


def test_alpha_is_composited_on_white():
    rgba = Image.new("RGBA", (20, 20), (255, 0, 0, 0))
    image = load_image(encode(rgba))
    assert image.mode == "RGB" and image.getpixel((5, 5)) == (255, 255, 255)


def sticker(width: int, height: int) -> Image.Image:
    """A red disc on a clear background, its edge partly clear (RGBA)."""
    y, x = np.mgrid[0:height, 0:width]
    inside = np.clip(min(width, height) / 3 - np.hypot(x - width / 2, y - height / 2) + 0.5, 0, 1)
    rgba = np.zeros((height, width, 4), np.uint8)
    rgba[..., 0], rgba[..., 3] = 220, np.round(inside * 255).astype(np.uint8)
    return Image.fromarray(rgba, "RGBA")


def test_a_pictures_own_transparency_is_read_at_the_size_it_is_worked_on():
    from colorizer.images import load_image_and_alpha

    picture = sticker(3000, 1200)
    alpha = load_image_and_alpha(encode(picture))[1]
    assert alpha.mode == "L" and alpha.size == load_image(encode(picture)).size == (2048, 819)
    assert alpha.getpixel((0, 0)) == 0 and alpha.getpixel((1024, 410)) == 255
    assert 0 < len([v for v in alpha.getdata() if 0 < v < 255])  # the soft edge stays soft
    own = lambda data: load_image_and_alpha(data)[1]
    assert own(encode(Image.new("RGBA", (20, 20), (9, 9, 9, 255)))) is None  # opaque all over
    assert own(encode(Image.new("RGB", (20, 20)))) is None and own(encode(picture.convert("RGB"), "JPEG")) is None
    gif = picture.resize((60, 24)).convert("P", palette=Image.Palette.ADAPTIVE)  # palette transparency
    gif.info["transparency"] = gif.getpixel((0, 0))
    assert own(encode(gif, "GIF", transparency=gif.getpixel((0, 0)))).getpixel((0, 0)) == 0


def test_each_frame_of_an_animation_has_its_own_transparency():
    from colorizer.images import load_alphas, load_frame_and_alpha

    frames = [sticker(40, 30), Image.new("RGBA", (40, 30), (0, 0, 200, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:], duration=100)
    frame, alpha = load_frame_and_alpha(buffer.getvalue(), 0)
    assert alpha.getpixel((0, 0)) == 0 and alpha.size == frame.size
    assert load_frame_and_alpha(buffer.getvalue(), 1)[1] is None  # the second frame is opaque
    every = load_alphas(buffer.getvalue())  # all frames in one pass, as each is given alone
    assert len(every) == 2 and every[1] is None
    assert np.array_equal(np.asarray(every[0]), np.asarray(alpha))
    with pytest.raises(ImageLoadError):
        load_frame_and_alpha(b"not a picture", 0)


def test_exif_rotation_is_applied(rng):
    frame = anime_frame(rng, 60, 30)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise on display
    image = load_image(encode(frame, "JPEG", exif=exif))
    assert image.size == (30, 60)


def test_sixteen_bit_grayscale_is_scaled(rng):
    array = (np.linspace(0, 65535, 64 * 64).reshape(64, 64)).astype(np.uint16)
    image = load_image(encode(Image.fromarray(array)))
    values = np.asarray(image)
    assert image.mode == "RGB" and values.max() > 200 and values.min() < 10


@pytest.mark.parametrize("top", [255, 65535, 2**31 - 1])
def test_32_bit_integer_pictures_keep_their_tones(top):
    """An "I" mode TIFF holds 8-, 16- or 32-bit values; each is scaled by its own range, not clipped white."""
    ramp = np.linspace(0, top, 32 * 32).reshape(32, 32).astype(np.int64).astype(np.int32)
    grey = np.asarray(load_image(encode(Image.fromarray(ramp, "I"), "TIFF")).convert("L"), dtype=float)
    assert grey.min() <= 2 and grey.max() >= 250 and 100 < grey.mean() < 155  # the whole ramp, mid-grey on average


def animation_bytes(count: int, size=(40, 30), fmt="GIF") -> bytes:
    frames = [Image.new("RGB", size, (20 * i, 100, 0)) for i in range(count)]
    buffer = io.BytesIO()
    lossless = {"lossless": True} if fmt == "WEBP" else {}
    frames[0].save(buffer, format=fmt, save_all=True, append_images=frames[1:], duration=[50 + 10 * i for i in range(count)],
                   loop=0, **lossless)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"])
def test_every_frame_of_an_animation_is_read_in_order_with_its_duration(fmt):
    from colorizer.images import load_frames

    frames = load_frames(animation_bytes(5, fmt=fmt))
    assert [picture.getpixel((3, 3))[0] for picture, _ in frames] == [0, 20, 40, 60, 80]
    assert [duration for _, duration in frames] == [50, 60, 70, 80, 90]
    assert all(picture.mode == "RGB" and picture.size == (40, 30) for picture, _ in frames)


def test_a_still_picture_is_one_frame_and_too_long_an_animation_is_refused(monkeypatch):
    from colorizer import images

    still = images.load_frames(encode(Image.new("RGB", (30, 20), "white")))
    assert len(still) == 1 and still[0][1] == 0
    monkeypatch.setattr(images, "MAX_FRAMES", 4)
    with pytest.raises(ImageLoadError, match="5 frames of 40x30.*Split it"):
        images.load_frames(animation_bytes(5))
    monkeypatch.setattr(images, "MAX_ANIMATION_PIXELS", 3 * 40 * 30)
    with pytest.raises(ImageLoadError, match="megapixels"):
        images.load_frames(animation_bytes(4))
    with pytest.raises(ImageLoadError, match="empty"):
        images.load_frames(b"")


def test_load_frame_opens_one_frame_of_an_animation_as_load_frames_does():
    import io

    from colorizer.images import load_frame, load_frames

    frames = [anime_frame(np.random.default_rng(i), 60, 40) for i in range(3)]
    animation = io.BytesIO()
    frames[0].save(animation, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    every = load_frames(animation.getvalue())
    for index in range(3):
        assert np.array_equal(np.asarray(load_frame(animation.getvalue(), index)), np.asarray(every[index][0]))
    with pytest.raises(ImageLoadError, match="no frame 3. Pick one from 0 to 2"):
        load_frame(animation.getvalue(), 3)
    with pytest.raises(ImageLoadError):
        load_frame(b"GIF89a-broken", 0)
