"""The live side: WebSocket connection, typed events, and the blocking LiveClient."""
