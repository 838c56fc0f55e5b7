"""Checking a claim against retrieved hits: stance, the offline `Verifier`, and the optional NLI
and LLM judges."""
