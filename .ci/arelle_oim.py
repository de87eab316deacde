"""Arelle (the venv arelle-check installs) reads a report offline and saves it as xBRL-JSON
(saveLoadableOIM): how the CI scripts see a report as an independent processor reads it."""
import json
import os
import subprocess


def arelle_oim(venv, path, tmp, extra=()):
    """The report at `path` as Arelle saves it in xBRL-JSON, loaded; `extra` are more arguments
    (`--packages ZIP`). Work files go to `tmp`."""
    out = os.path.join(tmp, os.path.basename(path) + ".oim.json")
    subprocess.run([os.path.join(venv, "bin", "arelleCmdLine"), "--plugins", "saveLoadableOIM", "--file", path,
                    "--workOffline", "--xdgConfigHome", os.path.join(tmp, "config"), "--disablePersistentConfig",
                    "--saveLoadableOIM", out, *extra], check=True, capture_output=True)
    with open(out, encoding="utf-8") as f:
        return json.load(f)
