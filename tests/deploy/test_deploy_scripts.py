"""The deploy scripts run for real: the entrypoint starts nodes, the setup script
forms the compose network, the backup script copies a running node, a restored
node recovers from its peers, and the proxies stand in front of a live node.

Nodes run as separate `groupnet run` processes on loopback ports, started
through deploy/docker-entrypoint.sh exactly as the image starts them, with
the host and port changed from the image's 0.0.0.0:8100.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import re
import shutil
import sqlite3
import ssl
import stat
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from groupnet.config import NodeConfig
from groupnet.group import signin

from .conftest import (
    BACKUP,
    ENTRYPOINT,
    EntrypointNode,
    eventually,
    free_port,
    get_json,
    groupnet,
    run_network_setup,
    stop_with_the_tests,
)
from .readers import DEPLOY, REPO, dockerfile_instructions, exec_form, fenced_shell_blocks

DEFAULT_BODY_LIMIT = NodeConfig(name="x", url="http://x").max_body_bytes


def entry_kinds(directory: Path) -> list[str]:
    with sqlite3.connect(directory / "node.db") as db:
        return [kind for (kind,) in db.execute("SELECT kind FROM entries ORDER BY rx")]


def run_backup(node_dir: Path, root: Path) -> Path:
    result = subprocess.run([str(BACKUP), str(node_dir), str(root)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.split(":")[0])


# -- the compose network without Docker ------------------------------------------------


def listed_groups(node: EntrypointNode) -> list[dict]:
    return get_json(node.url + "/api/v1/groups", node.token)["groups"]


def test_three_nodes_started_by_the_entrypoint_form_one_network_with_the_setup_script(
        compose_network):
    urls = {n.url for n in compose_network}
    for node in compose_network:
        assert node.stdout().count("admin token:") == 1
        # a joined node's url comes from its own profile (SPEC 5.4), signed once it is
        # admitted, so it may reach the others a moment after its name
        groups = eventually(
            lambda n=node: len(listed := listed_groups(n)) == 3
            and {g["url"] for g in listed} == urls and listed,
            what=f"{node.name} to list all three groups with their urls")
        assert {g["name"] for g in groups} == {"Southwark", "Havering", "Birmingham"}
    founding = [k for k in entry_kinds(compose_network[0].directory)
                if k in ("network.charter", "node.admit")]
    assert founding == ["network.charter", "node.admit", "node.admit"]


def test_the_documented_command_reads_the_admin_token_from_the_log(compose_network):
    docs = "".join(fenced_shell_blocks((REPO / "docs" / "deploy.md").read_text()))
    sed = re.search(r"sed -n '([^']+)'", docs).group(1)
    node = compose_network[0]
    result = subprocess.run(["sed", "-n", sed], input=node.stdout(), capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == node.token


def test_a_running_node_logs_one_json_object_per_line(compose_network):
    lines = compose_network[1].stderr_path().read_text().splitlines()
    assert lines
    events = [json.loads(line) for line in lines]
    assert all({"ts", "level", "event"} <= set(event) for event in events)


def test_running_the_setup_again_changes_nothing(compose_network):
    founder = compose_network[0]
    business = {"network.charter", "node.admit"}
    before = [k for k in entry_kinds(founder.directory) if k in business]
    again = run_network_setup(compose_network)
    assert again.returncode == 0, again.stderr
    assert "already belongs to network" in again.stdout
    assert again.stdout.count("is already admitted") == 2
    assert [k for k in entry_kinds(founder.directory) if k in business] == before


def test_the_setup_script_refuses_an_odd_list_of_directories_and_urls():
    result = subprocess.run([str(DEPLOY / "network-setup.sh"), "Net", "/tmp/a"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: groupnet-network-setup")


# -- the entrypoint and the health check -------------------------------------------------


def test_the_entrypoint_refuses_a_first_start_without_a_name(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GROUPNET_")}
    result = subprocess.run(
        [str(ENTRYPOINT), "groupnet", "run", str(tmp_path / "node")],
        env={**environment, "GROUPNET_URL": "http://127.0.0.1:8100"},
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode != 0
    assert "GROUPNET_NAME" in result.stderr
    assert not (tmp_path / "node").exists()


def test_the_entrypoint_runs_any_other_command_as_given(tmp_path):
    result = subprocess.run([str(ENTRYPOINT), "groupnet", "--version"], capture_output=True,
                            text=True, timeout=30, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("groupnet ")
    assert list(tmp_path.iterdir()) == []


def health_check_against(port: int) -> subprocess.CompletedProcess:
    instructions = dict(dockerfile_instructions((DEPLOY / "Dockerfile").read_text()))
    command = exec_form(instructions["HEALTHCHECK"].split(" CMD ", 1)[1])
    command = [word.replace("127.0.0.1:8100/", f"127.0.0.1:{port}/") for word in command]
    assert command[0] == "python"
    return subprocess.run([shutil.which("python3") or "python", *command[1:]],
                          capture_output=True, timeout=30)


def test_the_health_check_passes_on_a_running_node_and_fails_without_one(lone_node):
    assert health_check_against(lone_node.port).returncode == 0
    assert health_check_against(free_port()).returncode != 0


# -- backups and restore -------------------------------------------------------------


def test_a_backup_of_a_running_node_holds_the_same_entries_with_private_modes(
        lone_node, tmp_path):
    target = run_backup(lone_node.directory, tmp_path / "backups")
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert sorted(p.name for p in target.iterdir()) == ["node.db", "node.key", "node.toml"]
    for path in target.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for name in ("node.key", "node.toml"):
        assert (target / name).read_bytes() == (lone_node.directory / name).read_bytes()
    query = "SELECT author, seq, id, raw FROM entries ORDER BY rx"
    with sqlite3.connect(target / "node.db") as copy, \
            sqlite3.connect(lone_node.directory / "node.db") as original:
        copied = copy.execute(query).fetchall()
        assert copied == original.execute(query).fetchall()[:len(copied)]
        assert len(copied) >= 2
    checked = groupnet("verify", str(target))
    assert "0 problem(s)" in checked.stdout


def test_the_backup_refuses_a_directory_that_is_not_a_node(tmp_path):
    result = subprocess.run([str(BACKUP), str(tmp_path), str(tmp_path / "backups")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert result.stderr.strip() == f"error: {tmp_path} is not a groupnet node " \
        "(no node.toml or node.db)"
    assert not (tmp_path / "backups").exists()


def published_seq(output: str) -> int:
    return int(re.search(r"published profile \(seq (\d+),", output).group(1))


def test_a_restored_node_recovers_its_later_entries_from_peers_then_writes_on_without_a_fork(
        compose_network, tmp_path):
    southwark, havering, birmingham = compose_network
    author = southwark_id(southwark)
    backup = run_backup(southwark.directory, tmp_path / "backups")
    later = published_seq(
        groupnet("profile", "set", str(southwark.directory), "--meets", "Tuesdays").stdout
    )
    eventually(lambda: havering.heads()[author][0] >= later,
               what="Havering to hold Southwark's later entry")

    assert southwark.stop() == 0
    shutil.rmtree(southwark.directory)
    shutil.copytree(backup, southwark.directory)
    southwark.directory.chmod(0o700)
    assert southwark_id_in(southwark.directory) == author
    assert max(seq_of(southwark.directory, author)) < later
    southwark.start()
    assert "admin token" not in southwark.stdout(), "a restart must not create a new node"

    eventually(lambda: southwark.heads()[author][0] >= later,
               what="the restored node to recover its own later entry")
    after = published_seq(
        groupnet("profile", "set", str(southwark.directory), "--meets", "Wednesdays").stdout
    )
    assert after > later
    for peer in (havering, birmingham):
        eventually(lambda p=peer: p.heads()[author][0] >= after,
                   what=f"{peer.name} to accept the restored node's new entry")
    for node in compose_network:
        with urllib.request.urlopen(node.url + "/fed/v1/forks", timeout=10) as answer:
            assert answer.read() == b"", f"{node.name} holds fork evidence"
        checked = groupnet("verify", str(node.directory))
        assert "0 problem(s)" in checked.stdout
        assert "equivocation" not in checked.stdout
    profiles = {g["name"]: g for g in listed_groups(havering)}
    assert profiles["Southwark"]["meets"] == "Wednesdays"


def southwark_id(node: EntrypointNode) -> str:
    return get_json(node.url + "/.well-known/groupnet")["node"]


def southwark_id_in(directory: Path) -> str:
    with sqlite3.connect(directory / "node.db") as db:
        return db.execute("SELECT value FROM meta WHERE key = 'node_id'").fetchone()[0]


def seq_of(directory: Path, author: str) -> list[int]:
    with sqlite3.connect(directory / "node.db") as db:
        return [seq for (seq,) in db.execute("SELECT seq FROM entries WHERE author = ?",
                                             (author,))]


# -- the proxies in front of a live node -----------------------------------------------


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "southwark.example.org")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    chain, private = directory / "fullchain.pem", directory / "privkey.pem"
    chain.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return chain, private


def unverified_tls() -> ssl.SSLContext:
    """The test proxies' certificates are self-signed or from Caddy's local authority."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def request(url: str, body: bytes | None = None) -> tuple[int, str, bytes]:
    context = unverified_tls()
    req = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context),
                                         NoRedirects())
    try:
        with opener.open(req, timeout=30) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def announce_body(url: str, length: int) -> tuple[int, str, bytes]:
    """POST headers announcing `length` bytes, and read the answer before sending any.

    A proxy refuses an oversized body as soon as it reads Content-Length, and
    may close the connection before taking the body, which urllib (still
    sending) would report as a broken connection instead of the answer.
    """
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=30,
                                             context=unverified_tls())
    try:
        connection.putrequest("POST", parts.path)
        connection.putheader("Content-Length", str(length))
        connection.putheader("Content-Type", "application/x-ndjson")
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.getheader("Content-Type", ""), answer.read()
    finally:
        connection.close()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in_from(base: str, source: str, email: str, forwarded: str) -> int:
    """A failing sign-in through the proxy from the loopback address `source`, claiming
    to come from `forwarded`; the answer's status."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=30,
                                             context=unverified_tls(),
                                             source_address=(source, 0))
    try:
        connection.request("POST", "/api/v1/session",
                           body=json.dumps({"email": email, "password": "a wrong guess"}),
                           headers={"Content-Type": "application/json",
                                    "X-Forwarded-For": forwarded})
        return connection.getresponse().status
    finally:
        connection.close()


def check_client_address(base: str, client: str, neighbour: str) -> None:
    """The node, trusting the proxy (trusted_proxies), counts sign-in failures against the
    address the proxy saw, not the proxy's own and not one the client made up."""
    for n in range(signin.ADDRESS_LIMIT):
        assert sign_in_from(base, client, f"nobody{n}@example.org", f"203.0.113.{n}") == 401
    assert sign_in_from(base, client, "anybody@example.org", "198.51.100.7") == 429
    assert sign_in_from(base, neighbour, "anybody@example.org", "198.51.100.7") == 401


def check_proxy(base: str, node: EntrypointNode, client: str, neighbour: str) -> None:
    """What both proxies must do in front of a node; `client` and `neighbour` are
    loopback addresses for this proxy's callers."""
    status, _, body = request(base + "/.well-known/groupnet")
    assert status == 200
    assert json.loads(body) == get_json(node.url + "/.well-known/groupnet")
    assert request(base + "/fed/v1/heads")[0] == 200
    status, _, body = request(base + "/api/v1/groups")
    assert (status, json.loads(body)["error"]["code"]) == (401, "unauthenticated")
    status, kind, body = request(base + "/sign-in")
    assert (status, kind.split(";")[0]) == (200, "text/html"), "the pages reach the proxy's users"
    assert request(base + "/admin/secrets")[0] == 404
    status, kind, body = announce_body(base + "/fed/v1/inbox", DEFAULT_BODY_LIMIT + 1)
    assert (status, kind, json.loads(body)["error"]["code"]) == \
        (413, "application/json", "too_large")
    status, _, body = request(base + "/fed/v1/inbox", b"x" * DEFAULT_BODY_LIMIT)
    assert status == 200, "a body of exactly the limit reaches the node"
    assert json.loads(body)["results"][0]["status"] == "rejected"
    check_client_address(base, client, neighbour)


def run_until_serving(command: list[str], url: str, log: Path, **kwargs) -> subprocess.Popen:
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   preexec_fn=stop_with_the_tests, **kwargs)

    def serving() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"{command[0]} exited: {log.read_text()}")
        return request(url)[0] > 0

    try:
        eventually(serving, timeout=20, what=f"{command[0]} to serve")
    except BaseException:
        process.kill()
        process.wait()
        raise
    return process


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed here")
def test_nginx_with_the_example_config_passes_the_node_through_and_refuses_in_its_shape(
        lone_node, tmp_path):
    chain, private = self_signed_certificate(tmp_path)
    https, http = free_port(), free_port()
    site = (DEPLOY / "nginx.conf").read_text()
    for old, new in [
        ("/etc/letsencrypt/live/southwark.example.org/fullchain.pem", str(chain)),
        ("/etc/letsencrypt/live/southwark.example.org/privkey.pem", str(private)),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen [::]:443 ssl;", ""), ("listen [::]:80;", ""),
        ("server 127.0.0.1:8100;", f"server 127.0.0.1:{lone_node.port};"),
    ]:
        assert old in site, old
        site = site.replace(old, new)
    (tmp_path / "site.conf").write_text(site)
    temp = tmp_path / "temp"
    temp.mkdir()
    (tmp_path / "nginx.conf").write_text(f"""
        daemon off; master_process off; pid {tmp_path}/nginx.pid;
        error_log {tmp_path}/error.log;
        events {{}}
        http {{
            access_log off;
            client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy;
            fastcgi_temp_path {temp}/fastcgi; uwsgi_temp_path {temp}/uwsgi;
            scgi_temp_path {temp}/scgi;
            include {tmp_path}/site.conf;
        }}
    """)
    command = ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    tested = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert tested.returncode == 0, tested.stderr
    process = run_until_serving(command, f"https://127.0.0.1:{https}/.well-known/groupnet",
                                tmp_path / "nginx.log")
    try:
        check_proxy(f"https://127.0.0.1:{https}", lone_node, "127.0.0.2", "127.0.0.3")
        status, _, _ = request(f"http://127.0.0.1:{http}/fed/v1/heads")
        assert status == 301, "plain HTTP is redirected to HTTPS"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.skipif(shutil.which("caddy") is None, reason="caddy is not installed here")
def test_caddy_with_the_example_caddyfile_passes_the_node_through_and_refuses_in_its_shape(
        lone_node, tmp_path):
    https, http = free_port(), free_port()
    site = (DEPLOY / "Caddyfile").read_text()
    for old, new in [
        # a certificate from Caddy's own local authority instead of a public one
        ("southwark.example.org {", "localhost {\n\ttls internal"),
        ("reverse_proxy 127.0.0.1:8100", f"reverse_proxy 127.0.0.1:{lone_node.port}"),
    ]:
        assert old in site, old
        site = site.replace(old, new)
    options = f"""{{
        admin off
        skip_install_trust
        http_port {http}
        https_port {https}
        storage file_system {tmp_path}/storage
    }}
    """
    (tmp_path / "Caddyfile").write_text(options + site)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path)}
    process = run_until_serving(
        ["caddy", "run", "--config", str(tmp_path / "Caddyfile"), "--adapter", "caddyfile"],
        f"https://localhost:{https}/.well-known/groupnet", tmp_path / "caddy.log", env=env,
    )
    try:
        check_proxy(f"https://localhost:{https}", lone_node, "127.0.0.4", "127.0.0.5")
    finally:
        process.terminate()
        process.wait(timeout=20)
