"""Deterministic review tools: the case model, the checks, and the policy.

Nothing here knows about LLMs, the UI or storage; every result is plain typed data.
"""
