"""pytest plugin (fixture fake_tiktok); filled in by the FakeTikTok work."""
