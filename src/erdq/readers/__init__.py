"""Streaming readers: each yields items with their location and never raises on bad data."""
