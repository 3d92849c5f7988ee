"""Every file of the hostile-upload corpus either works or gives a clear ImageLoadError."""
import numpy as np
import pytest

from colorizer import ImageLoadError, load_image, pack_inputs, sobel_sketch
from tests.corpus import corpus

ENTRIES = corpus()


def test_corpus_is_large_and_varied():
    assert len(ENTRIES) >= 200
    assert {e[2] for e in ENTRIES} == {"ok", "error", "either"}


@pytest.mark.parametrize("name,data,expect,check", ENTRIES, ids=[e[0] for e in ENTRIES])
def test_upload_works_or_fails_clearly(name, data, expect, check):
    try:
        image = load_image(data)
    except ImageLoadError as error:
        assert expect != "ok", f"{name} should load: {error}"
        assert str(error).endswith(".") and len(str(error)) > 30  # a sentence that says what to do
        return
    assert expect != "error", f"{name} should have been refused"
    assert image.mode == "RGB" and min(image.size) >= 8 and max(image.size) <= 2048
    if check is not None:
        assert check(image), f"{name} decoded wrongly"
    packed = pack_inputs(sobel_sketch(image), None)  # the rest of the pipeline copes too
    assert np.isfinite(packed).all()
