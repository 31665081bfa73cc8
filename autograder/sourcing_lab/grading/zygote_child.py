"""One forked grading kernel: from a fresh fork of the zygote to a running IPython kernel.

Runs inside the zygote's bubblewrap view, so it uses the standard library only (the zygote has
imported ipykernel, pandas and the kit before it forks; nothing of a student's has run in it).
Before the kernel runs anything, the child

1. makes a user namespace of its own (its capabilities hold there only), then new mount,
   process, network, IPC and host-name namespaces, and forks again: the kernel is process 1 of
   a process namespace of its own, so it sees and can signal no other kernel, and everything
   it starts dies with it;
2. mounts fresh, size-capped tmpfs over ``/tmp``, ``/dev/shm`` and the course's autograded
   folder, copies its submission in and works there; the pool folder is hidden but for its own
   folder (its sockets); ``/proc`` is covered (a new one cannot be mounted inside bubblewrap's
   view, and the zygote's would show the other kernels);
3. sets the resource caps, drops every capability (effective, permitted, inheritable, ambient
   and the bounding set) and sets no-new-privileges;
4. reports to the grader over its control socket and waits until the grader has moved it into
   its pids cgroup (the grader learns its process id from the socket's credentials);
5. gets a scrubbed environment and starts the kernel with its own connection file.

Any step that fails is reported ("error") and the child exits; the grader then starts that
kernel the ordinary way.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import sys

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 4096, 16384, 1 << 18
MS_MOVE, MNT_DETACH = 8192, 2
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 24, 38, 47
PR_SET_DUMPABLE = 4
ERROR_OUTPUT = "kernel-output.txt"  # in the kernel's own folder
INSIDE_ID = 1000  # the kernel's user and group id in its own namespace, when root outside
LIMITS = {"memory_bytes": "RLIMIT_AS", "cpu_seconds": "RLIMIT_CPU",
          "file_bytes": "RLIMIT_FSIZE", "processes": "RLIMIT_NPROC"}  # fmt: skip

CAP_VERSION_3 = 0x20080522
_libc = ctypes.CDLL(None, use_errno=True)


class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class SetupError(Exception):
    pass


def _call(name: str, *args: object) -> None:
    if getattr(_libc, name)(*args) != 0:
        error = ctypes.get_errno()
        detail = " ".join(str(a) for a in args if isinstance(a, (str, bytes)))
        raise SetupError(f"{name}({detail}): {os.strerror(error)}")


def _mount(source: str, target: str, kind: str | None, flags: int, data: str = "") -> None:
    _call("mount", source.encode(), target.encode(), kind.encode() if kind else None, flags,
          data.encode() if data else None)  # fmt: skip


def _tmpfs(target: str, size: int, mode: str = "0755", flags: int = 0) -> None:
    _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | flags, f"size={size},mode={mode}")


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def own_namespaces() -> None:
    """A user namespace mapping this one id, then the other namespaces (in the caller).

    Root outside is mapped to an ordinary id inside (``INSIDE_ID``): mapping root would need
    a capability the zygote has not got (CAP_SETFCAP), and the kernel needs no root inside."""
    uid, gid = os.geteuid(), os.getegid()
    _call("unshare", CLONE_NEWUSER)
    for name, text in (("setgroups", "deny"),
                       ("uid_map", f"{uid or INSIDE_ID} {uid} 1"),
                       ("gid_map", f"{gid or INSIDE_ID} {gid} 1")):  # fmt: skip
        fd = os.open(f"/proc/self/{name}", os.O_WRONLY)
        try:
            os.write(fd, text.encode())
        except OSError as exc:
            raise SetupError(f"writing {name}: {exc.strerror}") from None
        finally:
            os.close(fd)
    _call("unshare", CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)


def own_files(request: dict) -> None:
    """Fresh tmpfs mounts; the pool folder shows only this kernel's folder (see the module).

    The new ``/tmp`` is built at the staging folder and moved into place: what the view binds
    below ``/tmp`` (a Python environment, say) is bound into it first, the pool and the
    autograded folder excepted."""
    pool, own, staging = request["pool_dir"], request["kernel_dir"], request["staging"]
    root, workdir = request["autograded_root"], request["workdir"]
    _mount("none", "/", None, MS_REC | MS_PRIVATE)
    kept = _mounts_below("/tmp", leave_out=(pool, root))
    _tmpfs(staging, request["tmp_bytes"], "1777")
    for mount in [*kept, *([own] if _inside(pool, "/tmp") else [])]:
        target = staging + mount.removeprefix("/tmp")
        if os.path.isdir(mount):
            os.makedirs(target, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            open(target, "a").close()
        _mount(mount, target, None, MS_BIND | MS_REC)
    _mount(staging, "/tmp", None, MS_MOVE)
    if not _inside(pool, "/tmp"):
        _mount(own, staging, None, MS_BIND)
        _tmpfs(pool, 1 << 20)
        os.makedirs(own, exist_ok=True)
        _mount(staging, own, None, MS_BIND)
        _call("umount2", staging.encode(), MNT_DETACH)
    os.makedirs("/tmp/home", exist_ok=True)
    _tmpfs("/dev/shm", request["shm_bytes"], "1777")
    os.makedirs(root, exist_ok=True)
    _tmpfs(root, request["workdir_bytes"])
    os.makedirs(workdir, exist_ok=True)
    shutil.copytree(os.path.join(own, "submission"), workdir, dirs_exist_ok=True)
    os.chdir(workdir)
    _tmpfs("/proc", 4096, "0555", MS_RDONLY)


def _mounts_below(folder: str, leave_out: tuple[str, ...]) -> list[str]:
    """The outermost mount points below ``folder``, but for those in ``leave_out``."""
    with open("/proc/self/mountinfo", encoding="utf-8") as handle:
        points = [_unescape(line.split()[4]) for line in handle]
    below = sorted({p for p in points if p != folder and _inside(p, folder)}, key=len)
    found: list[str] = []
    for point in below:
        if any(_inside(point, other) for other in (*found, *leave_out)):
            continue
        found.append(point)
    return found


def _unescape(field: str) -> str:
    """A mountinfo path: spaces, tabs, new lines and backslashes come as octal escapes."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def drop_privileges(limits: dict) -> list[str]:
    """Resource caps, then no capability of any kind; returns the caps that could not be set."""
    import resource

    notes = []
    for name, value in limits.items():
        which = getattr(resource, LIMITS.get(name, ""), None)
        if value and which is not None:
            try:
                resource.setrlimit(which, (value, value))
            except (ValueError, OSError) as exc:
                notes.append(f"could not set {name}: {exc}")
    cap = 0
    while _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:
        cap += 1
    _libc.prctl(PR_CAP_AMBIENT, 4, 0, 0, 0)  # PR_CAP_AMBIENT_CLEAR_ALL

    data = (ctypes.c_uint32 * 6)()  # two (effective, permitted, inheritable) sets, all zero
    _call("capset", ctypes.byref(_CapHeader(CAP_VERSION_3, 0)), data)
    _call("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    _call("prctl", PR_SET_DUMPABLE, 0, 0, 0, 0)  # nobody of its id may read its memory
    return notes


def capabilities_left() -> int:
    data = (ctypes.c_uint32 * 6)()
    _libc.capget(ctypes.byref(_CapHeader(CAP_VERSION_3, 0)), data)
    return sum(data)


def _send(control: socket.socket, message: dict) -> None:
    control.sendall(json.dumps(message).encode() + b"\n")


def _quiet_descriptors() -> None:
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _error_output(path: str) -> None:
    """The kernel's output streams go to a file in its own folder, which the grader reads (an
    ordinary kernel writes to the grader's standard error)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    for target in (1, 2):
        os.dup2(fd, target)
    os.close(fd)


def run(request: dict, keep_fds: tuple[int, ...] = ()) -> None:
    """In a fresh fork of the zygote: become the kernel ``request`` asks for. Never returns."""
    code = 1
    try:
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGPIPE):
            signal.signal(signum, signal.SIG_DFL)
        _quiet_descriptors()
        _libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)  # dies with the zygote
        control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        control.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)  # the grader sees our pid
        control.settimeout(60)
        control.connect(os.path.join(request["kernel_dir"], "ctl"))
        try:
            own_namespaces()
        except (SetupError, OSError) as exc:
            _send(control, {"error": f"namespaces: {exc}"})
            os._exit(1)
        kernel = os.fork()
        if kernel:
            control.close()
            code = os.waitpid(kernel, 0)[1]
            os._exit(os.waitstatus_to_exitcode(code) & 0xFF)
        _libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        _kernel(request, control)
    except BaseException:
        os._exit(code)
    os._exit(code)


def _kernel(request: dict, control: socket.socket) -> None:
    try:
        own_files(request)
        notes = drop_privileges(request.get("limits", {}))
        left = capabilities_left()
        _error_output(os.path.join(request["kernel_dir"], ERROR_OUTPUT))
        app = _kernel_app(request)
    except (SetupError, OSError) as exc:
        _send(control, {"error": f"sandbox: {exc}"})
        os._exit(1)
    except Exception as exc:  # ipykernel could not start: the grader starts one the usual way
        _send(control, {"error": f"kernel: {type(exc).__name__}: {exc}"})
        os._exit(1)
    _send(control, {"status": {"notes": notes, "problems": [], "capabilities": left}})
    reply = control.makefile("rb").readline()
    control.close()
    if reply.strip() != b"go":
        os._exit(1)
    app.start()
    os._exit(0)


def _kernel_app(request: dict) -> object:
    """The kernel, its sockets bound (the grader's client connects at once, with no retry):
    scrubbed environment, fresh random seeds, the kit's zygote files off the path."""
    os.environ.clear()
    os.environ.update(request["env"])
    kit_files = os.path.dirname(request["staging"])
    sys.path[:] = [p for p in sys.path if p and not _inside(p, kit_files)]
    for name in ("random",):
        if name in sys.modules:
            sys.modules[name].seed()
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()
    from ipykernel.kernelapp import IPKernelApp
    from ipykernel.kernelbase import Kernel

    # ipykernel looks for the kernel's children in /proc, which is covered here; the kernel is
    # process 1 of its namespace, so they end with it.
    Kernel._process_children = lambda self: []
    sys.argv = ["ipykernel_launcher", *request["kernel_args"]]
    app = IPKernelApp.instance()
    app.initialize(request["kernel_args"])
    return app
