"""Recording a live stream with ffmpeg (``subprocess.Popen`` handles on a worker thread).

``record_stream(session, path, room_info, ...)`` starts a :class:`Recording`; see its docstring.
"""

from ._recording import Gap, Recording, RecordingProgress, Segment, record_stream

__all__ = ["Gap", "Recording", "RecordingProgress", "Segment", "record_stream"]
