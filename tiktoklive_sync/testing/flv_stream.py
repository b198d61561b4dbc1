"""The FLV stream the fake serves (the old import path; ``FlvStream`` is in ``tiktoklive_sync.testing``)."""

from ._flv_stream import SAMPLE_PATH, FlvSample, FlvStream, FlvTag, parse_flv

__all__ = ["SAMPLE_PATH", "FlvSample", "FlvStream", "FlvTag", "parse_flv"]
