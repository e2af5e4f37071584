"""The GitHub Action (action.yml) runs its steps for real, as GitHub would run them.

Each ``run:`` step goes to bash the way the runner starts it (``bash --noprofile
--norc -eo pipefail``), in a temporary git repository as the workspace, with
the variables GitHub sets (GITHUB_ACTION_PATH at a clone of this project,
RUNNER_TEMP, GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, ...) and
``${{ ... }}`` expressions substituted. Its inputs are those of the workflow
example in docs/ci.md, read from the very file the page includes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, base_python_bin, clean_env, git, run

WORKFLOW_EXAMPLE = ROOT / "docs/examples/alt-text.yml"
ACTION_NAME = "captionsearch/captionsearch"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
# Actions the example uses beside ours; GitHub runs them, this test does not.
GITHUB_ACTIONS = {"actions/checkout", "actions/setup-python", "github/codeql-action/upload-sarif"}

GOOD = """<!doctype html><html lang="en"><head><title>Launch</title></head><body>
<figure><img src="pad.jpg" alt="A white rocket on the launch pad at dawn">
<figcaption>Ready on the pad.</figcaption></figure>
</body></html>
"""
BAD = """<!doctype html><html lang="en"><head><title>Landing</title></head><body>
<figure><img src="lander.jpg">
<figcaption>The lander on grey soil.</figcaption></figure>
<figure><img src="closing.jpg" alt="Closing In">
<figcaption>The probe descends.</figcaption></figure>
</body></html>
"""


@dataclass
class StepRun:
    exit_code: int
    outputs: dict[str, str]
    log: str
    summary: str


class ActionRunner:
    """Runs a composite action's steps as GitHub's runner does, one workspace, one RUNNER_TEMP."""

    def __init__(self, action_path: Path, workspace: Path, runner_temp: Path):
        self.action_path = action_path
        self.action = yaml.safe_load((action_path / "action.yml").read_text(encoding="utf-8"))
        self.workspace = workspace
        self.runner_temp = runner_temp
        self.runs = 0

    def run(self, given: dict[str, str]) -> StepRun:
        declared = self.action["inputs"]
        unknown = set(given) - set(declared)
        assert not unknown, f"inputs the action does not declare: {unknown}"
        inputs = {name: str(given.get(name, spec.get("default", ""))) for name, spec in declared.items()}
        steps: dict[str, dict[str, str]] = {}
        log, code = "", 0
        self.runs += 1
        summary = self.runner_temp / f"summary-{self.runs}.md"
        summary.touch()
        for index, step in enumerate(self.action["runs"]["steps"]):
            context = {"inputs": inputs, "steps": steps}
            outputs_file = self.runner_temp / f"output-{self.runs}-{index}"
            outputs_file.touch()
            env = clean_env(
                PATH=f"{base_python_bin()}:/usr/local/bin:/usr/bin:/bin",
                CI="true", GITHUB_ACTIONS="true", RUNNER_OS="Linux",
                GITHUB_ACTION_PATH=str(self.action_path), GITHUB_WORKSPACE=str(self.workspace),
                RUNNER_TEMP=str(self.runner_temp), GITHUB_OUTPUT=str(outputs_file),
                GITHUB_STEP_SUMMARY=str(summary), GITHUB_ENV=str(self.runner_temp / "env"),
                GITHUB_PATH=str(self.runner_temp / "path"),
            )
            env.update({name: self.evaluate(str(value), context) for name, value in step.get("env", {}).items()})
            script = self.runner_temp / f"step-{self.runs}-{index}.sh"
            script.write_text(self.evaluate(step["run"], context), encoding="utf-8")
            result = run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=self.workspace, env=env)
            log += result.stdout + result.stderr
            steps[step.get("id", f"step{index}")] = {"outputs": parse_outputs(outputs_file)}  # type: ignore[dict-item]
            code = result.returncode
            if code != 0:
                break
        outputs = {name: self.evaluate(spec["value"], {"inputs": inputs, "steps": steps})
                   for name, spec in self.action.get("outputs", {}).items()}
        return StepRun(code, outputs, log, summary.read_text(encoding="utf-8"))

    def evaluate(self, text: str, context: dict) -> str:
        """``${{ inputs.x }}``, ``${{ steps.id.outputs.x }}``, github.action_path, runner.temp;
        any other expression fails the test, so the action cannot use one this runner ignores."""

        def value(match: re.Match[str]) -> str:
            expression = match.group(1)
            known = {"github.action_path": str(self.action_path), "github.workspace": str(self.workspace),
                     "runner.temp": str(self.runner_temp)}
            if expression in known:
                return known[expression]
            parts = expression.split(".")
            if parts[0] == "inputs" and len(parts) == 2:
                return context["inputs"][parts[1]]
            if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
                return context["steps"].get(parts[1], {}).get("outputs", {}).get(parts[3], "")
            raise AssertionError(f"expression this test cannot evaluate: {match.group(0)}")

        return EXPRESSION.sub(value, text)


def parse_outputs(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT's two forms: name=value, and name<<DELIMITER ... DELIMITER."""
    outputs, lines = {}, path.read_text(encoding="utf-8").splitlines()
    while lines:
        line = lines.pop(0)
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            while (next_line := lines.pop(0)) != delimiter:
                body.append(next_line)
            outputs[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


def annotations(log: str) -> list[tuple[str, dict[str, str], str]]:
    """The workflow commands in a log: (command, properties, message)."""
    found = []
    for match in re.finditer(r"^::(error|warning|notice) ([^:]*)::(.*)$", log, re.MULTILINE):
        properties = dict(p.split("=", 1) for p in match.group(2).split(","))
        found.append((match.group(1), properties, match.group(3)))
    return found


@pytest.fixture(scope="module")
def example() -> dict:
    return yaml.safe_load(WORKFLOW_EXAMPLE.read_text(encoding="utf-8"))


def our_step(workflow: dict) -> dict:
    (step,) = [s for job in workflow["jobs"].values() for s in job["steps"]
               if s.get("uses", "").startswith(ACTION_NAME + "@")]
    return step


@pytest.fixture(scope="module")
def runner(project_clone: Path, tmp_path_factory: pytest.TempPathFactory) -> ActionRunner:
    workspace = tmp_path_factory.mktemp("workspace") / "photo-site"
    (workspace / "site").mkdir(parents=True)
    (workspace / "site" / "good.html").write_text(GOOD, encoding="utf-8")
    (workspace / "site" / "bad.html").write_text(BAD, encoding="utf-8")
    (workspace / "ci").mkdir()
    (workspace / "ci" / "pyproject.toml").write_text('[tool.captionsearch.audit]\nignore = ["alt-missing"]\n', encoding="utf-8")
    git("init", "-q", cwd=workspace)
    git("add", "-A", cwd=workspace)
    git("commit", "-q", "-m", "a site", cwd=workspace)
    return ActionRunner(project_clone, workspace, tmp_path_factory.mktemp("runner-temp"))


def test_the_docs_workflow_uses_the_action_and_uploads_its_sarif_even_when_the_audit_fails(example: dict) -> None:
    (job,) = example["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    uses = [s["uses"].split("@")[0] for s in job["steps"] if "uses" in s]
    assert set(uses) - {ACTION_NAME} <= GITHUB_ACTIONS and ACTION_NAME in uses
    assert not [s for s in job["steps"] if "run" in s], "every step of the example is an action"
    (upload,) = [s for s in job["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert upload["with"]["sarif_file"] == our_step(example)["with"]["sarif"]
    assert upload["if"] in ("${{ !cancelled() }}", "${{ always() }}")


@pytest.mark.install
def test_the_action_with_the_docs_inputs_annotates_writes_sarif_and_fails_on_errors(runner: ActionRunner, example: dict) -> None:
    inputs = {name: str(value) for name, value in our_step(example)["with"].items()}
    result = runner.run(inputs)

    assert result.exit_code == 1, result.log[-3000:]
    assert result.outputs == {"exit-code": "1", "sarif": inputs["sarif"]}
    assert re.search(r"^captionsearch \d", result.log, re.MULTILINE)  # the install step's --version
    found = {(command, props["file"], props["title"]) for command, props, _ in annotations(result.log)}
    assert found == {("error", "site/bad.html", "alt-missing"), ("warning", "site/bad.html", "alt-vague")}
    sarif = json.loads((runner.workspace / inputs["sarif"]).read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert sorted(r["ruleId"] for r in sarif["runs"][0]["results"]) == ["alt-missing", "alt-vague"]
    assert "failed: findings at or above fail-on" in result.summary and inputs["sarif"] in result.summary


@pytest.mark.install
def test_a_baseline_accepts_known_findings_and_no_sarif_is_written_unless_asked(runner: ActionRunner) -> None:
    captionsearch = runner.runner_temp / "captionsearch-venv" / "bin" / "captionsearch"
    written = run([captionsearch, "audit", "site/", "--write-baseline", "accepted.json"], cwd=runner.workspace, env=clean_env())
    assert written.returncode == 0, written.stderr
    result = runner.run({"paths": "site/good.html\nsite/bad.html", "baseline": "accepted.json"})
    assert result.exit_code == 0, result.log[-3000:]
    assert result.outputs == {"exit-code": "0", "sarif": ""}
    assert annotations(result.log) == [] and "passed" in result.summary


@pytest.mark.install
def test_config_fail_on_format_and_extra_arguments_reach_the_audit(runner: ActionRunner) -> None:
    # The config ignores alt-missing; fail-on warning makes alt-vague fail; the text report is printed.
    result = runner.run({"paths": "site/", "config": "ci/pyproject.toml", "fail-on": "warning", "format": "text"})
    assert result.exit_code == 1, result.log[-3000:]
    assert "[alt-vague]" in result.log and "alt-missing" not in result.log and annotations(result.log) == []

    quiet = runner.run({"paths": "site/", "args": "--ignore alt-missing,alt-vague"})
    assert (quiet.exit_code, annotations(quiet.log)) == (0, [])


@pytest.mark.install
def test_inputs_are_data_not_shell_code_and_input_errors_exit_2(runner: ActionRunner) -> None:
    result = runner.run({"paths": "site/$(touch injected) site/*.html"})
    assert result.exit_code == 2, result.log[-3000:]
    assert result.outputs["exit-code"] == "2" and "could not run (exit code 2)" in result.summary
    assert not (runner.workspace / "injected").exists()
    assert "site/$(touch: no such file or folder" in result.log and "site/*.html: no such file" in result.log
