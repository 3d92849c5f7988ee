"""The canvas bookkeeping: sizing to the column, scaling, undo / redo / clear and the eraser."""
import numpy as np
from PIL import Image

from pages.parts import canvas
from pages.parts.state import Studio


def path(stroke="#e04a3f", left=10.0, top=20.0) -> dict:
    return {"type": "Path", "stroke": stroke, "left": left, "top": top, "scaleX": 1, "scaleY": 1, "strokeWidth": 8,
            "path": [["M", left, top], ["L", left + 30, top]]}


def drawing(*objects) -> dict:
    return {"version": "7.4.0", "objects": list(objects)}


STROKES = np.zeros((4, 4, 4), np.uint8)


def test_the_canvas_fills_its_column_and_keeps_room_for_the_page():
    assert canvas.fit_canvas((512, 512), (300, 900)) == (300, 300)
    assert canvas.fit_canvas((512, 512), (700, 660)) == (400, 400)  # a short window: 660 - 260 px tall
    assert canvas.fit_canvas((1000, 500), None) == (canvas.FALLBACK_WIDTH, canvas.FALLBACK_WIDTH // 2)
    assert canvas.fit_canvas((4000, 1000), (2000, 2000))[0] == canvas.MAX_SIDE


def test_a_resized_canvas_scales_the_drawing_and_its_history():
    state = Studio()
    canvas.resize(state, (400, 300))
    canvas.receive(state, drawing(path()), STROKES)
    canvas.resize(state, (200, 150))
    shape = state.canvas_initial["objects"][0]
    assert (shape["left"], shape["top"], shape["scaleX"]) == (5.0, 10.0, 0.5)
    assert state.history[-1]["objects"][0]["left"] == 5.0 and state.canvas_size == (200, 150)


def test_the_same_strokes_read_the_same_at_any_zoom_and_a_new_or_undone_stroke_does_not():
    first = drawing(path(), path(left=50.0, top=33.3))
    unit = canvas.drawing_at_unit_width(first, 400)
    assert canvas.drawing_at_unit_width(canvas.scale_drawing(first, 1.5), 600) == unit
    assert canvas.drawing_at_unit_width(canvas.scale_drawing(canvas.scale_drawing(first, 3.0), 0.5), 600) == unit
    assert canvas.drawing_at_unit_width(drawing(path(), path(left=50.0, top=33.3), path(left=9.0)), 400) != unit
    assert canvas.drawing_at_unit_width(drawing(path()), 400) != unit
    assert canvas.drawing_at_unit_width(drawing(path(), path(stroke="#112233", left=50.0, top=33.3)), 400) != unit


def strokes_on(width: int) -> np.ndarray:
    """A canvas width px wide (and 3/4 of that tall) with one white stroke in its corner, as the canvas renders it."""
    strokes = np.zeros((width * 3 // 4, width, 4), np.uint8)
    strokes[:2, :width // 10] = 255
    return strokes


def test_a_result_knows_its_strokes_after_a_zoom_and_a_new_stroke_after_it():
    from pages.parts.state import Result
    from pages.parts.workflow import same_scribbles

    made = drawing(path())
    output = Result(Image.new("RGB", (8, 6)), Image.new("RGB", (8, 6)), None, "x", strokes_on(400), made)
    state = Studio(scribbles=strokes_on(400), drawing=made, canvas_size=(400, 300))
    assert same_scribbles(output, state)
    canvas.resize(state, (600, 450))  # zoomed: the canvas draws the scaled strokes at its new size
    canvas.receive(state, state.drawing, strokes_on(600))
    assert same_scribbles(output, state)
    canvas.resize(state, (400, 300))  # and back: the same strokes, drawn a pixel apart
    moved = np.roll(strokes_on(400), 1, axis=1)
    canvas.receive(state, state.drawing, moved)
    assert same_scribbles(output, state)
    canvas.receive(state, drawing(*state.drawing["objects"], path(left=90.0)), moved)
    assert not same_scribbles(output, state)
    state.drawing, state.scribbles = None, strokes_on(400).copy()
    state.scribbles[5, 5] = 255  # strokes set without a drawing: the pixels tell
    assert not same_scribbles(Result(output.image, output.flat, None, "x", strokes_on(400)), state)
    assert same_scribbles(Result(output.image, output.flat, None, "x"), Studio())  # no strokes then or now


def two_strokes() -> tuple[Studio, dict, dict]:
    """A session whose canvas sent a first stroke, then a second: (state, first drawing, second drawing)."""
    state = Studio()
    first, second = drawing(path()), drawing(path(), path(left=50))
    canvas.receive(state, first, STROKES)
    canvas.receive(state, second, STROKES)
    return state, first, second


def test_undo_redo_and_clear_hand_the_canvas_the_right_drawing():
    state, first, second = two_strokes()
    canvas.undo(state)
    assert canvas.same_drawing(state.canvas_initial, first) and state.awaiting_canvas
    canvas.redo(state)
    assert canvas.same_drawing(state.canvas_initial, second)
    canvas.clear(state)
    assert state.canvas_initial["objects"] == []
    canvas.undo(state)
    assert canvas.same_drawing(state.canvas_initial, second)
    revisions = {state.canvas_initial["studioRevision"]}
    canvas.undo(state)
    canvas.redo(state)
    assert state.canvas_initial["studioRevision"] not in revisions  # even a drawing seen before reloads


def test_the_canvas_report_of_the_old_drawing_is_ignored_until_it_has_loaded_the_new_one():
    state, first, second = two_strokes()
    canvas.undo(state)
    assert not canvas.receive(state, second, STROKES)  # stale: what the canvas sent before the undo
    assert canvas.same_drawing(state.drawing, first) and state.awaiting_canvas
    loaded = np.ones((4, 4, 4), np.uint8)
    canvas.receive(state, first, loaded)
    assert state.scribbles is loaded and not state.awaiting_canvas


def test_the_components_default_value_never_replaces_the_drawing():
    """Back on the page, the remounted canvas first returns the drawing the page passed in, without
    rendered strokes (possibly at an earlier canvas size): the session's strokes must survive it."""
    state, first, second = two_strokes()
    assert not canvas.receive(state, canvas.scale_drawing(first, 0.8), None)
    assert canvas.same_drawing(state.drawing, second) and state.scribbles is STROKES


def test_eraser_strokes_become_cuts_and_the_page_runs_again():
    state = Studio()
    canvas.receive(state, drawing(path()), STROKES)
    assert canvas.receive(state, drawing(path(), path(stroke=canvas.ERASER_MARK)), STROKES)
    cut = state.canvas_initial["objects"][1]
    assert cut["globalCompositeOperation"] == "destination-out" and cut["stroke"] == canvas.ERASER_CUT
    assert cut["strokeWidth"] == 10  # a little wider than drawn, so no rim is left
    assert state.scribbles is STROKES and state.awaiting_canvas  # the marks' strokes are not taken
    canvas.undo(state)
    assert len(state.canvas_initial["objects"]) == 1  # undo takes the cut back


def test_faint_antialiasing_is_not_paint():
    image = np.zeros((2, 2, 4), np.uint8)
    image[0, 0] = (255, 0, 0, 10)
    image[1, 1] = (255, 0, 0, 200)
    strokes = canvas.strokes_array(image)
    assert strokes[0, 0, 3] == 0 and strokes[1, 1, 3] == 200


def shown_picture(url: str):
    """The picture a data URL holds."""
    import base64
    import io

    from PIL import Image

    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))


def test_the_canvas_background_is_encoded_once_per_sketch_and_size():
    from PIL import Image

    state, sketch = Studio(), Image.new("L", (64, 32), 200)
    url = canvas.background_url(state, sketch, (32, 16))
    shown = shown_picture(url)
    assert url.startswith("data:image/png;base64,") and shown.size == (32, 16) and shown.getpixel((5, 5)) == 200
    assert canvas.background_url(state, sketch, (32, 16)) is url  # kept, not encoded again
    assert canvas.background_url(state, sketch, (64, 32)) != url  # a new size
    darker = Image.new("L", (64, 32), 20)
    assert shown_picture(canvas.background_url(state, darker, (64, 32))).getpixel((5, 5)) == 20  # other sketch settings


def test_a_colour_pick_is_read_where_it_ends_and_leaves_the_drawing_as_it_was():
    state = Studio()
    canvas.receive(state, drawing(path()), STROKES)
    history = list(state.history)
    click = {**path(stroke=canvas.PICK_MARK, left=40, top=12), "path": [["M", 40, 12], ["Q", 41, 12, 42.5, 13.0]]}
    sent = drawing(path(), click)
    assert canvas.take_pick(state, sent) == (42.5, 13.0)
    assert canvas.same_drawing(state.canvas_initial, drawing(path())) and state.awaiting_canvas
    assert state.history == history and state.scribbles is STROKES  # no undo step, strokes kept
    assert canvas.take_pick(state, sent) is None  # the canvas repeats itself until it has reloaded
    assert not canvas.receive(state, sent, STROKES) and canvas.same_drawing(state.drawing, drawing(path()))


def test_a_clear_paper_click_is_read_by_its_own_mark_not_as_a_colour_pick():
    state = Studio()
    canvas.receive(state, drawing(path()), STROKES)
    click = {**path(stroke=canvas.PAPER_MARK, left=20, top=8), "path": [["M", 20, 8], ["Q", 21, 8, 21.5, 9.0]]}
    sent = drawing(path(), click)
    assert canvas.take_pick(state, sent) is None  # the colour picker leaves it alone
    assert canvas.take_pick(state, sent, canvas.PAPER_MARK) == (21.5, 9.0)
    assert canvas.same_drawing(state.canvas_initial, drawing(path())) and state.scribbles is STROKES


def test_drawings_without_a_pick_are_left_to_receive():
    assert canvas.picked_point(drawing(path(), path(stroke=canvas.ERASER_MARK))) is None
    assert canvas.picked_point(None) is None
    assert canvas.take_pick(Studio(), drawing(path())) is None
