"""What a grading kernel sees: a bubblewrap command line that builds its file view from an
allow-list.

The view starts empty (bubblewrap's new root) and gets only:

- read-only: the system's programs and libraries (``/usr`` and the ``/bin``, ``/lib`` links, a
  few files of ``/etc``), the Python that runs the kernel (its prefix and the environment's),
  the ``course`` package with its case data, and :func:`sandbox_entry`'s one file;
- writable, capped in size: the kernel's working folder (a fresh copy of the submission's
  autograded folder on a tmpfs, so whatever the kernel writes never reaches the course), its
  ``/tmp`` and home, ``/dev/shm``;
- writable: its private folder (the sockets it talks to the grader through);
- ``/proc`` of its own process namespace and a minimal ``/dev``.

Nothing else exists for it: no course folder, keys, gradebook, other submissions, no checkout
(``solutions/``, ``autograder/``, ``.git``) even when the kit is installed editable from one, no
home folder. When the kit is installed as a package, the instructor package ``sourcing_lab``
sits beside ``course`` in site-packages; it is covered by an empty folder.

Every namespace is new (network, processes, IPC, host name, user where the grader is not root),
every capability is dropped, and the kernel dies with the grader.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

INSIDE = "/run/sourcing-lab"
INSIDE_ENTRY = f"{INSIDE}/sandbox_entry.py"
INSIDE_SUBMISSION = f"{INSIDE}/submission"
INSIDE_STAGING = f"{INSIDE}/own"  # where a forked kernel keeps its folder while it hides the rest
INSIDE_ZYGOTE = f"{INSIDE}/zygote.py"
ZYGOTE_FILES = ("zygote.py", "zygote_child.py")
ENTRY = Path(__file__).with_name("sandbox_entry.py")
SYSTEM_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives")
MB = 2**20


def _package_folder(name: str) -> str | None:
    found = importlib.util.find_spec(name)
    if found is None or not found.origin:
        return None
    return os.path.dirname(os.path.realpath(found.origin))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def runtime_paths(extra: tuple[str, ...] = ()) -> list[str]:
    """Folders the kernel reads: Python, its environment, the ``course`` package, ``extra``;
    each once, none below another, none below ``/usr`` (bound whole)."""
    wanted = [
        sys.base_prefix,
        sys.prefix,
        os.path.dirname(os.path.realpath(sys.executable)),
        _package_folder("course") or "",
        *extra,
    ]
    found: list[str] = []
    for path in sorted({os.path.realpath(p) for p in wanted if p}, key=len):
        if os.path.exists(path) and not any(_inside(path, f) for f in ["/usr", *found]):
            found.append(path)
    return found


def hidden_paths(runtime: list[str]) -> list[str]:
    """Instructor code that a bound runtime folder happens to hold (an installed kit)."""
    kit = _package_folder("sourcing_lab")
    return [kit] if kit and any(_inside(kit, r) for r in runtime) else []


def _system() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for path in SYSTEM_LINKS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in SYSTEM_FILES:
        if os.path.lexists(path):
            args += ["--ro-bind", path, path]
    return args


def _shared_view(
    bwrap: str,
    *,
    read_only: tuple[str, ...],
    network: bool,
    unshare_user: bool | None,
    tmp_bytes: int,
) -> list[str]:
    """What every grading view holds: the system, Python, the ``course`` package, a fresh
    ``/proc``, ``/dev``, ``/dev/shm`` and ``/tmp``; every namespace new, no capability."""
    if unshare_user is None:
        unshare_user = os.geteuid() != 0
    args = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    if unshare_user:  # a user namespace of its own: RLIMIT_NPROC then counts only its tasks
        args.append("--unshare-user")
    if network:
        args.append("--share-net")
    args += _system()  # mounts in order, parents first: a later one may sit inside an earlier
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--size", str(16 * MB), "--tmpfs", "/dev/shm", "--remount-ro", "/dev"]
    args += ["--size", str(tmp_bytes), "--tmpfs", "/tmp", "--dir", "/tmp/home"]
    runtime = runtime_paths(read_only)
    for path in runtime:  # after /tmp: an environment may live in /tmp
        args += ["--ro-bind", path, path]
    for path in hidden_paths(runtime):
        args += ["--tmpfs", path, "--remount-ro", path]
    return args


def _environment(chdir: str) -> list[str]:
    args = ["--setenv", "HOME", "/tmp/home", "--setenv", "TMPDIR", "/tmp"]
    args += ["--setenv", "IPYTHONDIR", "/tmp/ipython", "--chdir", chdir, "--remount-ro", "/"]
    # Inside, the kernel's parent is bubblewrap's reaper, pid 1. Told so, ipykernel does not
    # watch its parent (which looks dead when it is pid 1): --die-with-parent does that here.
    return [*args, "--setenv", "JPY_PARENT_PID", "1"]


def view_arguments(
    bwrap: str,
    *,
    workdir: str,
    private_dir: str,
    read_only: tuple[str, ...] = (),
    network: bool = False,
    unshare_user: bool | None = None,
    workdir_bytes: int = 512 * MB,
    tmp_bytes: int = 256 * MB,
) -> list[str]:
    """The bubblewrap command (without ``--`` and the command) for one kernel."""
    args = _shared_view(
        bwrap, read_only=read_only, network=network, unshare_user=unshare_user,
        tmp_bytes=tmp_bytes,
    )  # fmt: skip
    args += ["--bind", private_dir, private_dir]
    args += ["--size", str(workdir_bytes), "--tmpfs", workdir]
    args += ["--ro-bind", workdir, INSIDE_SUBMISSION, "--ro-bind", str(ENTRY), INSIDE_ENTRY]
    return args + _environment(workdir)


def zygote_view(
    bwrap: str,
    *,
    pool_dir: str,
    autograded_root: str,
    read_only: tuple[str, ...] = (),
    network: bool = False,
) -> list[str]:
    """The bubblewrap command for the zygote (``zygote``): the same view as a kernel's, with the
    pool folder (each kernel's sockets and submission copy) instead of one kernel's folder, an
    empty autograded folder for each child to mount its own tmpfs on, and the zygote's files.
    The zygote itself runs no student code; each child narrows this view (``zygote_child``)."""
    args = _shared_view(
        bwrap, read_only=read_only, network=network, unshare_user=True, tmp_bytes=16 * MB
    )
    # Its one capability, in its own user namespace only: a child may then map the grader's
    # id when that is root (the kernel says "parent_could_setfcap"); each child drops it.
    args += ["--cap-add", "CAP_SETFCAP"]
    args += ["--bind", pool_dir, pool_dir, "--dir", autograded_root, "--dir", INSIDE_STAGING]
    args += ["--ro-bind", str(ENTRY), INSIDE_ENTRY]
    for name in ZYGOTE_FILES:
        args += ["--ro-bind", str(ENTRY.with_name(name)), f"{INSIDE}/{name}"]
    return args + _environment("/")
