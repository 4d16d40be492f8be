"""`deploy/` holds what README's Deployment section says it holds: read as Compose and systemd read
the files (no container is started), each claim checked against them."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _bots(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("build", {}).get("dockerfile") == "deploy/Dockerfile"
    }


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    return dict(env) if isinstance(env, dict) else dict(item.split("=", 1) for item in env)


def test_two_bot_instances_in_webhook_mode_sharing_redis(compose: dict[str, Any]) -> None:
    bots = _bots(compose)
    assert len(bots) == 2, sorted(bots)
    volumes = []
    for name, service in bots.items():
        env = _env(service)
        assert env["BOT_REDIS_URL"].startswith("redis://redis:"), name
        host, _, port = env["BOT_WEBHOOK_LISTEN"].rpartition(":")
        assert host and port.isdigit(), name
        assert "bot.env" in str(service["env_file"]), name  # the token, URL and secret
        assert "ports" not in service, name  # reachable through the proxy only
        assert "healthz" in " ".join(service["healthcheck"]["test"]), name
        data = [v for v in service["volumes"] if v.split(":")[1] == env["BOT_DB"].rsplit("/", 1)[0]]
        assert len(data) == 1, (name, service["volumes"])
        volumes.append(data[0].split(":")[0])
    assert len(set(volumes)) == 2  # each instance its own counts file
    example = (DEPLOY / "bot.env.example").read_text(encoding="utf-8")
    for name in ("BOT_TOKEN", "BOT_WEBHOOK_URL", "BOT_WEBHOOK_SECRET", "BOT_DOMAIN"):
        assert re.search(rf"^{name}=", example, re.M), name


def test_redis_keeps_nothing_on_disk(compose: dict[str, Any]) -> None:
    redis = compose["services"]["redis"]
    command = redis["command"]
    args = command if isinstance(command, list) else shlex.split(command)
    assert args[0] == "redis-server"
    assert args[args.index("--save") + 1] == ""
    assert args[args.index("--appendonly") + 1] == "no"
    assert "volumes" not in redis and "ports" not in redis


def test_the_proxy_terminates_tls_and_spreads_the_webhook_over_both(
    compose: dict[str, Any],
) -> None:
    caddy = compose["services"]["caddy"]
    assert caddy["image"].startswith("caddy:")
    assert "443:443" in caddy["ports"]
    assert any(v.startswith("./Caddyfile:") for v in caddy["volumes"])
    config = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    for name, service in _bots(compose).items():
        port = _env(service)["BOT_WEBHOOK_LISTEN"].rpartition(":")[2]
        assert f"{name}:{port}" in config, name
    assert "lb_policy round_robin" in config and "health_uri /healthz" in config
    assert "{$BOT_DOMAIN}" in config  # a site address: Caddy gets and renews its certificate
    assert not re.search(r"^\s*log\b", config, re.M)  # no access log
    url = re.search(r"^BOT_WEBHOOK_URL=(\S+)", (DEPLOY / "bot.env.example").read_text(), re.M)
    assert url and url.group(1).startswith("https://")
    path = re.search(r"handle (/\S+)\*", config)
    assert path and url.group(1).split("/", 3)[3].startswith(path.group(1).lstrip("/"))


def test_the_image_runs_the_bot_with_redis_support() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "[redis]" in dockerfile and "compile_catalogs" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    assert 'CMD ["python", "-m", "bot"]' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for secret in (".env", "deploy/bot.env", "contacts.toml", "*.sqlite3"):
        assert secret in ignored, secret


def test_the_systemd_unit_restarts_on_failure_but_not_on_a_configuration_error() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "hochu-zhit-bot.service", encoding="utf-8")
    service = unit["Service"]
    assert service["Restart"] == "on-failure"
    assert service["RestartPreventExitStatus"] == "2"  # `python -m bot`'s configuration errors
    assert service["ExecStart"].endswith("python -m bot")
    assert service["KillSignal"] == "SIGTERM"
    assert service["User"] != "root"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_readme_describes_every_file_and_the_webhook_settings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Deployment", 1)[1].split("\n## ", 1)[0]
    for path in sorted(DEPLOY.iterdir()):
        assert f"`deploy/{path.name}`" in section, path.name
    assert '`save ""`' in section and "`appendonly no`" in section
    assert "two instances" in section
    for name in ("BOT_WEBHOOK_URL", "BOT_WEBHOOK_SECRET", "BOT_WEBHOOK_LISTEN"):
        assert re.search(rf"^\| `{name}` \|", readme, re.M), name
