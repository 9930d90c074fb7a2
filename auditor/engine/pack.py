"""The policy pack: every policy, profile and framework of the shipped ``policies/`` folder
plus the user's ``policy_dirs``, loaded and compiled once, with a digest for the report.

Layout of a policy folder: ``profiles/*.yaml`` are profiles, ``frameworks/*.yaml`` framework
mappings, every other ``*.yaml`` below it is one policy. A folder given in ``policy_dirs`` that is
itself named ``profiles`` (or ``frameworks``) holds only profiles (or framework mappings).
"""

from __future__ import annotations

import hashlib
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
            raise ConfigError(f"unknown profile {name!r} (known: {known})") from None

    def policy(self, policy_id: str) -> Policy:
        for policy in self.policies:
            if policy.id == policy_id:
                return policy
        raise ConfigError(f"unknown policy {policy_id!r}")


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        raise ConfigError("policy directory not found", location=str(root))
    return sorted(p for p in root.rglob("*.yaml") if p.is_file() and not p.name.startswith("."))


def load_pack(extra_dirs: Iterable[Path] = (), *, include_shipped: bool = True) -> PolicyPack:
    """The shipped pack plus ``extra_dirs``; read back from the user cache when its files and the
    code reading them are unchanged (``packcache``), else loaded, checked and kept there."""
    roots = ([shipped("policies")] if include_shipped else []) + [Path(d) for d in extra_dirs]
    files = [(root, path) for root in roots for path in _files(root)]
    digest = hashlib.sha256()
    for root, path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    hexdigest = "sha256:" + digest.hexdigest()
    cache_key = packcache.key(hexdigest, roots)
    kept = packcache.read(cache_key)
    if isinstance(kept, PolicyPack) and kept.digest == hexdigest:
        return kept
    pack = _load(files, hexdigest)
    packcache.write(cache_key, pack)
    return pack


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
                raise PolicyError(f"policy {policy.id} is defined twice (also in {policies[policy.id].source})",
                                  location=policy.source)
            policies[policy.id] = policy
    controls = load_frameworks(framework_files, set(policies))
    profiles = load_profiles(profile_files)
    for profile in profiles.values():
        for pid in (*profile.severities, *profile.disabled):
            if pid not in policies:
                raise PolicyError(f"profile {profile.id!r} names unknown policy {pid!r}", location=profile.source)
        for pid in profile.disabled:
            if policies[pid].target == "coverage-gap":
                raise PolicyError(f"profile {profile.id!r} cannot disable {pid}: coverage gaps are never dropped",
                                  location=profile.source)
    return PolicyPack(
        policies=tuple(sorted(policies.values(), key=lambda p: p.id)),
        profiles=profiles,
        controls=controls,
        framework_refs=refs_by_policy(controls),
        digest=digest,
    )
