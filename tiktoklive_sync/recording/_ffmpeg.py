"""ffmpeg plumbing for recording: finding the binary, building argument lists, reading its output.

Nothing here starts a long-running process; :mod:`tiktoklive_sync.recording._recording` does that. No ffprobe
is assumed anywhere (the imageio-ffmpeg package ships ffmpeg only): :func:`probe` reads what
``ffmpeg -i`` prints and, for files without a duration header, counts it by a stream-copy pass.
Joining capture files into the output lives in :mod:`tiktoklive_sync.recording._segments`.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import FFmpegNotFoundError
from ._process import reap, signal_process, stderr_tail, stop_process
from ._source import source_args

__all__ = [
    "find_ffmpeg",
    "MediaInfo",
    "probe",
    "ProgressParser",
    "split_options",
    "capture_argv",
    "stop_process",
    "signal_process",
    "reap",
    "stderr_tail",
    "muxer_for",
    "CRASH_TOLERANT_MUXERS",
    "FRAGMENTED",
]

log = logging.getLogger("tiktoklive_sync")

ENV_VAR = "TIKTOKLIVE_FFMPEG"

#: muxers whose files stay readable when ffmpeg is killed mid-write (given ``-flush_packets 1``): FLV
#: and MPEG-TS up to the last packet, MP4/MOV written as fragmented MP4 (:data:`FRAGMENTED`) up to the
#: last whole fragment (at most a second). Matroska is not one: a killed mkv loses its unfinished cluster.
CRASH_TOLERANT_MUXERS = frozenset({"flv", "mpegts", "mp4", "mov"})

#: how MP4/MOV is written while recording: the index (an empty moov) first, then self-contained
#: fragments of at most a second (each video key frame starts one), each flushed to disk whole. The
#: file plays while it grows and after a kill, and needs no remux pass at the end.
FRAGMENTED = ("-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-frag_duration", "1000000")

#: file name endings and the muxer each means
_MUXER_BY_SUFFIX = {
    ".flv": "flv",
    ".mp4": "mp4",
    ".m4v": "mp4",
    ".mov": "mov",
    ".mkv": "matroska",
    ".ts": "mpegts",
}

#: what users may write for ``output_format`` and the muxer it names
_MUXER_ALIASES = {"mkv": "matroska", "ts": "mpegts", "m4v": "mp4"}

#: the ``output_format`` values accepted
SUPPORTED_FORMATS = ("mp4", "mov", "flv", "mkv", "ts")

#: options that belong before ``-i`` (they configure the input / its protocol)
INPUT_OPTIONS = frozenset(
    {
        "rw_timeout", "timeout", "user_agent", "headers", "cookies", "http_proxy", "analyzeduration",
        "probesize", "fflags", "thread_queue_size", "re", "seekable", "multiple_requests",
        "ca_file", "icy", "max_reload", "http_persistent", "live_start_index",
    }
)  # fmt: skip

#: options that would undo what keeps a hostile stream URL in check (see :mod:`._source`)
_GUARD_OPTIONS = frozenset({"tls_verify", "verify", "protocol_whitelist", "protocol_blacklist"})

#: every video and audio stream, if present (not data streams, which most containers refuse)
MAP_AV = ("-map", "0:v?", "-map", "0:a?")

#: options that mean "encode" (without any of them every stream is copied)
_CODEC_OPTION = re.compile(r"^(c|codec|vcodec|acodec|scodec)(:.*)?$")


def find_ffmpeg(ffmpeg: str | os.PathLike[str] | None = None) -> str:
    """Return the ffmpeg binary to use.

    Looked for in order: the ``ffmpeg`` argument (a path, or a name on PATH), ``$TIKTOKLIVE_FFMPEG``,
    ``ffmpeg`` on PATH, then the ``imageio-ffmpeg`` package (``pip install 'tiktoklive-sync[ffmpeg]'``).

    Returns:
        the absolute path of an executable ffmpeg.
    Raises:
        FFmpegNotFoundError: the named binary does not exist, or none was found anywhere.
    """
    for origin, name in (("the ffmpeg argument", ffmpeg), (f"${ENV_VAR}", os.environ.get(ENV_VAR))):
        if name:
            found = _executable(os.fspath(name))
            if found is None:
                raise FFmpegNotFoundError(f"{origin} names {os.fspath(name)!r}, which is not an executable file.")
            return found
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg  # type: ignore[import-untyped,import-not-found,unused-ignore]

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        log.debug("imageio-ffmpeg gives no ffmpeg: %s", exc)
    else:
        if exe and _executable(str(exe)):
            return str(exe)
    raise FFmpegNotFoundError(f"No ffmpeg on PATH, in ${ENV_VAR} or from the imageio-ffmpeg package.")


def _executable(name: str) -> str | None:
    if os.sep in name or (os.altsep and os.altsep in name):
        path = Path(name).expanduser()
        return str(path.resolve()) if path.is_file() and os.access(path, os.X_OK) else None
    return shutil.which(name)


def muxer_for(path: Path, output_format: str | None = None) -> str:
    """Return the ffmpeg muxer name for an output file.

    ``output_format`` wins (``"mp4"``, ``"mov"``, ``"flv"``, ``"mkv"``, ``"ts"``, or the muxer names
    ``"matroska"``, ``"mpegts"``); otherwise the file name ending decides; a file without one is FLV
    (the source's container).

    Raises:
        ValueError: an ending or ``output_format`` that cannot hold a stream copy of a live (.avi,
            .webm, .gif, hls...), listing the supported ones; checked before anything starts.
    """
    if output_format is not None:
        name = str(output_format).lower().lstrip(".")
        muxer = _MUXER_ALIASES.get(name, name)
        if muxer not in _MUXER_BY_SUFFIX.values():
            raise ValueError(
                f"output_format={output_format!r} is not a container a live can be recorded into; use one of "
                f"{', '.join(SUPPORTED_FORMATS)} (record_format chooses what is pulled from TikTok)."
            )
        return muxer
    if not path.suffix:
        return "flv"
    by_suffix = _MUXER_BY_SUFFIX.get(path.suffix.lower())
    if by_suffix is None:
        raise ValueError(
            f"{path.name}: a {path.suffix} file cannot be recorded; name the file with one of "
            f"{', '.join(_MUXER_BY_SUFFIX)} (or none, for .flv), or pass output_format=."
        )
    return by_suffix


def split_options(options: Mapping[str, Any]) -> tuple[list[str], list[str], bool]:
    """Turn ``record_stream(**ffmpeg_options)`` into ffmpeg arguments.

    ``name=value`` becomes ``-name value``; ``name=True`` or ``name=None`` a bare ``-name``;
    ``name=False`` is left out. Use a dict for names with a colon: ``**{"c:v": "libx264"}``
    (``c_v`` works too: a single underscore after ``c``/``b``/``q`` becomes a colon).

    Returns:
        ``(input_args, output_args, encodes)``: arguments for before ``-i``, for the output, and
        whether any codec option was given (then streams it names are encoded, not copied).
    Raises:
        ValueError: an option that would break recording (``reconnect*``: ffmpeg's own reconnect
            ignores ``q`` and loses frames; recording reconnects by itself) or an empty name.
    """
    inputs: list[str] = []
    outputs: list[str] = []
    encodes = False
    for raw_name, value in options.items():
        name = re.sub(r"^(c|b|q|codec|filter)_(v|a|s)$", r"\1:\2", raw_name.lstrip("-"))
        if not name:
            raise ValueError("an ffmpeg option needs a name")
        if name in _GUARD_OPTIONS:
            raise ValueError(
                f"-{name} cannot be set: stream URLs come from a server's answer, so ffmpeg always verifies "
                "TLS certificates and may open only http(s) (pass ca_file= to name another CA bundle)."
            )
        if name.startswith("reconnect"):
            raise ValueError(
                f"-{name} is not supported: ffmpeg's own reconnect ignores 'q' and drops frames after a "
                "mid-stream FLV header. record_stream reconnects by itself (see ReconnectSettings)."
            )
        if value is False:
            continue
        args = [f"-{name}"] if value is None or value is True else [f"-{name}", str(value)]
        (inputs if name in INPUT_OPTIONS else outputs).extend(args)
        encodes = encodes or bool(_CODEC_OPTION.match(name)) and str(value) != "copy"
    return inputs, outputs, encodes


def capture_argv(
    ffmpeg: str,
    url: str,
    output: Path,
    *,
    muxer: str,
    seconds: float | None = None,
    rw_timeout_us: int = 15_000_000,
    user_agent: str | None = None,
    referer: str | None = None,
    input_args: Sequence[str] = (),
    output_args: Sequence[str] = (),
    ca_file: str | None = None,
) -> list[str]:
    """Return the argument list of one capture ffmpeg (stream copy unless ``output_args`` encode).

    Progress goes to stdout (``-progress pipe:1``), errors to stderr, ``q`` on stdin stops it.
    What the muxer writes is flushed to disk at once (each packet; for MP4/MOV each fragment, which
    is written :data:`FRAGMENTED`), so a killed ffmpeg leaves a file that ends on a whole packet.
    ``url`` must have passed :func:`~._source.check_stream_url`: ffmpeg may open only http(s)
    (``-protocol_whitelist``), https with ``-tls_verify 1`` against ``ca_file``. User-Agent and
    Referer are sent; cookies never are (a command line is visible to other local users).
    """
    argv = [ffmpeg, "-hide_banner", "-nostats", "-loglevel", "error", "-progress", "pipe:1"]
    argv += ["-rw_timeout", str(int(rw_timeout_us)), *source_args(url, ca_file)]
    if user_agent:
        argv += ["-user_agent", user_agent]
    if referer:
        argv += ["-headers", f"Referer: {referer}\r\n"]
    argv += [*input_args, "-i", url, *MAP_AV, "-c", "copy"]
    argv += [*(FRAGMENTED if muxer in ("mp4", "mov") else ()), *output_args, "-flush_packets", "1"]
    if seconds is not None:
        argv += ["-t", f"{seconds:.3f}"]
    return argv + ["-f", muxer, "-y", str(output)]


class ProgressParser:
    """Reads ffmpeg's ``-progress`` output (``key=value`` lines, blocks ending with ``progress=...``).

    Feed it lines; :meth:`feed` returns the finished block as a dict when a block ends, else None.
    Parsed values: ``seconds`` (``out_time_us``), ``bytes`` (``total_size``), ``bitrate`` (kbit/s),
    ``speed`` (x real time), ``frame``, and ``end`` (True on the last block).
    """

    def __init__(self) -> None:
        self._block: dict[str, str] = {}

    def feed(self, line: str) -> dict[str, Any] | None:
        """Take one line; return the parsed block when ``line`` ends one."""
        key, sep, value = line.strip().partition("=")
        if not sep:
            return None
        self._block[key.strip()] = value.strip()
        if key.strip() != "progress":
            return None
        block, self._block = self._block, {}
        return {
            "seconds": max(0.0, _number(block.get("out_time_us"), 0.0) / 1e6),
            "bytes": int(_number(block.get("total_size"), 0.0)),
            "bitrate": _number(block.get("bitrate", "").removesuffix("kbits/s"), None),
            "speed": _number(block.get("speed", "").removesuffix("x"), None),
            "frame": int(_number(block.get("frame"), 0.0)),
            "end": block.get("progress") == "end",
        }


def _number(text: str | None, default: Any) -> Any:
    try:
        return float(text) if text is not None else default
    except ValueError:
        return default  # ffmpeg writes N/A before it knows


@dataclass(frozen=True)
class MediaInfo:
    """What ``ffmpeg -i`` says about a media file.

    Attributes:
        duration: seconds (from the container, else counted by a copy pass); 0.0 if unreadable.
        video, audio: the codec names of the first video / audio stream ("" if none).
        container: the demuxer name (e.g. ``"flv"``, ``"mov,mp4,m4a,3gp,3g2,mj2"``).
    """

    duration: float
    video: str
    audio: str
    container: str

    @property
    def has_video(self) -> bool:
        """True if there is a video stream."""
        return bool(self.video)

    @property
    def has_audio(self) -> bool:
        """True if there is an audio stream."""
        return bool(self.audio)


_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_STREAM = re.compile(r"Stream #\d+:\d+.*?: (Video|Audio): (\w+)")
_INPUT = re.compile(r"Input #0, (.+?), from")


def probe(path: str | os.PathLike[str], ffmpeg: str | None = None, timeout: float = 60.0) -> MediaInfo:
    """Describe a media file with ffmpeg alone (no ffprobe).

    Returns:
        a :class:`MediaInfo`.
    Raises:
        FFmpegNotFoundError: no ffmpeg.
        FileNotFoundError: no such file.
        subprocess.TimeoutExpired: ffmpeg took longer than ``timeout``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such media file: {path}")
    exe = find_ffmpeg(ffmpeg)
    text = subprocess.run(
        [exe, "-hide_banner", "-nostdin", "-i", str(path)], capture_output=True, text=True, timeout=timeout
    ).stderr
    video = audio = ""
    for kind, codec in _STREAM.findall(text):
        if kind == "Video" and not video:
            video = codec
        elif kind == "Audio" and not audio:
            audio = codec
    container = m.group(1) if (m := _INPUT.search(text)) else ""
    duration = 0.0
    if m := _DURATION.search(text):
        duration = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    if duration <= 0 and (video or audio):  # no duration header (e.g. an flv whose ffmpeg was killed)
        duration = _copy_pass_seconds(exe, path, timeout)
    return MediaInfo(duration, video, audio, container)


def _copy_pass_seconds(exe: str, path: Path, timeout: float) -> float:
    """Return the seconds of media in ``path`` by copying it to the null muxer."""
    result = subprocess.run(
        [exe, "-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-map", "0", "-c", "copy",
         "-f", "null", "-progress", "pipe:1", "-"],
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    parser = ProgressParser()
    seconds = 0.0
    for line in result.stdout.splitlines():
        block = parser.feed(line)
        if block:
            seconds = max(seconds, block["seconds"])
    return seconds
