"""Offline evaluation: gold sets as data, small evaluators, metrics, a gate and a report."""
