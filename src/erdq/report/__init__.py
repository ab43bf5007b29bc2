"""Renderers: findings and changes as text, JSON Lines and CSV."""
