"""A classroom on JupyterHub: one instructor, a few students, nbgrader's exchange (``make hub``).

- ``runtime``: the Python environment the single-user servers run from, and the proxy.
- ``accounts``: the class's users (system users when run as root, else one OS user).
- ``classroom``: the course, the exchange, nbgrader's and JupyterHub's configuration.
- ``auth``: a password per user, kept in the hub's configuration.
- ``__main__``: ``python -m sourcing_lab.hub`` starts a demo class and waits.
"""


class HubSetupError(RuntimeError):
    """The classroom could not be set up; the message says why and what to do."""
