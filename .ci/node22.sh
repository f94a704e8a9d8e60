# Sourced by .ci/run (and usable by hand: `. .ci/node22.sh`): puts a Node >= 22 first on PATH.
# The machine's Node may be older; the npm registry ships Node itself as the package `node@22`.
_codeact_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$_codeact_major" -lt 22 ]; then
  _codeact_dir="${XDG_CACHE_HOME:-$HOME/.cache}/codeact-env/node22"
  if [ ! -x "$_codeact_dir/node_modules/.bin/node" ]; then
    npm install --prefix "$_codeact_dir" --no-save --no-audit --no-fund --loglevel=error node@22 >&2
  fi
  export PATH="$_codeact_dir/node_modules/.bin:$PATH"
fi
unset _codeact_major _codeact_dir
