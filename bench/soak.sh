#!/usr/bin/env bash
# Soak tests, not run by CI (they take about 20 minutes on two cores):
#  - per engine, TRIALS runs of the digits MLP killed with SIGKILL at a random moment while it
#    checkpoints every 25 iterations, then resumed with --resume; each must end with parameters
#    bitwise equal to an uninterrupted run and each metrics.json line written once:
#      RESULT soak engine=<E> trials=<n> equal=<k>
#  - one long run (ITERATIONS iterations of the digits MLP, default 200,000) reporting the
#    process's resident set and DJL's live NDArray count after the warm-up and at the end:
#      RESULT op=long-run engine=<E> iterations=<n> rss_mb_start=<a> rss_mb_end=<b> live_arrays_start=<c> live_arrays_end=<d>
# Usage: bench/soak.sh            (from the repository's root; builds what is missing)
#        TRIALS=5 ITERATIONS=20000 ENGINES="PyTorch" bench/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS="${TRIALS:-20}"
ITERATIONS="${ITERATIONS:-200000}"
ENGINES="${ENGINES:-PyTorch MXNet}"
LONG_RUN_ENGINE="${LONG_RUN_ENGINE:-PyTorch}"
if [ ! -x cli/target/kiln/bin/kiln ] || [ ! -f bench/target/kiln-bench.jar ]; then
  mvn -B -q install -DskipTests
fi
bench() {
  # a bounded heap, so that the resident set shows native memory rather than heap growth
  java -Xmx1g -Dai.djl.offline=true -jar bench/target/kiln-bench.jar "$@"
}
for engine in $ENGINES; do
  bench soak --engine "$engine" --trials "$TRIALS"
done
bench long-run --engine "$LONG_RUN_ENGINE" --iterations "$ITERATIONS"
