#!/usr/bin/env bash
# A try of Kiln on Spark on this machine, with no Spark installation: Spark's local-cluster master
# starts two executors (separate JVMs, one core each) and trains with two workers, one per barrier
# task, as on a cluster. Builds what it needs with Maven when missing (the Kiln distribution
# cli/target/kiln, the application jar and a SPARK_HOME of Spark's jars in spark/target), then runs
# the driver with every argument given, for example:
#   spark/local-try.sh --config examples/digits/digits-mlp.conf --output-dir output/digits-spark
# The driver logs here; each worker's output goes to its executor's log,
# spark/target/spark-home/work/<app>/<executor>/stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="$root/cli/target/kiln"
spark_home="$root/spark/target/spark-home"
jar="$(ls "$root"/spark/target/kiln-spark-*.jar 2>/dev/null | head -1 || true)"
if [ ! -x "$dist/bin/kiln" ] || [ -z "$jar" ] || [ ! -d "$spark_home/jars" ]; then
  echo "kiln: building the distribution and the Spark application (mvn -q -DskipTests package)..." >&2
  (cd "$root" && mvn -B -q -Dstyle.color=never -DskipTests -pl spark -am package) >&2
  jar="$(ls "$root"/spark/target/kiln-spark-*.jar | head -1)"
fi
export SPARK_HOME="$spark_home"
export SPARK_SCALA_VERSION=2.12
# What Spark 3.5 needs on Java 17 (its JavaModuleOptions); SparkContext adds them for executors.
java_options=(-XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false)
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# Kiln's logging (logback, in lib/) rather than Spark's log4j, without SLF4J's warning about two.
exec "$JAVA" "${java_options[@]}" -Dai.djl.offline=true -Dkiln.home="$dist" \
  -Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider -Dslf4j.internal.verbosity=WARN \
  -Dspark.master='local-cluster[2,1,2048]' -Dspark.app.name=kiln-local-try \
  -Dspark.jars="$jar" -Dspark.kiln.home="$dist" \
  -cp "$dist/lib/*:$jar:$spark_home/jars/*" dev.kiln.spark.KilnSpark --workers 2 "$@"
