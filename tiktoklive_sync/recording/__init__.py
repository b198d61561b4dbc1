"""Recording a live stream with ffmpeg (``subprocess.Popen`` handles on a worker thread).

``record_stream(session, path, room_info, ...)`` starts a :class:`Recording`; see its docstring.
:class:`ReconnectSettings` says how it reconnects when the source drops while the room is live.
"""

from ._reconnect import ReconnectSettings
from ._recording import Gap, Recording, RecordingProgress, Segment, record_stream

__all__ = ["Gap", "Recording", "RecordingProgress", "ReconnectSettings", "Segment", "record_stream"]
