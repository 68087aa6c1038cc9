#!/usr/bin/env bash
# `make interop`: LLaMA-Factory and TRL, each in a virtual environment of its own, train one step
# on `vstar merge` output with a tiny Qwen2-VL; each step fails unless the videos reach the model.
#   PY=.venv/bin/python bash interop/run.sh      (vstar's own environment makes the data)
# Downloads both tools and their dependencies from PyPI on the first run; later runs reuse the
# environments under $INTEROP_DIR (.interop by default).
set -euo pipefail
PY=${PY:-.venv/bin/python}
DIR=${INTEROP_DIR:-.interop}
TORCH=${TORCH:-torch==2.14.1 torchvision==0.29.1}
LLAMAFACTORY=${LLAMAFACTORY:-llamafactory}
TRL=${TRL:-trl}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
export HF_HUB_OFFLINE=1 PYTHONPATH=$PWD

venv() { # NAME PACKAGE...: a fresh environment with torch and the packages, made once
	local v="$DIR/$1"
	shift
	if [ ! -f "$v/.installed" ]; then
		rm -rf "$v"
		python3 -m venv "$v"
		"$v/bin/pip" install -q -q $TORCH
		"$v/bin/pip" install -q -q "$@"
		touch "$v/.installed"
	fi
}

rm -rf "$DIR/run"
"$PY" interop/prepare.py "$DIR/run"

echo "== TRL ($DIR/trl)"
venv trl . "$TRL"
(cd "$DIR" && PYTHONPATH= "$DIR/trl/bin/python" "$OLDPWD/interop/trl_step.py" "$DIR/run")

echo "== LLaMA-Factory ($DIR/llamafactory)"
venv llamafactory "$LLAMAFACTORY"
(cd "$DIR" && PYTHONPATH= "$DIR/llamafactory/bin/python" "$OLDPWD/interop/llamafactory_step.py" "$DIR/run")
echo "interop: both trainers saw the videos"
