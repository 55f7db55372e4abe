"""Scoring a query against one candidate entity, with an explanation. Pure functions."""
