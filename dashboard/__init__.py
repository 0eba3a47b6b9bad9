"""The Dash app: target board, province map, trends and data pages, plus the HTTP API, all read-only."""
