"""The files in deploy/ and docs/deploy.md, read against the code they run.

Docker cannot run here, so the Dockerfile and compose file are checked by
reading them: every command they give groupnet must parse with groupnet's own
argument parser, and the ports, paths, URLs and volumes must agree with each
other. Tools that are installed (systemd-analyze, nginx, caddy, shellcheck)
check their own files too; each such test says why it skips without them.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest

from groupnet.cli.main import build_parser
from groupnet.config import NodeConfig
from groupnet.web import federation

from .readers import (
    DEPLOY,
    REPO,
    dockerfile_instructions,
    exec_form,
    fenced_shell_blocks,
    groupnet_commands,
    read_yaml_subset,
    stringify,
    unit_settings,
)

NODE_SERVICES = ["southwark", "havering", "birmingham"]
DEFAULT_BODY_LIMIT = NodeConfig(name="x", url="http://x").max_body_bytes


def parse_cli(words: list[str]):
    """Parse a groupnet command line as `groupnet` would; fail the test if it would not."""
    assert words[0] == "groupnet", words
    try:
        return build_parser().parse_args(words[1:])
    except SystemExit as refusal:
        pytest.fail(f"groupnet refuses {shlex.join(words)} (exit {refusal.code})")


def subcommand(args) -> str:
    """`network found`, `init`, … from parsed arguments."""
    words = [args.command]
    for attribute in ("network_command", "profile_command", "token_command", "key_command"):
        if getattr(args, attribute, None):
            words.append(getattr(args, attribute))
    return " ".join(words)


def dockerfile() -> dict[str, list[str]]:
    instructions: dict[str, list[str]] = {}
    for keyword, arguments in dockerfile_instructions((DEPLOY / "Dockerfile").read_text()):
        instructions.setdefault(keyword, []).append(arguments)
    return instructions


def image_cmd() -> list[str]:
    return exec_form(dockerfile()["CMD"][-1])


def exposed_port() -> int:
    (port,) = dockerfile()["EXPOSE"]
    return int(port)


def compose() -> dict:
    return read_yaml_subset((DEPLOY / "compose.yaml").read_text())


def installed_as() -> dict[str, str]:
    """deploy/ file -> the path the image installs it at."""
    copies = {}
    for arguments in dockerfile()["COPY"]:
        *sources, destination = arguments.split()
        for source in sources:
            copies[source] = destination
    return copies


def docs_commands() -> list[list[str]]:
    text = (REPO / "docs" / "deploy.md").read_text()
    return [c for block in fenced_shell_blocks(text) for c in groupnet_commands(block)]


# -- groupnet commands in every file --------------------------------------------------


@pytest.mark.parametrize(("source", "expected"), [
    ("deploy/docker-entrypoint.sh", {"init"}),
    ("deploy/network-setup.sh",
     {"network status", "network groups", "network found", "network admit", "network join"}),
    ("docs/deploy.md",
     {"init", "network found", "network join", "profile set", "network groups", "verify"}),
])
def test_every_groupnet_command_in_the_deploy_files_is_one_the_cli_accepts(source, expected):
    text = (REPO / source).read_text()
    commands = docs_commands() if source.endswith(".md") else groupnet_commands(text)
    found = {subcommand(parse_cli(words)) for words in commands}
    assert expected <= found, f"{source} no longer runs {expected - found}"


def test_the_image_runs_the_node_from_its_volume_as_an_unprivileged_user():
    image = dockerfile()
    assert image["FROM"] == ["python:3.11-slim"]
    assert image["USER"][-1] == "groupnet"
    (volume,) = image["VOLUME"]
    args = parse_cli(image_cmd())
    assert subcommand(args) == "run"
    assert PurePosixPath(args.dir).is_relative_to(volume)
    assert (args.host, args.port) == ("0.0.0.0", exposed_port())
    (entrypoint,) = exec_form(image["ENTRYPOINT"][-1])
    assert installed_as()["deploy/docker-entrypoint.sh"] == f"/usr/local/bin/{entrypoint}"


def test_the_entrypoint_creates_the_node_the_image_command_runs():
    (init,) = groupnet_commands((DEPLOY / "docker-entrypoint.sh").read_text())
    args = parse_cli(init)
    cmd = parse_cli(image_cmd())
    assert (args.host, args.port) == (cmd.host, cmd.port)
    assert (args.name, args.url) == ("$GROUPNET_NAME", "$GROUPNET_URL")


def test_every_file_the_image_copies_exists_and_reaches_the_build_context():
    lines = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert patterns[0] == "*", "the ignore file lets through only what it names"
    allowed = {pattern[1:] for pattern in patterns if pattern.startswith("!")}
    for source in installed_as():
        assert (REPO / source).exists(), source
        assert source in allowed, f"{source} is copied but excluded from the build context"
    for script in ("network-setup.sh", "backup.sh"):
        assert f"deploy/{script}" in installed_as()


def test_the_health_check_asks_the_exposed_port_for_the_well_known_document():
    (health,) = dockerfile()["HEALTHCHECK"]
    program, flag, code = exec_form(health.split(" CMD ", 1)[1])
    assert (program, flag) == ("python", "-c")
    url = re.search(r"'(http://[^']+)'", code).group(1)
    assert url == f"http://127.0.0.1:{exposed_port()}/.well-known/groupnet"
    assert "/.well-known/groupnet" in {route.path for route in federation.routes()}


# -- compose.yaml -------------------------------------------------------------------


def test_the_compose_file_reads_the_same_with_a_yaml_library():
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed to cross-check with")
    text = (DEPLOY / "compose.yaml").read_text()
    assert read_yaml_subset(text) == stringify(yaml.safe_load(text))


def test_compose_runs_three_nodes_each_with_its_own_volume_url_and_loopback_port():
    services = compose()["services"]
    assert set(services) == {*NODE_SERVICES, "setup"}
    volumes = set()
    for number, name in enumerate(NODE_SERVICES):
        service = services[name]
        assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        assert service["environment"]["GROUPNET_URL"] == f"http://{name}:{exposed_port()}"
        assert service["environment"]["GROUPNET_NAME"].lower() == name
        assert service["ports"] == [f"127.0.0.1:{8101 + number}:{exposed_port()}"]
        (mount,) = service["volumes"]
        volume, target = mount.split(":")
        assert target == dockerfile()["VOLUME"][0]
        volumes.add(volume)
        assert "command" not in service, "nodes run the image's own command"
    assert volumes == set(compose()["volumes"]) and len(volumes) == 3


def test_compose_setup_finds_each_node_where_its_volume_is_mounted_once_all_are_healthy():
    services = compose()["services"]
    setup = services["setup"]
    program, network_name, *pairs = setup["command"]
    assert f"/usr/local/bin/{program}" == installed_as()["deploy/network-setup.sh"]
    assert network_name
    mounts = dict(mount.split(":") for mount in setup["volumes"])
    node_dir = PurePosixPath(parse_cli(image_cmd()).dir)
    in_volume = node_dir.relative_to(dockerfile()["VOLUME"][0])
    expected = []
    for name in NODE_SERVICES:
        (volume_mount,) = services[name]["volumes"]
        volume = volume_mount.split(":")[0]
        expected += [str(PurePosixPath(mounts[volume]) / in_volume),
                     services[name]["environment"]["GROUPNET_URL"]]
    assert pairs == expected, "the first pair founds the network: Southwark"
    assert setup["depends_on"] == {
        name: {"condition": "service_healthy"} for name in NODE_SERVICES
    }
    assert setup["restart"] == "no"


# -- systemd ----------------------------------------------------------------------


def unit() -> dict[str, dict[str, list[str]]]:
    return unit_settings((DEPLOY / "groupnet.service").read_text())


def test_the_systemd_unit_runs_the_node_in_its_state_directory_hardened():
    service = {key: values[-1] for key, values in unit()["Service"].items()}
    program, *arguments = shlex.split(service["ExecStart"])
    args = parse_cli(["groupnet", *arguments])
    assert subcommand(args) == "run" and program.endswith("/bin/groupnet")
    state = f"/var/lib/{service['StateDirectory']}"
    assert PurePosixPath(args.dir).parent == PurePosixPath(state)
    assert unit()["Unit"]["AssertPathExists"] == [f"{args.dir}/node.toml"]
    assert state in service["ReadWritePaths"].split()
    assert service["User"] == service["Group"] == "groupnet"
    assert (service["UMask"], service["StateDirectoryMode"]) == ("0077", "0700")
    assert (service["KillSignal"], service["Restart"]) == ("SIGTERM", "on-failure")
    for setting in ("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices",
                    "RestrictSUIDSGID", "LockPersonality"):
        assert service[setting] == "yes", setting
    assert service["ProtectSystem"] == "strict"
    assert service["CapabilityBoundingSet"] == ""
    assert set(service["RestrictAddressFamilies"].split()) == {"AF_INET", "AF_INET6", "AF_UNIX"}


def unit_with_real_program(tmp_path: Path) -> Path:
    """The unit as it is, but starting this machine's groupnet (verify checks the path)."""
    program = shutil.which("groupnet")
    if program is None:
        pytest.skip("no groupnet on PATH to stand in for /opt/groupnet/venv/bin/groupnet")
    text = (DEPLOY / "groupnet.service").read_text()
    copy = tmp_path / "groupnet.service"
    copy.write_text(text.replace("/opt/groupnet/venv/bin/groupnet", program))
    return copy


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed here")
def test_systemd_analyze_verify_accepts_the_unit(tmp_path):
    result = subprocess.run(["systemd-analyze", "verify", str(unit_with_real_program(tmp_path))],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "groupnet.service" not in result.stderr, result.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed here")
def test_systemd_analyze_rates_the_unit_exposure_as_ok(tmp_path):
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(unit_with_real_program(tmp_path))],
        capture_output=True, text=True, timeout=60,
    )
    if "--offline" in result.stderr:
        pytest.skip("this systemd-analyze cannot rate a unit file offline")
    level = re.search(r"Overall exposure level for \S+: ([\d.]+)", result.stdout)
    assert level, result.stdout + result.stderr
    assert float(level.group(1)) <= 2.0, result.stdout


# -- reverse proxies ------------------------------------------------------------------


def nginx_locations() -> list[tuple[str, str]]:
    """(modifier, path) of each location block that proxies to the node."""
    text = (DEPLOY / "nginx.conf").read_text()
    blocks = re.findall(r"location\s+(=\s+)?(\S+)\s*\{([^}]*)\}", text)
    return [(modifier.strip(), path) for modifier, path, body in blocks if "proxy_pass" in body]


def test_the_proxies_pass_every_path_to_the_node_pages_included():
    """The node serves its pages, API, federation endpoints and description from one
    origin; a proxy that passed only some of them left the web pages unreachable."""
    assert nginx_locations() == [("", "/")]
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert " path " not in caddy, "the Caddyfile must not limit the paths it proxies"
    assert re.search(r"\thandle \{\s*reverse_proxy 127\.0\.0\.1:8100", caddy)


def docs_listen_address() -> tuple[str, int]:
    inits = [parse_cli(c) for c in docs_commands() if c[1] == "init"]
    assert inits, "docs/deploy.md shows how to create the node"
    return inits[0].host, inits[0].port


def test_the_proxies_send_to_where_the_documented_node_listens():
    host, port = docs_listen_address()
    assert host == "127.0.0.1"
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert re.search(r"upstream groupnet \{\s*server ([\d.:]+);", nginx).group(1) == \
        f"{host}:{port}"
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert re.search(r"reverse_proxy (\S+)", caddy).group(1) == f"{host}:{port}"


def test_the_documented_node_trusts_the_forwarded_address_of_its_own_proxy_alone():
    (init,) = [parse_cli(c) for c in docs_commands() if c[1] == "init"]
    # both proxies connect to the node from loopback (upstream 127.0.0.1:8100) ...
    assert init.trusted_proxy == ["127.0.0.1"]
    # ... and put the address they were called from last in X-Forwarded-For
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert "trusted_proxies" not in caddy, "Caddy must not pass on a client's own header"
    docs = (REPO / "docs" / "deploy.md").read_text()
    assert 'trusted_proxies = ["127.0.0.1"]' in docs


def test_the_entrypoint_passes_the_containers_trusted_proxies_to_init():
    (init,) = groupnet_commands((DEPLOY / "docker-entrypoint.sh").read_text())
    assert parse_cli(init).trusted_proxy == ["${GROUPNET_TRUSTED_PROXIES:-}"]


def test_the_proxies_limit_bodies_as_the_node_does_and_refuse_in_its_shape():
    nginx = (DEPLOY / "nginx.conf").read_text()
    size = re.search(r"client_max_body_size (\d+)m;", nginx).group(1)
    assert int(size) * 1024 * 1024 == DEFAULT_BODY_LIMIT
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert int(re.search(r"max_size (\d+)MiB", caddy).group(1)) * 1024 * 1024 == \
        DEFAULT_BODY_LIMIT
    assert f"> {DEFAULT_BODY_LIMIT}`" in caddy
    for text in (nginx, caddy):
        bodies = re.findall(r"""['`](\{"error".*?\})\\?n?['`]""", text)
        refusals = {json.loads(body)["error"]["code"]: body for body in bodies}
        assert set(refusals) == {"too_large"}
        assert f"limited to {DEFAULT_BODY_LIMIT} bytes" in refusals["too_large"]


@pytest.mark.skipif(shutil.which("caddy") is None, reason="caddy is not installed here")
def test_caddy_reads_the_caddyfile_as_intended():
    result = subprocess.run(
        ["caddy", "adapt", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    (server,) = config["apps"]["http"]["servers"].values()
    assert server["listen"] == [":443"]
    text = json.dumps(server)
    assert f'"max_size": {DEFAULT_BODY_LIMIT}' in text
    assert '"dial": "127.0.0.1:8100"' in text


# -- shell scripts ------------------------------------------------------------------


SCRIPTS = ["docker-entrypoint.sh", "network-setup.sh", "backup.sh"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_shell_scripts_parse_with_their_own_shell(script):
    path = DEPLOY / script
    interpreter = path.read_text().splitlines()[0].split("/")[-1].split()[-1]
    assert interpreter in ("sh", "bash")
    result = subprocess.run([interpreter, "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert path.stat().st_mode & 0o111, f"{script} is not executable"


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed here")
@pytest.mark.parametrize("script", SCRIPTS)
def test_shellcheck_finds_nothing_in_the_scripts(script):
    result = subprocess.run(["shellcheck", str(DEPLOY / script)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout
