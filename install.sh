#!/usr/bin/env bash
# Build bifrost from source with cargo and install it into a prefix.
#
# From a checkout:   ./install.sh [--prefix DIR]
# Without one:       curl -fsSL <raw url of install.sh> | bash -s -- --repo <git url> [--ref REF]
#
# Run `install.sh --help` for the details.
set -euo pipefail

usage() {
  cat <<'EOF'
install.sh: build bifrost from source with cargo and install it.

Usage:
  install.sh [--prefix DIR] [--repo URL] [--ref REF]

Options:
  --prefix DIR   Install under DIR (default: ~/.local):
                   DIR/bin/bifrost                                 the binary
                   DIR/share/man/man1/                             man pages (man/*.1)
                   DIR/share/bash-completion/completions/bifrost   bash completion
                   DIR/share/zsh/site-functions/_bifrost           zsh completion
                   DIR/share/fish/vendor_completions.d/bifrost.fish fish completion
                 (man pages and completions only when the source ships them)
  --repo URL     Build from this git repository instead of a local checkout
                 (required when the script is not run from a checkout, e.g. piped
                 from curl).
  --ref REF      With --repo: the tag, branch or commit to build. Prefix it with
                 tag:, branch: or rev: to say which; otherwise it is looked up
                 with `git ls-remote` (or guessed without git). Default: the
                 repository's default branch.
  -h, --help     Show this help.

Run from a checkout (the directory holding this script has bifrost's Cargo.toml),
it builds that checkout as it is. Re-running reinstalls over the previous install.
Needs a Rust toolchain (cargo); get one from https://rustup.rs.
EOF
}

die() {
  printf 'install.sh: error: %s\n' "$*" >&2
  exit 1
}

info() {
  printf 'install.sh: %s\n' "$*"
}

PREFIX="${HOME:-}/.local"
PREFIX_SET=0
REPO=""
REF=""

need_value() {
  # $1 = option name, $2 = number of remaining args (including the option)
  [ "$2" -ge 2 ] || die "$1 needs a value (see --help)"
}

while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    --prefix)
      need_value "$1" $#
      PREFIX="$2"
      PREFIX_SET=1
      shift 2
      ;;
    --prefix=*)
      PREFIX="${1#--prefix=}"
      PREFIX_SET=1
      shift
      ;;
    --repo)
      need_value "$1" $#
      REPO="$2"
      shift 2
      ;;
    --repo=*)
      REPO="${1#--repo=}"
      shift
      ;;
    --ref)
      need_value "$1" $#
      REF="$2"
      shift 2
      ;;
    --ref=*)
      REF="${1#--ref=}"
      shift
      ;;
    *)
      die "unknown argument '$1' (see --help)"
      ;;
  esac
done

if [ "$PREFIX_SET" -eq 0 ] && [ -z "${HOME:-}" ]; then
  die "HOME is not set; pass --prefix DIR"
fi
[ -n "$PREFIX" ] || die "--prefix must not be empty"

# --- cargo ------------------------------------------------------------------
CARGO="$(command -v cargo || true)"
if [ -z "$CARGO" ] && [ -x "${CARGO_HOME:-${HOME:-}/.cargo}/bin/cargo" ]; then
  # rustup installed it, but this shell's PATH does not have it yet.
  CARGO="${CARGO_HOME:-${HOME:-}/.cargo}/bin/cargo"
fi
if [ -z "$CARGO" ]; then
  die "cargo was not found. Install a Rust toolchain from https://rustup.rs
  (curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh), open a new shell, and run this again."
fi

# --- where the source is ------------------------------------------------------
# When piped into bash there is no script file, so no checkout either.
SCRIPT_DIR=""
if [ -n "${BASH_SOURCE[0]:-}" ] && [ -f "${BASH_SOURCE[0]}" ]; then
  SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fi

is_bifrost_checkout() {
  [ -n "$1" ] && [ -f "$1/Cargo.toml" ] && grep -Eq '^[[:space:]]*name[[:space:]]*=[[:space:]]*"bifrost"' "$1/Cargo.toml"
}

MODE=""
SRC=""
if [ -n "$REPO" ]; then
  MODE="git"
elif is_bifrost_checkout "$SCRIPT_DIR"; then
  MODE="path"
  SRC="$SCRIPT_DIR"
  [ -z "$REF" ] || die "--ref needs --repo; a local checkout is built as it is (check out the ref with git first)"
else
  die "not run from a bifrost checkout, so there is nothing to build.
  Pass the repository to build from, e.g.:
    curl -fsSL <raw url of install.sh> | bash -s -- --repo https://github.com/OWNER/bifrost
  or clone it and run ./install.sh from the clone."
fi

mkdir -p "$PREFIX" || die "cannot create prefix directory $PREFIX"
PREFIX="$(cd "$PREFIX" && pwd)"

# --- build and install the binary ---------------------------------------------
REF_FLAG=""
REF_VALUE=""
resolve_ref() {
  # Sets REF_FLAG (tag, branch or rev) and REF_VALUE from $REF.
  case "$REF" in
    tag:*) REF_FLAG=tag REF_VALUE="${REF#tag:}" ;;
    branch:*) REF_FLAG=branch REF_VALUE="${REF#branch:}" ;;
    rev:*) REF_FLAG=rev REF_VALUE="${REF#rev:}" ;;
    *)
      REF_VALUE="$REF"
      if command -v git >/dev/null 2>&1 && git ls-remote --exit-code --tags "$REPO" "refs/tags/$REF" >/dev/null 2>&1; then
        REF_FLAG=tag
      elif command -v git >/dev/null 2>&1 && git ls-remote --exit-code --heads "$REPO" "refs/heads/$REF" >/dev/null 2>&1; then
        REF_FLAG=branch
      elif [[ "$REF" =~ ^[0-9a-fA-F]{7,40}$ ]]; then
        REF_FLAG=rev
      elif [[ "$REF" =~ ^v?[0-9]+(\.[0-9]+)+ ]]; then
        REF_FLAG=tag
      elif command -v git >/dev/null 2>&1; then
        # git found no such tag or branch; let cargo try it as a revision.
        REF_FLAG=rev
      else
        REF_FLAG=branch
      fi
      ;;
  esac
  [ -n "$REF_VALUE" ] || die "--ref is empty"
}

if [ "$MODE" = "path" ]; then
  LOCKED="--locked"
  if [ ! -f "$SRC/Cargo.lock" ]; then
    info "warning: $SRC has no Cargo.lock; dependencies will be resolved afresh"
    LOCKED=""
  fi
  info "building bifrost from $SRC (release build; this takes a few minutes)"
  # shellcheck disable=SC2086 # $LOCKED is one flag or nothing
  "$CARGO" install --path "$SRC" --root "$PREFIX" --force $LOCKED
else
  info "building bifrost from $REPO${REF:+ ($REF)} (release build; this takes a few minutes)"
  if [ -n "$REF" ]; then
    resolve_ref
    "$CARGO" install --git "$REPO" "--$REF_FLAG" "$REF_VALUE" --root "$PREFIX" --force --locked bifrost
  else
    "$CARGO" install --git "$REPO" --root "$PREFIX" --force --locked bifrost
  fi
  # Man pages and completions come from the source cargo just checked out, if
  # it can be found (the most recently used checkout of this repository).
  CHECKOUTS="${CARGO_HOME:-${HOME:-}/.cargo}/git/checkouts"
  name="$(basename "${REPO%/}")"
  name="${name%.git}"
  if [ -d "$CHECKOUTS" ]; then
    while IFS= read -r dir; do
      dir="${dir%/}"
      if is_bifrost_checkout "$dir"; then
        SRC="$dir"
        break
      fi
    done < <(ls -td "$CHECKOUTS/$name"-*/*/ 2>/dev/null || true)
  fi
  [ -n "$SRC" ] || info "note: cargo's checkout of $REPO was not found; skipping man pages and completions"
fi

BIN="$PREFIX/bin/bifrost"
[ -x "$BIN" ] || die "cargo finished but $BIN is missing"

# --- man pages and shell completions --------------------------------------------
installed_extras=()  # bash 3.2 (macOS) safe: expanded with ${a[@]+"${a[@]}"} below

install_file() {
  # install_file SOURCE DEST
  mkdir -p "$(dirname "$2")"
  cp -f "$1" "$2.tmp.$$"
  chmod 644 "$2.tmp.$$"
  mv -f "$2.tmp.$$" "$2"
  installed_extras+=("$2")
}

first_existing() {
  local f
  for f in "$@"; do
    if [ -f "$f" ]; then
      printf '%s\n' "$f"
      return 0
    fi
  done
  return 1
}

if [ -n "$SRC" ]; then
  if [ -d "$SRC/man" ]; then
    for page in "$SRC"/man/*.1; do
      [ -f "$page" ] || continue
      install_file "$page" "$PREFIX/share/man/man1/$(basename "$page")"
    done
  fi
  if f="$(first_existing "$SRC/completions/bifrost.bash" "$SRC/completions/bifrost")"; then
    install_file "$f" "$PREFIX/share/bash-completion/completions/bifrost"
  fi
  if f="$(first_existing "$SRC/completions/_bifrost" "$SRC/completions/bifrost.zsh")"; then
    install_file "$f" "$PREFIX/share/zsh/site-functions/_bifrost"
  fi
  if f="$(first_existing "$SRC/completions/bifrost.fish")"; then
    install_file "$f" "$PREFIX/share/fish/vendor_completions.d/bifrost.fish"
  fi
fi

# --- report -----------------------------------------------------------------------
echo
info "installed $BIN"
"$BIN" --version 2>/dev/null | sed 's/^/  /' || true
for f in "${installed_extras[@]+"${installed_extras[@]}"}"; do
  info "installed $f"
done

case ":${PATH:-}:" in
  *":$PREFIX/bin:"*)
    info "$PREFIX/bin is on your PATH: run 'bifrost --help' to start"
    ;;
  *)
    info "$PREFIX/bin is NOT on your PATH. Add it, e.g. in ~/.bashrc or ~/.zshrc:"
    # shellcheck disable=SC2016 # $PATH is meant literally here
    printf '    export PATH="%s/bin:$PATH"\n' "$PREFIX"
    ;;
esac
if [ -n "${installed_extras[*]+x}" ]; then
  case ":${MANPATH:-}:" in
    *":$PREFIX/share/man:"*) ;;
    *) [ "$PREFIX" = "/usr/local" ] || [ "$PREFIX" = "/usr" ] || info "(man pages: add $PREFIX/share/man to MANPATH if 'man bifrost' does not find them)" ;;
  esac
fi
