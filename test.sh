#!/usr/bin/env bash
# Runs every test of Orleans.Charge: the README's second command, and what CI runs.
# Works on a fresh machine with the .NET 10 SDK and Node: it installs what the tests start themselves —
# Azurite and the dashboard's chart libraries (npm, pinned in package.json), redis-server and chromium (Debian,
# for the dashboard's browser test) — then runs every test project.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ ! -x node_modules/.bin/azurite ] || [ ! -f node_modules/chart.js/package.json ] || [ ! -f node_modules/chartjs-chart-matrix/package.json ]; then
  npm ci --no-audit --no-fund
fi

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "missing: ${missing[*]}: run 'sudo apt-get install ${missing[*]}' (tests start their own instances)" >&2
    exit 1
  fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

status=0
# Build in parallel, then run the test projects one at a time: the cluster tests start real processes and
# should not compete with the other suites for this machine's two cores.
dotnet build Orleans.Charge.sln -c Release 2>&1 | tail -3
dotnet test Orleans.Charge.sln -c Release --no-build -m:1 2>&1 | tee "$log" || status=$?

# One closing line over all test projects, in the form CI reads.
awk '
  /(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) {
      gsub(",", "", $(i + 1))
      if ($i == "Failed:") failed += $(i + 1)
      if ($i == "Passed:") passed += $(i + 1)
      if ($i == "Skipped:") skipped += $(i + 1)
    }
    runs++
  }
  END {
    if (runs == 0) { print "no test results found"; exit 1 }
    printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
  }' "$log" || status=1

exit "$status"
