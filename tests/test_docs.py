"""The README's set-up commands are the ones CI runs."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_readme_has_exactly_two_setup_commands():
    commands = readme_commands()
    assert len(commands) == 2
    assert "streamlit run streamlit_app.py" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert readme_commands()[1] in ci_lines


def test_requirements_pin_cpu_torch_and_headless_opencv():
    requirements = (ROOT / "requirements.txt").read_text()
    assert "torch==2.13.0" in requirements
    assert "opencv-python-headless" in requirements
    assert not re.search(r"^opencv-python\b(?!-headless)", requirements, re.M)
    assert "torchvision" not in requirements
