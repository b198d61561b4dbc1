"""Test helpers: FakeTikTok."""
