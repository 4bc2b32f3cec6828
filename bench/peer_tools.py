"""Shared by the peer benchmarks: run a Phasebook throughput tool on a list of lines."""
import json
import os
import subprocess
import tempfile


def run_on_lines(command, lines):
    """Writes `lines` to a temporary file, runs `command` with its path inserted after the tool,
    and returns the JSON object the tool prints."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        path = f.name
    try:
        out = subprocess.run([command[0], path, *command[1:]], check=True, capture_output=True,
                             text=True)
    finally:
        os.unlink(path)
    return json.loads(out.stdout)
