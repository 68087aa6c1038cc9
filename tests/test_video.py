import numpy as np
import pytest

from tests.fixtures.media import FORMATS, write_video
from vstar_cli.video import VideoError, load_clip, sample_indices


@pytest.mark.parametrize("suffix", sorted(FORMATS))
@pytest.mark.parametrize("backend", ["auto", "decord", "pyav"])
def test_containers_and_backends(tmp_path, suffix, backend):
    path = write_video(tmp_path / f"v{suffix}", n_frames=16)
    try:
        clip = load_clip(path, frames=8, backend=backend)
    except VideoError as exc:
        if backend == "decord" and "decord" in str(exc):
            pytest.skip(f"decord cannot read {suffix}: the auto backend falls back to PyAV")
        raise
    assert clip.frames.shape == (8, 48, 64, 3) and clip.frames.dtype == np.uint8
    assert clip.indices == sample_indices(16, 8.0, 8)
    assert clip.fps == pytest.approx(8.0) and clip.duration == pytest.approx(2.0, abs=0.2)
    assert not clip.padded


def test_fps_sampling(tmp_path):
    clip = load_clip(write_video(tmp_path / "v.mp4", n_frames=32, fps=8), frames=None, fps=2.0)
    assert len(clip.indices) == 8 and clip.metadata()["frames_indices"] == clip.indices


def test_backends_agree(tmp_path):
    path = write_video(tmp_path / "v.avi", n_frames=16)
    a, b = load_clip(path, backend="decord"), load_clip(path, backend="pyav")
    assert a.indices == b.indices
    assert np.abs(a.frames.astype(int) - b.frames.astype(int)).mean() < 8


def test_short_video_is_padded_and_noted(tmp_path):
    clip = load_clip(write_video(tmp_path / "short.mp4", n_frames=2), frames=8)
    assert clip.frames.shape[0] == 8 and clip.padded
    assert "2 frames" in clip.notes[0]


def test_bad_videos(tmp_path):
    with pytest.raises(VideoError, match="not found"):
        load_clip(tmp_path / "missing.mp4")
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(VideoError, match="empty"):
        load_clip(tmp_path / "empty.mp4")
    (tmp_path / "corrupt.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 200)
    with pytest.raises(VideoError):
        load_clip(tmp_path / "corrupt.mp4")


def test_video_paths_stay_inside_the_video_dir(tmp_path):
    from vstar_cli.video import video_path

    root = tmp_path / "videos"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.mp4").write_bytes(b"x")
    (tmp_path / "secret.mp4").write_bytes(b"x")
    (root / "out.mp4").symlink_to(tmp_path / "secret.mp4")
    (root / "in.mp4").symlink_to(root / "sub" / "a.mp4")
    (root / "outdir").symlink_to(tmp_path)
    assert video_path(root, "sub/a.mp4") == str(root / "sub" / "a.mp4")
    assert video_path(root, "in.mp4") == str(root / "in.mp4")  # a symlink that stays inside is fine
    for bad in ("../secret.mp4", "sub/../../secret.mp4", str(tmp_path / "secret.mp4"), "out.mp4", "outdir/secret.mp4"):
        with pytest.raises(VideoError, match="outside --video-dir"):
            video_path(root, bad)
        assert video_path(root, bad, allow_outside=True)
    for bad, why in (
        ("v" * 256 + ".mp4", "over 255 bytes"),
        ("", "non-empty"),
        (["a"], "non-empty"),
        ("a\x00b", "NUL"),
    ):
        with pytest.raises(VideoError, match=why):
            video_path(root, bad)


def test_unopenable_video_paths_are_video_errors(tmp_path):
    for path in (tmp_path / ("v" * 300 + ".mp4"), tmp_path, tmp_path / "missing.mp4"):
        with pytest.raises(VideoError):
            load_clip(path)
