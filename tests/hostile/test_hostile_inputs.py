"""Hostile inputs end with a clean diagnostic or a clean pass: no traceback, bounded resources."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

TEAM = "apiVersion: mfgint/v1\nkind: Team\nmetadata: {name: team-a}\nspec: {email: a@b.example}\n"


def _bomb() -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


# name -> (writer, must the file be named in a diagnostic?)
CORPUS: dict[str, tuple[Callable[[Path], None], bool]] = {
    "broken.yaml": (lambda p: p.write_text("a: [1, 2\nb: {c\n"), True),
    "binary.yaml": (lambda p: p.write_bytes(bytes(range(256)) * 4), True),
    "latin1.yaml": (lambda p: p.write_bytes("name: Besançon\n".encode("latin-1")), True),
    "utf16.yaml": (lambda p: p.write_bytes("a: 1\n".encode("utf-16")), True),
    "bomb.yaml": (lambda p: p.write_text(_bomb()), True),
    "recursive.yaml": (lambda p: p.write_text("a: &a\n  b: *a\n"), True),
    "deep-flow.yaml": (lambda p: p.write_text("[" * 200_000 + "]" * 200_000), True),
    "deep-block.yaml": (
        lambda p: p.write_text("".join(" " * i + "- \n" for i in range(5000))),
        True,
    ),
    "python-tag.yaml": (
        lambda p: p.write_text("!!python/object/apply:os.system ['touch /tmp/pwned']\n"),
        True,
    ),
    "custom-tag.yaml": (lambda p: p.write_text("kind: !Ref Team\n"), True),
    "huge-int.yaml": (lambda p: p.write_text("a: " + "7" * 100_000 + "\n"), True),
    "huge-file.yaml": (lambda p: p.write_bytes(b"# x\n" * (6 * 1024 * 1024)), True),
    "long-line.yaml": (lambda p: p.write_text("a: " + "x" * 2_000_000 + "\n"), True),
    "path-name.yaml": (lambda p: p.write_text(TEAM.replace("team-a", "../../etc/passwd")), True),
    "slash-name.yaml": (lambda p: p.write_text(TEAM.replace("team-a", "a/b\\\\c")), True),
    "scalar-doc.yaml": (lambda p: p.write_text("just a string\n---\n42\n---\n- a\n"), True),
    "null-docs.yaml": (lambda p: p.write_text("---\n---\n...\n"), False),
    "empty.yaml": (lambda p: p.write_text(""), False),
    "comments.yaml": (lambda p: p.write_text("# nothing here\n"), False),
    "complex-key.yaml": (lambda p: p.write_text("? [a, b]\n: c\n"), True),
    "dup-keys.yaml": (lambda p: p.write_text(TEAM + "kind: Flow\n"), True),
    "nan.yaml": (lambda p: p.write_text(TEAM.replace("spec: {", "spec: {onCall: .nan, ")), True),
    "crlf.yaml": (
        lambda p: p.write_bytes(TEAM.replace("team-a", "team-c").encode().replace(b"\n", b"\r\n")),
        False,
    ),
    "secret.yaml": (
        lambda p: p.write_text(
            TEAM.replace("team-a", "team-s").replace(
                "spec: {",
                "spec: {chat: 'xoxb-123456789012-123456789012-abcdefghijklmnopqrstuvwx', ",
            )
        ),
        False,
    ),
    "control-chars.yaml": (lambda p: p.write_text("a: \x1b[31mred\x07\n"), True),
    "unicode-name.yaml": (lambda p: p.write_text(TEAM.replace("team-a", "tëam-ü")), True),
    "many-docs.yaml": (lambda p: p.write_text("---\na: 1\n" * 20_000), True),
}


def _limit_memory() -> None:
    limit = 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for name, (write, _) in CORPUS.items():
        write(root / name)
    (root / "sub").mkdir()
    (root / "sub" / "ok.yaml").write_text(TEAM.replace("team-a", "team-ok"))
    os.symlink(root, root / "sub" / "loop")
    os.symlink(root / "missing.yaml", root / "dangling.yaml")
    return root


@pytest.fixture(scope="module")
def report(corpus: Path) -> tuple[int, dict[str, object], str]:
    env = {**os.environ, "NO_COLOR": "1", "MFGINT_TODAY": "2026-11-28"}
    proc = subprocess.run(
        [sys.executable, "-m", "mfgint", "validate", str(corpus), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
        preexec_fn=_limit_memory,
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def test_run_ends_cleanly(report: tuple[int, dict[str, object], str]) -> None:
    code, _, _ = report
    assert code in (0, 1)


@pytest.mark.parametrize("name", sorted(n for n, (_, named) in CORPUS.items() if named))
def test_rejected_file_is_named(name: str, report: tuple[int, dict[str, object], str]) -> None:
    _, data, _ = report
    files = {Path(str(d["file"])).name for d in data["diagnostics"]}  # type: ignore[index,union-attr]
    assert name in files


def test_good_file_still_checked(report: tuple[int, dict[str, object], str]) -> None:
    _, data, _ = report
    ok = [d for d in data["diagnostics"] if Path(str(d["file"])).name == "ok.yaml"]  # type: ignore[index,union-attr]
    assert all(d["code"] != "YML001" for d in ok)  # type: ignore[index]


def test_symlink_loop_and_dangling_link_reported(
    report: tuple[int, dict[str, object], str],
) -> None:
    _, data, _ = report
    messages = [d["message"] for d in data["diagnostics"] if d["code"] == "YML009"]  # type: ignore[index,union-attr]
    assert any("loop" in m for m in messages) and any("broken" in m for m in messages)


def test_python_tag_did_not_run(report: tuple[int, dict[str, object], str]) -> None:
    assert not Path("/tmp/pwned").exists()


def test_secret_is_never_echoed(report: tuple[int, dict[str, object], str]) -> None:
    _, data, _ = report
    assert "abcdefghijklmnopqrstuvwx" not in json.dumps(data)
