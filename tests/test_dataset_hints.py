"""The hub dataset's own sketch/scribbles columns: hint extraction and training samples."""
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from PIL import Image

from tests.synthetic import anime_frame, encode
from training.data import load_rows
from training.dataset_hints import dataset_hints, dataset_sketch

SIZE = (48, 40)  # (width, height)


def hub_like_row(rng, background=(0, 0, 0)):
    """(full_colour, sketch, scribbles, merged) pictures and the true stroke mask and colours."""
    colour = np.asarray(anime_frame(rng, *SIZE))
    sketch = np.full_like(colour, 255)
    sketch[::8] = 0  # dark horizontal lines
    mask = np.zeros(colour.shape[:2], bool)
    mask[10:14, 5:30] = True
    mask[25:27, 20:44] = True
    scribbles = np.empty_like(colour)
    scribbles[:] = background
    scribbles[mask] = colour[mask]
    merged = np.where(mask[..., None], colour, sketch)
    return colour, sketch, scribbles, merged, mask


def test_hints_from_merged_minus_sketch_whatever_the_scribbles_background():
    rng = np.random.default_rng(0)
    for background in [(0, 0, 0), (255, 255, 255)]:
        colour, sketch, scribbles, merged, mask = hub_like_row(rng, background)
        cells = [encode(Image.fromarray(a)) for a in (scribbles, sketch, merged)]
        rgb, found = dataset_hints(*cells, size=SIZE)
        painted_differs = np.abs(colour.astype(int) - sketch).max(axis=2) > 40
        np.testing.assert_array_equal(found, mask & painted_differs)
        np.testing.assert_array_equal(rgb[found], colour[found])
        assert not rgb[~found].any()


def test_hints_from_transparent_scribbles_and_from_background_alone():
    rng = np.random.default_rng(1)
    colour, _, scribbles, _, mask = hub_like_row(rng)
    rgba = np.dstack([scribbles, mask * np.uint8(255)])
    rgb, found = dataset_hints(encode(Image.fromarray(rgba, "RGBA")), size=SIZE)
    np.testing.assert_array_equal(found, mask)
    np.testing.assert_array_equal(rgb[found], colour[mask])
    white = np.where(mask[..., None], np.uint8([200, 30, 40]), np.uint8(255))
    _, found = dataset_hints(encode(Image.fromarray(white)), size=SIZE)  # no sketch, no merged
    np.testing.assert_array_equal(found, mask)


def test_dataset_sketch_is_dark_lines_on_white_and_resized():
    lines = np.zeros((20, 24), np.uint8)
    lines[::5] = 255  # light lines on black, as some datasets store edges
    sketch = dataset_sketch(encode(Image.fromarray(lines)), (48, 40))
    assert sketch.shape == (40, 48) and sketch.dtype == np.uint8
    assert sketch.mean() > 128 and sketch.min() == 0


def write_hub_parquet(path, rng, count):
    rows = {key: [] for key in ("sketch", "full_colour", "scribbles", "sketch_and_scribbles_merged")}
    for _ in range(count):
        colour, sketch, scribbles, merged, _ = hub_like_row(rng)
        for key, picture in zip(rows, (sketch, colour, scribbles, merged)):
            rows[key].append({"bytes": encode(Image.fromarray(picture)), "path": None})
    pq.write_table(pa.table(rows), path)


def test_load_rows_keeps_the_hub_columns(tmp_path):
    write_hub_parquet(tmp_path / "test.parquet", np.random.default_rng(2), 2)
    rows = load_rows(str(tmp_path / "test.parquet"))
    assert len(rows) == 2 and set(rows[0]) == {"sketch", "full_colour", "scribbles", "sketch_and_scribbles_merged"}
    assert rows[0]["full_colour"].shape == (40, 48, 3)
    assert isinstance(rows[0]["scribbles"], bytes)


def test_training_sample_from_the_rows_own_sketch_and_scribbles(tmp_path):
    from training.data import make_dataset_sample

    write_hub_parquet(tmp_path / "train.parquet", np.random.default_rng(4), 1)
    row = load_rows(str(tmp_path / "train.parquet"))[0]
    sketch = dataset_sketch(row["sketch"], SIZE)
    _, expected_mask = dataset_hints(row["scribbles"], row["sketch"], row["sketch_and_scribbles_merged"], size=SIZE)
    sample = make_dataset_sample(row, np.random.default_rng(0), 40, 4, hue_rotation=0.0)
    packed = sample["input"].numpy()
    assert packed.shape == (4, 40, 40) and sample["target"].shape == (3, 40, 40)
    target = np.round((sample["target"].numpy().transpose(1, 2, 0) + 1) * 127.5).astype(np.uint8)
    hinted = np.abs(packed[1:]).sum(axis=0) > 0
    assert 0 < hinted.sum() <= expected_mask.sum()
    hint_colours = np.round((packed[1:].transpose(1, 2, 0)[hinted] + 1) * 127.5)
    # strokes copy the picture under them, so after the joint crop they still match the target
    assert np.abs(hint_colours - target[hinted]).max() <= 2
    lines = packed[0] < 0  # the row's own sketch (dark lines) moved with the picture
    assert lines.any() and sketch.min() == 0


def test_training_runs_on_the_datasets_own_scribbles(tmp_path):
    from training.train import train
    from tests.test_training import tiny_config

    write_hub_parquet(tmp_path / "train.parquet", np.random.default_rng(5), 8)
    final = train(tiny_config(tmp_path / "train.parquet", tmp_path / "run", dataset_hints=1.0, crop=24))
    assert final.is_file()
