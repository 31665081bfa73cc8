"""A password per user, kept in the hub's configuration.

JupyterHub ships ``SharedPasswordAuthenticator`` (one password for every user, another for
admins) and ``DummyAuthenticator`` (any password): with either, any student could log in as
any other, which would make the classroom's separation meaningless. The well-kept package for
per-user passwords, jupyterhub-nativeauthenticator, is built around self sign-up and its own
user table; a preset class would need its sign-up form scripted. So the kit keeps this one
check, on top of JupyterHub's own ``Authenticator`` (allowed users, admin users, login form).
"""

from __future__ import annotations

import hmac

from jupyterhub.auth import Authenticator
from traitlets import Dict, Unicode


class ClassPasswordAuthenticator(Authenticator):
    """Log in with a name from ``passwords`` and that user's password."""

    passwords = Dict(
        key_trait=Unicode(),
        value_trait=Unicode(),
        help="user name -> password (keep the config file readable by the hub's user only)",
    ).tag(config=True)

    async def authenticate(self, handler, data):
        name = self.normalize_username(data.get("username", ""))
        expected = self.passwords.get(name)
        given = data.get("password", "")
        if expected is None or not hmac.compare_digest(expected.encode(), given.encode()):
            self.log.warning("Failed login for %r", name)
            return None
        return name
