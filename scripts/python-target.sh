#!/usr/bin/env bash
# Generate the Python package of cdk8s-netpol with jsii-pacmak.
#
#   scripts/python-target.sh                  Python source package (setup.py, pyproject.toml, src/cdk8s_netpol)
#                                             in dist-python/python/. Needs Node, npm ci done, nothing from PyPI.
#   scripts/python-target.sh --package        also let jsii-pacmak build the sdist and wheel into dist-python/python/.
#                                             Needs PyPI: pacmak pip-installs setuptools, build and twine in a venv.
#   scripts/python-target.sh --out DIR ...    write into DIR instead of dist-python/.
#
# package.json declares no Python target, so this works on a temporary copy of the working tree whose package.json
# gets jsii.targets.python; the repository itself is not changed. README code samples are translated to Python by
# jsii-rosetta (otherwise the Python README would show the TypeScript samples under a python label).
#
# Importing the result needs the jsii Python runtime (PyPI package `jsii`) and the Python packages of cdk8s and
# constructs: see docs/languages.md.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/dist-python"
PACKAGE=false
while [ $# -gt 0 ]; do
  case "$1" in
    --package) PACKAGE=true ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "python-target: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

PACMAK="$ROOT/node_modules/.bin/jsii-pacmak"
if [ ! -x "$PACMAK" ]; then
  echo "python-target: $PACMAK not found: run npm ci first" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-netpol-python.XXXXXX")"
LOG="$WORK/log"
trap 'rm -rf "$WORK"' EXIT

run() { # run a step quietly; show its output if it fails
  local what="$1"; shift
  echo "python-target: $what" >&2
  if ! "$@" >"$LOG" 2>&1; then
    grep -v '^!!' "$LOG" >&2 || true # drop jsii's Node end-of-life banner
    echo "python-target: failed: $what" >&2
    exit 1
  fi
}

# 1. A copy of the working tree without build output, sharing node_modules.
mkdir "$WORK/src"
tar -C "$ROOT" -c \
  --exclude=./node_modules --exclude=./.git --exclude='./.e2e-*' --exclude=./.scratch \
  --exclude=./dist --exclude=./dist-jsii --exclude=./dist-python --exclude=./coverage --exclude=./cdk8s.out \
  --exclude=./.jsii --exclude=./tsconfig.tsbuildinfo --exclude='./lib/*.js' --exclude='./lib/*.d.ts' \
  --exclude='*.js.map' . | tar -C "$WORK/src" -x
ln -s "$ROOT/node_modules" "$WORK/src/node_modules"

# 2. Declare the Python target in the copy (the build below already ran; npm pack must not run it again).
node -e '
  const fs = require("fs");
  const file = process.argv[1];
  const pkg = JSON.parse(fs.readFileSync(file, "utf-8"));
  pkg.jsii.targets = { ...pkg.jsii.targets, python: { distName: "cdk8s-netpol", module: "cdk8s_netpol" } };
  if (pkg.scripts) delete pkg.scripts.prepack;
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
' "$WORK/src/package.json"

# 3. jsii compile (writes .jsii with the python target), then pacmak.
compile() { (cd "$WORK/src" && npm run --silent build); }
pacmak() { (cd "$WORK/src" && "$PACMAK" --target python --outdir "$OUT" --rosetta-unknown-snippets translate "$@"); }
run "jsii compile" compile
rm -rf "$OUT/python"
if [ "$PACKAGE" = true ]; then
  run "jsii-pacmak: generate and build the Python sdist and wheel" pacmak
  ls -1 "$OUT/python"/*.whl "$OUT/python"/*.tar.gz
else
  run "jsii-pacmak: generate the Python source package" pacmak --code-only
  echo "$OUT/python"
fi
