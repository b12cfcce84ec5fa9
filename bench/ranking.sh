#!/usr/bin/env bash
# Ranking benchmark: 10,000 platforms x 12 indicators with 500 Monte Carlo runs (target < 3 s).
# Usage: bash bench/ranking.sh [repetitions]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp compile
mkdir -p target/bench-classes
javac -d target/bench-classes -cp target/classes $(find bench/src -name '*.java')
java -Xmx1g -cp target/classes:target/bench-classes io.zonewatch.bench.RankingBenchmark "${1:-5}"
