#!/usr/bin/env bash
# Installs skiff under PREFIX (inside DESTDIR when packaging): the binary, a man page per command
# (generated from the command definitions), completions for bash, zsh and fish, and example
# systemd units. Usage: scripts/install.sh BINARY PREFIX [DESTDIR]
set -euo pipefail
binary=$1 prefix=$2 destdir=${3:-}
root="$destdir$prefix"
here=$(cd "$(dirname "$0")" && pwd)

install -d "$root/bin" "$root/share/man/man1" "$root/share/bash-completion/completions" \
	"$root/share/zsh/site-functions" "$root/share/fish/vendor_completions.d" "$root/share/skiff/systemd"
install -m 0755 "$binary" "$root/bin/skiff"
python3 "$here/man-pages.py" "$binary" "$root/share/man/man1" >/dev/null
"$binary" completion bash > "$root/share/bash-completion/completions/skiff"
"$binary" completion zsh > "$root/share/zsh/site-functions/_skiff"
"$binary" completion fish > "$root/share/fish/vendor_completions.d/skiff.fish"
# Example units for a site "west" from an example repository: copy one, change the site and
# repository (or run `skiff install`, which writes the same for your site).
"$binary" install --site west --repo https://git.example.com/network.git --path network --system \
	--binary "$prefix/bin/skiff" --unit-dir "$root/share/skiff/systemd/system" >/dev/null
"$binary" install --site west --repo https://git.example.com/network.git --path network --user \
	--binary "$prefix/bin/skiff" --unit-dir "$root/share/skiff/systemd/user" >/dev/null
echo "installed skiff $("$binary" --version | head -1) in $root: bin/skiff, $(ls "$root/share/man/man1" | grep -c '^skiff') man pages, completions, example units in share/skiff/systemd"
