# lib.sh: what the comparison scripts in scripts/bench share. Source it (POSIX
# sh, so bash scripts can too) after changing to the repository root.

# PY is the interpreter the Python baselines run under: Debian's, where the
# python3-sklearn, python3-statsmodels and python3-torch packages install.
PY=/usr/bin/python3

# has_python_module MODULE: succeeds when $PY can import MODULE.
has_python_module() {
	"$PY" -c "import $1" 2>/dev/null
}

# require_sklearn SCRIPT: exits with status 1 and a message naming SCRIPT and
# the package to install when $PY has no scikit-learn.
require_sklearn() {
	if ! has_python_module sklearn; then
		echo "$1: $PY has no scikit-learn (Debian package python3-sklearn); nothing to compare against" >&2
		exit 1
	fi
}

# bench_workdir NAME: sets work to a fresh temporary directory, removed when
# the script exits.
bench_workdir() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	trap 'rm -rf "$work"' EXIT
}

# bench_genxai DEST: puts the genxai binary at DEST: a copy of the prebuilt
# $GENXAI_BIN (or $GENXAI) when set, e.g. while cmd/genxai is mid-edit,
# otherwise a fresh build of ./cmd/genxai. Fails when the build does.
bench_genxai() {
	prebuilt=${GENXAI_BIN:-${GENXAI:-}}
	if [ -n "$prebuilt" ]; then
		cp "$prebuilt" "$1"
	else
		go build -o "$1" ./cmd/genxai
	fi
}
