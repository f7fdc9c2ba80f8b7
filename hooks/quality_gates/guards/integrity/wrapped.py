"""Commands run inside another program that passes their exit status on.

``sudo -u ci pytest``, ``nice -n 5 pytest``, ``xvfb-run -a pytest``,
``timeout -k 10 600 pytest``: each runs its command and exits with its status
(``timeout`` with 124 when time runs out: a failure still), so the check is
the command, once the wrapper's own options are left out.

``docker run [OPTIONS] IMAGE CMD...``, ``docker exec [OPTIONS] CTR CMD...``,
``docker compose run|exec [OPTIONS] SVC CMD...`` (podman alike) exit with the
status of the command in the container.  Detached (``-d``) they exit 0 at
once: no command is seen through them.
"""

from __future__ import annotations

import re

from quality_gates.guards.integrity import catalogue as cat

# options that take the next word as their value, per wrapper
_VALUED: dict[str, frozenset[str]] = {
    "sudo": frozenset("-u -g -C -D -p -r -t -U -T --user --group".split()),
    "nice": frozenset(("-n", "--adjustment")),
    "ionice": frozenset("-c -n -p -P -u --class --classdata".split()),
    "stdbuf": frozenset("-i -o -e --input --output --error".split()),
    "xvfb-run": frozenset(
        "-e -f -n -p -s -w --error-file --auth-file --server-num "
        "--xauth-protocol --server-args --wait".split()
    ),
    "time": frozenset(("-f", "-o", "--format", "--output")),
    "env": frozenset(("-u", "-C", "--unset", "--chdir")),
    "timeout": frozenset(("-k", "-s", "--kill-after", "--signal")),
    "unbuffer": frozenset(),
}
WRAPPERS = frozenset(
    (*_VALUED, "nohup", "exec", "command", "caffeinate", "catchsegv")
) - {"timeout"}

_ENGINES = frozenset(("docker", "podman"))
# options of `run`/`exec` (and compose's) that take the next word as value
_RUN_VALUED = frozenset(
    """-e --env --env-file -v --volume -w --workdir -u --user --name -p --publish
    --network --net --entrypoint --mount --platform -m --memory --cpus -h
    --hostname -l --label --add-host --device --cap-add --cap-drop --shm-size
    --ulimit --gpus --ipc --pid --restart --security-opt --tmpfs --volumes-from
    --group-add --dns --link --log-driver --log-opt --cidfile --runtime
    --stop-signal --pull --detach-keys --index --userns --cgroupns --uts
    --memory-swap --cpuset-cpus --health-cmd --expose --label-file""".split()
)
_ENGINE_VALUED = frozenset(
    "-f --file -p --project-name --env-file --profile --project-directory "
    "-c --context -H --host --log-level --ansi --progress".split()
)
_DETACH = re.compile(r"^(-[a-zA-Z]*d[a-zA-Z]*|--detach)$")


def drop_options(wrapper: str, tokens: list[str]) -> list[str]:
    """``-n 5 pytest`` after ``nice`` -> ``pytest``: the wrapper's options left out."""
    valued = _VALUED.get(wrapper, frozenset())
    index = 0
    while index < len(tokens) and tokens[index].startswith("-"):
        word = tokens[index]
        index += 1
        if word == "--":
            break
        if word in valued:
            index += 1
    return tokens[index:]


def after_timeout(tokens: list[str]) -> list[str]:
    """``timeout -k 10 600 pytest`` -> ``pytest`` (the duration left out too)."""
    return drop_options("timeout", tokens[1:])[1:]


def in_nix(tokens: list[str]) -> list[str] | None:
    """``nix develop .#ci -c pytest`` -> ``pytest``: ``--command`` runs it (exec).

    ``nix develop``/``nix shell`` exit with the status of that command.
    """
    if tokens[:1] != ["nix"] or tokens[1:2] not in (["develop"], ["shell"]):
        return None
    for index, word in enumerate(tokens[2:], 2):
        if word in ("-c", "--command"):
            return tokens[index + 1 :] or None
    return None


def _options(tokens: list[str], valued: frozenset[str]) -> tuple[list[str], bool]:
    """Return the words after the options of a verb, and whether it detaches."""
    index, detached = 0, False
    while index < len(tokens) and tokens[index].startswith("-"):
        word = tokens[index]
        detached = detached or bool(_DETACH.match(word))
        index += 2 if word in valued else 1
    return tokens[index:], detached


def in_container(tokens: list[str]) -> list[str] | None:
    """Return the command ``docker run``/``exec`` (compose too) runs, or None.

    An image named for a checker (``hadolint/hadolint``) with no command of
    its own keeps its name, as the command it runs.
    """
    if not tokens or re.split(r"[/\\]", tokens[0])[-1] not in _ENGINES:
        return None
    rest, _ = _options(tokens[1:], _ENGINE_VALUED)
    if rest[:1] == ["compose"]:
        rest, _ = _options(rest[1:], _ENGINE_VALUED)
    if rest[:1] not in (["run"], ["exec"]):
        return None
    rest, detached = _options(rest[1:], _RUN_VALUED)
    if detached or not rest:
        return None
    image = re.split(r"[/\\]", rest[0])[-1].split("@", 1)[0].split(":", 1)[0]
    if image in cat.GATE_TOOLS and rest[1:2] != [image]:
        return [image, *rest[1:]]
    return rest[1:] or None
