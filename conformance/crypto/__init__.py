"""Cognito's own cryptography: SRP for users and devices, SECRET_HASH, and token verification.

``srp`` holds both sides of Cognito's SRP-6a variant (docs/facts.md §1, §2) and ``tokens``
verifies ID and access tokens and checks their claims (§5). ``bignum`` is the modular
exponentiation both sides share.
"""
