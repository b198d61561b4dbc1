"""HTTP routes: plain functions ``(session, ...) -> model | primitive``, one module per family."""
