"""Pure figure builders: each takes a DataFrame (and geometry) and returns a plotly Figure."""
