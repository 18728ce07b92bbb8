"""Sign-in: InitiateAuth, AdminInitiateAuth and the challenge answers (docs/facts.md §1-§4, §6, §7, §12).

One module per concern: :mod:`~conformance.oracle.auth.initiate` (the first step),
:mod:`~conformance.oracle.auth.respond` (the challenge answers),
:mod:`~conformance.oracle.auth.refresh` (REFRESH_TOKEN_AUTH),
:mod:`~conformance.oracle.auth.complete` (once the password is right: a challenge or tokens) and
:mod:`~conformance.oracle.auth.common` (auth flows, learning what a step handed out, token results).
"""

from __future__ import annotations

from conformance.oracle.auth.common import allowed_flows, flow_refusal
from conformance.oracle.auth.initiate import admin_initiate_auth, initiate_auth
from conformance.oracle.auth.refresh import known_refresh_families
from conformance.oracle.auth.respond import admin_respond_to_auth_challenge, respond_to_auth_challenge

__all__ = [
    "admin_initiate_auth",
    "admin_respond_to_auth_challenge",
    "allowed_flows",
    "flow_refusal",
    "initiate_auth",
    "known_refresh_families",
    "respond_to_auth_challenge",
]
