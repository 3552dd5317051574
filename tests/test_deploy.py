"""The deployment files, checked as far as this machine can without a container engine or a
cluster: the Helm chart linted and rendered by a real helm (built by `make helm`) and the
manifests asserted; the compose file and the Containerfile parsed and cross-checked."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from hub.config import PROJECT_ROOT, Settings

CHART = PROJECT_ROOT / "deploy" / "helm" / "hub"
COMPOSE = PROJECT_ROOT / "deploy" / "compose.yaml"
CONTAINERFILE = PROJECT_ROOT / "Containerfile"
HELM = PROJECT_ROOT / ".tools" / "bin" / "helm"
SECRET_ENV = {"NEO4J_PASSWORD", "HUB_OAUTH_JWKS", "HUB_AUDIT_SIGNING_KEY"}

needs_helm = pytest.mark.skipif(
    not HELM.exists() and not shutil.which("helm"), reason="helm is not built (make helm)"
)


def _helm(*args: str) -> str:
    helm = str(HELM) if HELM.exists() else str(shutil.which("helm"))
    result = subprocess.run([helm, *args], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _render(*sets: str) -> dict[str, dict[str, Any]]:
    text = _helm("template", "city", str(CHART), *(a for s in sets for a in ("--set", s)))
    docs = [d for d in yaml.safe_load_all(text) if d]
    return {d["kind"]: d for d in docs}


@needs_helm
def test_the_chart_lints() -> None:
    out = _helm("lint", "--strict", str(CHART))
    assert "0 chart(s) failed" in out


@needs_helm
def test_the_deployment_probes_health_and_readiness_and_runs_as_non_root() -> None:
    kinds = _render()
    assert {"Deployment", "Service", "Ingress", "PodDisruptionBudget", "Job"} <= kinds.keys()
    assert "HorizontalPodAutoscaler" not in kinds  # optional, off by default
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    [hub] = pod["containers"]
    assert hub["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert hub["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert hub["securityContext"]["readOnlyRootFilesystem"] is True
    assert hub["securityContext"]["allowPrivilegeEscalation"] is False
    assert {"requests", "limits"} <= hub["resources"].keys()
    grace = next(int(e["value"]) for e in hub["env"] if e["name"] == "HUB_SHUTDOWN_GRACE_S")
    assert pod["terminationGracePeriodSeconds"] > grace  # the drain fits before the SIGKILL


@needs_helm
def test_secrets_are_referenced_never_inlined() -> None:
    kinds = _render()
    assert "Secret" not in kinds  # the chart makes none: they exist before it
    for kind in ("Deployment", "Job"):
        [container] = kinds[kind]["spec"]["template"]["spec"]["containers"]
        env = {e["name"]: e for e in container["env"]}
        assert SECRET_ENV <= env.keys()
        for name in SECRET_ENV:
            assert "value" not in env[name]
            assert env[name]["valueFrom"]["secretKeyRef"]["name"] == "hub-secrets"


@needs_helm
def test_the_ingress_terminates_tls_and_the_job_migrates_before_the_pods() -> None:
    kinds = _render("autoscaling.enabled=true")
    ingress = kinds["Ingress"]["spec"]
    assert ingress["tls"][0]["secretName"] == "hub-tls"
    assert ingress["tls"][0]["hosts"] == [ingress["rules"][0]["host"]]
    job = kinds["Job"]
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]
    assert "pre-upgrade" in job["metadata"]["annotations"]["helm.sh/hook"]
    assert kinds["HorizontalPodAutoscaler"]["spec"]["minReplicas"] >= 2
    assert "replicas" not in kinds["Deployment"]["spec"]  # the autoscaler owns the count
    pdb = kinds["PodDisruptionBudget"]["spec"]
    assert pdb["selector"]["matchLabels"] == kinds["Deployment"]["spec"]["selector"]["matchLabels"]


def test_every_chart_setting_is_one_the_hub_reads() -> None:
    text = (CHART / "templates" / "_helpers.tpl").read_text()
    names = set(re.findall(r"- name: ([A-Z0-9_]+)", text))
    known = {f.upper() for f in Settings.model_fields}
    assert names <= known, names - known


def test_compose_runs_the_hub_with_neo4j_526_redis_and_nginx() -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    assert {"hub", "neo4j", "redis", "proxy", "migrate"} <= services.keys()
    assert services["neo4j"]["image"].endswith("neo4j:5.26-community")
    env = services["hub"]["environment"]
    assert env["NEO4J_URI"].split("//")[1].split(":")[0] == "neo4j"
    assert env["HUB_REDIS_URL"].split("//")[1].split(":")[0] == "redis"
    assert env["HUB_ENV"] == "production"
    assert env["HUB_ISSUER"].startswith("${")
    for name in SECRET_ENV:  # from deploy/.env, never written here
        assert str(env[name]).startswith("${")
        assert ":?" in str(env[name])
    assert set(env) <= {f.upper() for f in Settings.model_fields}
    assert "/readyz" in " ".join(services["hub"]["healthcheck"]["test"])
    assert services["hub"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["command"] == ["migrate"]
    mounts = services["proxy"]["volumes"]
    conf = next(m.split(":")[0] for m in mounts if m.endswith("hub.conf:ro"))
    assert (COMPOSE.parent / conf).resolve() == PROJECT_ROOT / "deploy" / "nginx" / "hub.conf"
    upstream = (PROJECT_ROOT / "deploy" / "nginx" / "hub.conf").read_text()
    assert "server hub:8000" in upstream  # the proxy reaches the hub service by its name


def test_the_containerfile_installs_the_wheel_and_serves_as_non_root() -> None:
    lines = [ln.strip() for ln in CONTAINERFILE.read_text().splitlines()]
    froms = [ln.split()[1] for ln in lines if ln.startswith("FROM ")]
    assert froms[-1].endswith("python:3.11-slim-bookworm")
    assert any("python -m build --wheel" in ln for ln in lines)
    assert any(ln.startswith("RUN pip install") and ".whl" in ln for ln in lines)
    [user] = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
    assert user.split(":")[0] not in {"0", "root"}
    assert any(ln.startswith("HEALTHCHECK") for ln in lines)
    assert 'ENTRYPOINT ["hub"]' in lines
    assert 'CMD ["serve"]' in lines
    text = CONTAINERFILE.read_text()
    assert "HUB_STATE_DIR=/var/lib/hub" in text  # state outside site-packages, writable
    for name in SECRET_ENV:
        assert name not in text  # no secret baked in


def test_the_wheel_is_configured_to_ship_the_npm_assets_the_pages_serve() -> None:
    import tomllib

    from hub.explorer import routes
    from hub.pages import common

    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    artifacts = set(project["tool"]["hatch"]["build"]["targets"]["wheel"]["artifacts"])
    served = [common.ZXING[1], routes.ASSETS["cytoscape.min.js"][0]]
    assert {str(p.relative_to(PROJECT_ROOT)) for p in served} <= artifacts
