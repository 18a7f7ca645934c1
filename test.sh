#!/usr/bin/env bash
# Runs every test of Orleans.Charge: the README's second command, and what CI runs.
# Works on a fresh machine with the .NET 10 SDK: everything else is restored from the package registries.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

status=0
dotnet test Orleans.Charge.sln -c Release 2>&1 | tee "$log" || status=$?

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
