"""`python -m actions.business` checks rules/ before the servers start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_command_accepts_the_real_rules():
    """The shipped rules pass and the command says what it loaded."""
    done = subprocess.run([sys.executable, "-m", "actions.business"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "rules/ OK" in done.stdout


def test_check_command_fails_loudly_on_a_broken_rules_file(tmp_path, monkeypatch, capsys):
    """A missing key makes the command exit non-zero with the key's name."""
    import shutil

    from actions.business import __main__ as check
    from actions.business import rulebook

    broken = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", broken)
    lines = (broken / "invoicing.yml").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if "bank_delay_days" not in line]
    (broken / "invoicing.yml").write_text("\n".join(kept), encoding="utf-8")
    monkeypatch.setattr(check, "load_rules", lambda: rulebook.load_rules(broken))
    assert check.main() == 1
    assert "bank_delay_days" in capsys.readouterr().err
