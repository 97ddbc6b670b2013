#!/usr/bin/env bash
# Runs every Lockstep analyzer over any folder of C# code and prints each diagnostic (file, line,
# message), a summary by rule, and any analyzer exception (exit code 1 if there was one).
#   scripts/analyze-folder.sh path/to/folder
set -euo pipefail
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 <folder of C# sources>" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")/.." && pwd)"
folder="$(cd "$1" && pwd)"
exec dotnet run -c Release --project "$here/benchmarks/Lockstep.AnalyzerBenchmarks" -- analyze "$folder"
