"""Workflow files read as GitHub Actions reads them, and their steps run with bash.

A caller's job (``uses: ./.github/workflows/reusable-x.yml`` here, ``owner/repo/.github/workflows/
reusable-x.yml@SHA`` in an adopter's repository) is followed to the reusable workflow of this
checkout, and its ``with:`` becomes the ``inputs`` context. A step's ``run:`` and ``env:`` come from
the YAML, ``${{ }}`` expressions from what the test says they are (an unknown one fails the test),
so workflows and tests cannot drift apart.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
VENV_BIN = Path(sys.executable).parent
CALL = re.compile(r"^(?:\./|[\w.-]+/[\w.-]+/)(\.github/workflows/reusable-[\w-]+\.yml)(?:@([0-9a-f]{40}))?$")


def load(path: Path | str) -> dict[Any, Any]:
    p = Path(path) if Path(path).is_absolute() else WORKFLOWS / path
    return yaml.safe_load(p.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def triggers(wf: dict[Any, Any]) -> dict[str, Any]:
    on = wf.get(True, wf.get("on"))  # YAML 1.1 reads the key `on` as True
    if isinstance(on, str):
        return {on: None}
    return dict(on)


@dataclass
class Called:
    """A reusable workflow as one caller's job calls it."""

    path: Path  # the reusable workflow in this checkout
    caller_job: dict[str, Any]
    pin: str | None  # the SHA of an `owner/repo/...@SHA` call, None for a local one
    with_: dict[str, Any] = field(default_factory=dict)


def called(caller: Path | str, job: str | None = None) -> Called | None:
    """The reusable workflow a caller's job calls (its only job when ``job`` is None), or None."""
    jobs = load(caller)["jobs"]
    name = job or next(iter(jobs))
    uses = jobs[name].get("uses")
    if not uses:
        return None
    m = CALL.match(uses)
    assert m, f"{caller}:{name}: {uses!r} is neither a local reusable workflow nor one pinned by SHA"
    return Called(ROOT / m.group(1), jobs[name], m.group(2), dict(jobs[name].get("with") or {}))


def step(workflow: Path | str, step_id: str) -> tuple[dict[str, Any], dict[str, Any], Called | None]:
    """The step with ``step_id`` (followed through a call), its job, and the call."""
    call = called(workflow)
    wf = load(call.path if call else workflow)
    for job in wf["jobs"].values():
        for s in job.get("steps", []):
            if s.get("id") == step_id:
                return s, job, call
    raise AssertionError(f"{workflow} has no step with id {step_id}")


def expand(value: str, exprs: dict[str, str]) -> str:
    """Substitute ``${{ expr }}``; every expression a test runs must be known (no silent drift).
    ``a || b`` takes the first operand that is known and not empty, as Actions does."""
    def one(expr: str) -> str:
        if expr in exprs:
            return exprs[expr]
        if "||" in expr:
            for operand in (o.strip() for o in expr.split("||")):
                if exprs.get(operand):
                    return exprs[operand]
            if all(o.strip() in exprs for o in expr.split("||")):
                return ""
        raise AssertionError(f"the test does not know the workflow expression {expr!r}")

    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: one(m.group(1).strip()), str(value))


def run_step(workflow: Path | str, step_id: str, *, cwd: Path, exprs: dict[str, str], env: dict[str, str],
             bin_dir: Path = VENV_BIN) -> subprocess.CompletedProcess[str]:
    """Run one step's ``run:`` as Actions does (bash -e -o pipefail), ``paperlist`` from ``bin_dir``."""
    s, _job, call = step(workflow, step_id)
    script = s["run"]
    assert "${{" not in script, "values reach scripts through env:, never by template expansion"
    known = dict(exprs)
    if call is not None:  # the caller's `with:` is the called workflow's `inputs`
        for key, value in call.with_.items():
            # an input the test gives no value for fails only if this step reads it
            with contextlib.suppress(AssertionError):
                known.setdefault(f"inputs.{key}", expand(str(value), exprs))
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    full_env.update({"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", **env})
    # (the job's own env: is not applied: it only gates optional steps the tests do not run)
    full_env.update({k: expand(v, known) for k, v in (s.get("env") or {}).items()})
    workdir = cwd / s["working-directory"] if s.get("working-directory") else cwd
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=workdir,
                          env=full_env, capture_output=True, text=True, timeout=180, check=False)


# -- the rules every workflow keeps (this repository's and the ones `paperlist init` writes) -------
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
TOOL_STEPS = ("Refuse a tool ref that could move", "Check out the pinned tool", None, "Install the pinned paperlist")
LEVEL = {"none": 0, "read": 1, "write": 2}


def hardening_problems(path: Path) -> list[str]:
    """What breaks the rules: permissions {} on top and stated per job, every action and reusable
    workflow pinned by SHA (or local), no pull_request_target, a checkout keeps its token only in a
    job that pushes, no expression inside a script, the tool installed only at the pinned commit."""
    wf = load(path)
    bad = []
    if wf.get("permissions") != {}:
        bad.append("top-level permissions: {} and grant per job")
    if "pull_request_target" in triggers(wf):
        bad.append("never pull_request_target")
    for name, job in wf["jobs"].items():
        where = f"{path.name}:{name}"
        if "permissions" not in job:
            bad.append(f"{where}: the job states its permissions")
        if "uses" in job:
            if not (CALL.match(job["uses"]) and (job["uses"].startswith("./") or SHA_PIN.match(job["uses"]))):
                bad.append(f"{where}: {job['uses']} is not a reusable workflow pinned by commit SHA")
            if job.get("secrets") == "inherit":
                bad.append(f"{where}: secrets are passed by name, never inherited whole")
            continue
        steps = job["steps"]
        for s in steps:
            uses = s.get("uses")
            if uses and not SHA_PIN.match(uses):
                bad.append(f"{where}: {uses} is not pinned by commit SHA")
            if uses and uses.startswith("actions/checkout@"):
                pushes = (job.get("permissions") or {}).get("contents") == "write" and "repository" not in s["with"]
                if s["with"].get("persist-credentials") is not pushes:
                    bad.append(f"{where}: persist-credentials must be {pushes} on {s.get('name', uses)}")
            if "run" in s and "${{" in s["run"]:
                bad.append(f"{where}: pass expressions through env:, never into a script")
            if "run" in s and "pip install" in s["run"] and s.get("name") != TOOL_STEPS[-1]:
                bad.append(f"{where}: pip install outside the pinned-tool step")
        runs_tool = any("paperlist " in s.get("run", "") for s in steps)
        if runs_tool:
            names = [s.get("name") for s in steps]
            at = names.index(TOOL_STEPS[0]) if TOOL_STEPS[0] in names else -1
            got = tuple(names[at:at + 4]) if at >= 0 else ()
            if at < 0 or tuple(n if i != 2 else None for i, n in enumerate(got)) != TOOL_STEPS:
                bad.append(f"{where}: runs paperlist without the pinned-tool steps {TOOL_STEPS}")
            else:
                guard, checkout, _, install = steps[at:at + 4]
                ref = guard.get("env", {}).get("REF")
                if guard.get("id") != "tool-ref" or ref != "${{ inputs.paperlist-ref }}" or "{40}" not in guard["run"]:
                    bad.append(f"{where}: the guard must refuse a paperlist-ref that is not a commit SHA")
                w = checkout.get("with", {})
                if (w.get("repository"), w.get("ref")) != ("${{ inputs.paperlist-repository }}",
                                                          "${{ inputs.paperlist-ref }}"):
                    bad.append(f"{where}: the tool must come from the caller's paperlist-repository@paperlist-ref")
                if f"./{w.get('path')}" not in install["run"] or f"-c {w.get('path')}/constraints.txt" not in \
                        install["run"]:
                    bad.append(f"{where}: install the checked-out tool with its own constraints")
    return bad


def permission_problems(caller: Path) -> list[str]:
    """A called job may ask for no more than its caller's job grants (GitHub refuses the run), and
    the caller should grant no more than the called jobs use."""
    bad = []
    for name, job in load(caller)["jobs"].items():
        call = called(caller, name)
        if call is None:
            continue
        granted = job.get("permissions") or {}
        used: dict[str, str] = {}
        for inner_name, inner in load(call.path)["jobs"].items():
            for scope, level in (inner.get("permissions") or {}).items():
                if LEVEL[level] > LEVEL[granted.get(scope, "none")]:
                    bad.append(f"{caller.name}:{name} grants {scope}: {granted.get(scope, 'none')}, "
                               f"{call.path.name}:{inner_name} needs {level}")
                if LEVEL[level] > LEVEL[used.get(scope, "none")]:
                    used[scope] = level
        if granted != used:
            bad.append(f"{caller.name}:{name} grants {granted}, the called jobs use {used}")
    return bad
