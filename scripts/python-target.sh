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

# 2. Declare the Python target in the copy. Step 3 compiles explicitly, so npm pack (run by pacmak) must not again.
node -e '
  const fs = require("fs");
  const file = process.argv[1];
  const pkg = JSON.parse(fs.readFileSync(file, "utf-8"));
  pkg.jsii.targets = { ...pkg.jsii.targets, python: { distName: "cdk8s-netpol", module: "cdk8s_netpol" } };
  if (pkg.scripts) delete pkg.scripts.prepack;
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
' "$WORK/src/package.json"

# 3. jsii compile (writes .jsii with the python target).
compile() { (cd "$WORK/src" && npm run --silent build); }
run "jsii compile" compile

# 4. Translate the code samples of README and doc comments to Python. Untyped, jsii-rosetta guesses wrong (it turns
#    `Selector.labels({ app: 'api' })` into keyword arguments), so the samples are compiled against the library
#    first, each inside a fixture that imports every exported type (unless the repository has its own fixture).
fixture() {
  (cd "$WORK/src" && node -e '
    const fs = require("fs");
    if (fs.existsSync("rosetta/default.ts-fixture")) process.exit(0);
    const assembly = JSON.parse(fs.readFileSync(".jsii", "utf-8"));
    const names = [...new Set(Object.keys(assembly.types).map(fqn => fqn.slice(assembly.name.length + 1)).filter(n => !n.includes(".")))].sort();
    fs.mkdirSync("rosetta", { recursive: true });
    fs.writeFileSync("rosetta/default.ts-fixture", [
      "import { App, Chart } from \"cdk8s\";",
      "import { Construct } from \"constructs\";",
      `import { ${names.join(", ")} } from "${assembly.name}";`,
      "",
      "const chart = new Chart(new App(), \"chart\");",
      "const api = Selector.labels({ app: \"api\" });",
      "const frontend = Selector.labels({ app: \"frontend\" });",
      "const postgres = Selector.labels({ app: \"postgres\" });",
      "",
      "class SampleChart extends Chart {",
      "  constructor(scope: Construct, id: string) {",
      "    super(scope, id);",
      "    /// here",
      "  }",
      "}",
      "",
    ].join("\n"));
  ') && (cd "$WORK/src" && "$ROOT/node_modules/.bin/jsii-rosetta" extract --compile --output "$WORK/tablet.json" .jsii)
}
run "jsii-rosetta: translate the code samples" fixture

# 5. pacmak.
mkdir "$WORK/tmp" # pacmak's own temporary directories (npm pack, the build venv) go here and are removed on exit
pacmak() {
  (cd "$WORK/src" && TMPDIR="$WORK/tmp" "$PACMAK" --target python --outdir "$OUT" \
    --rosetta-tablet "$WORK/tablet.json" --rosetta-unknown-snippets translate "$@")
}
rm -rf "$OUT/python"
if [ "$PACKAGE" = true ]; then
  run "jsii-pacmak: generate and build the Python sdist and wheel" pacmak
  ls -1 "$OUT/python"/*.whl "$OUT/python"/*.tar.gz
else
  run "jsii-pacmak: generate the Python source package" pacmak --code-only
  echo "$OUT/python"
fi
