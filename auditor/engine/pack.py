"""The policy pack: every policy, profile and framework of the shipped ``policies/`` folder
plus the user's ``policy_dirs``, loaded and compiled once, with a digest for the report.

Layout of a policy folder: ``profiles/*.yaml`` are profiles, ``frameworks/*.yaml`` framework
mappings, every other ``*.yaml`` below it is one policy. A folder given in ``policy_dirs`` that is
itself named ``profiles`` (or ``frameworks``) holds only profiles (or framework mappings).
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from auditor.engine import packcache
from auditor.engine.framework import load_frameworks, refs_by_policy
from auditor.engine.policy import Policy, load_policy
from auditor.engine.profile import Profile, load_profiles
from auditor.errors import ConfigError, PolicyError
from auditor.fsio import shipped
from auditor.model.findings import Control


@dataclass(frozen=True, slots=True)
class PolicyPack:
    policies: tuple[Policy, ...]
    profiles: Mapping[str, Profile]
    controls: tuple[Control, ...]
    framework_refs: Mapping[str, tuple[str, ...]]  # policy id -> ("GDPR:Art.44", …)
    digest: str  # sha256 over every file of the pack, paths and contents

    def profile(self, name: str) -> Profile:
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise ConfigError("policy.unknown-profile", name=name, known=known) from None

    def policy(self, policy_id: str) -> Policy:
        for policy in self.policies:
            if policy.id == policy_id:
                return policy
        raise ConfigError("policy.unknown-policy", policy=policy_id)


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        raise ConfigError("policy.folder-missing", location=str(root))
    return sorted(p for p in root.rglob("*.yaml") if p.is_file() and not p.name.startswith("."))


def load_pack(extra_dirs: Iterable[Path] = (), *, include_shipped: bool = True) -> PolicyPack:
    """The shipped pack plus ``extra_dirs``; read back from the user cache when its files and the
    code reading them are unchanged (``packcache``), else loaded, checked and kept there. A pack
    :func:`preload` started for the same files is taken as it is."""
    roots, files, hexdigest = _identify(extra_dirs, include_shipped)
    early = _PRELOADS.pop(_preload_key(roots), None)
    if early is not None:
        kept = early.result()
        if isinstance(kept, PolicyPack) and kept.digest == hexdigest:
            return kept
    cache_key = packcache.key(hexdigest, roots)
    kept = packcache.read(cache_key)
    if isinstance(kept, PolicyPack) and kept.digest == hexdigest:
        return kept
    pack = _load(files, hexdigest)
    packcache.write(cache_key, pack)
    return pack


def _identify(extra_dirs: Iterable[Path], include_shipped: bool) -> tuple[list[Path], list[tuple[Path, Path]], str]:
    """The pack's folders, its files, and their digest (paths and contents)."""
    roots = ([shipped("policies")] if include_shipped else []) + [Path(d) for d in extra_dirs]
    files = [(root, path) for root in roots for path in _files(root)]
    digest = hashlib.sha256()
    for root, path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return roots, files, "sha256:" + digest.hexdigest()


# --------------------------------------------------------------------------------------------
# Preloading: a command that will need the pack starts it before its slow start-up work (a scan
# imports its cloud SDK and builds clients), and takes it where it used to load it.
#
# With a warm cache the pack is simply read back. With a cold one (first run, new version, CI), it
# is loaded by a forked child, on another core, while the command goes on; the child keeps it in
# the cache as usual and hands it over through a pipe. Whatever goes wrong in the child (a bad
# policy file, a crash), the parent loads the pack itself where it takes it, so errors are raised
# there exactly as before: with file:line, exit 2, before the scan sends anything. Only on Linux,
# and only from a single-threaded process (forking a threaded one is unsafe); else nothing happens
# early and the pack is loaded where it is taken.
# --------------------------------------------------------------------------------------------

class _Early:
    """A pack being loaded by a child process (``pid``, read end of its pipe), or already read back."""

    def __init__(self, pack: PolicyPack | None = None, pid: int = 0, pipe: int = -1) -> None:
        self.pack, self.pid, self.pipe = pack, pid, pipe

    def result(self) -> PolicyPack | None:
        if self.pid:
            import pickle

            with os.fdopen(self.pipe, "rb") as f:
                blob = f.read()
            os.waitpid(self.pid, 0)
            self.pid = 0
            try:
                loaded = pickle.loads(blob) if blob else None  # noqa: S301 - written by our own child
            except Exception:  # a truncated hand-over: loaded again by the caller
                loaded = None
            self.pack = loaded if isinstance(loaded, PolicyPack) else None
        return self.pack


_PRELOADS: dict[tuple[str, ...], _Early] = {}


def _preload_key(roots: Iterable[Path]) -> tuple[str, ...]:
    return tuple(str(Path(r).resolve()) for r in roots)


def preload(extra_dirs: Iterable[Path] = ()) -> None:
    """Start loading the pack :func:`load_pack` will be asked for (see above); never raises."""
    extra_dirs = list(extra_dirs)
    try:
        roots, _, hexdigest = _identify(extra_dirs, True)
    except (OSError, ConfigError):
        return  # reported, with its proper message, by load_pack
    key = _preload_key(roots)
    if key in _PRELOADS:
        return
    kept = packcache.read(packcache.key(hexdigest, roots))
    if isinstance(kept, PolicyPack) and kept.digest == hexdigest:
        _PRELOADS[key] = _Early(kept)
        return
    if sys.platform != "linux" or threading.active_count() > 1:
        return
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: load, hand over, leave without running the parent's exit handlers
        try:
            import pickle

            os.close(read_end)
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent reports it, once
            try:
                blob = pickle.dumps(load_pack(extra_dirs), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # the parent loads it again and raises the error itself
                blob = b""
            with os.fdopen(write_end, "wb") as f:
                f.write(blob)
        finally:
            os._exit(0)
    os.close(write_end)
    _PRELOADS[key] = _Early(pid=pid, pipe=read_end)


def _load(files: list[tuple[Path, Path]], digest: str) -> PolicyPack:
    policies: dict[str, Policy] = {}
    profile_files: list[Path] = []
    framework_files: list[Path] = []
    for root, path in files:
        rel = path.relative_to(root)
        folder = rel.parts[0] if len(rel.parts) > 1 else root.name  # a policy_dir may be a profiles/ folder
        if folder == "profiles":
            profile_files.append(path)
        elif folder == "frameworks":
            framework_files.append(path)
        else:
            policy = load_policy(path)
            if policy.id in policies:
                raise PolicyError("policy.twice", location=policy.source, id=policy.id,
                                  other=policies[policy.id].source)
            policies[policy.id] = policy
    controls = load_frameworks(framework_files, set(policies))
    profiles = load_profiles(profile_files)
    for profile in profiles.values():
        for pid in (*profile.severities, *profile.disabled):
            if pid not in policies:
                raise PolicyError("policy.profile-names-unknown", location=profile.source, profile=profile.id,
                                  policy=pid)
        for pid in profile.disabled:
            if policies[pid].target == "coverage-gap":
                raise PolicyError("policy.profile-disables-gap", location=profile.source, profile=profile.id,
                                  policy=pid)
    return PolicyPack(
        policies=tuple(sorted(policies.values(), key=lambda p: p.id)),
        profiles=profiles,
        controls=controls,
        framework_refs=refs_by_policy(controls),
        digest=digest,
    )
