#!/usr/bin/env bash
# Regenerates the compatibility gate's baseline (compat/README.md): the published artifacts as
# release VERSION ships them, built from the committed tree (HEAD) in a scratch copy, so nothing
# of this checkout's target/ is touched.
#
#   compat/baseline.sh 0.1.0
#   compat/baseline.sh 0.1.0 kimi-sdk-mcp
#
# Writes compat/VERSION/ (each artifact's jar and POM, excludes.txt, SOURCE, SHA256SUMS), removes
# the other compat/*/ baselines, and names VERSION in the root pom.xml's <compat.baseline>. With an
# artifact after the version, re-cuts that artifact's jar and POM alone in the existing
# compat/VERSION/ (a module whose API changed before the release froze it), says so in SOURCE and
# updates SHA256SUMS; the other artifacts' files stay as they were. Review and commit the result. Takes one Maven build of the published artifacts without tests (about 2
# minutes on 2 cores with a filled local repository). MAVEN_OPTS (such as
# -Dmaven.repo.local=...) is used as it is.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

version=${1:-}
only=${2:-}
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "usage: compat/baseline.sh VERSION [ARTIFACT]   (the release the gate compares with, such as" \
    "0.1.0; an artifact to re-cut alone, such as kimi-sdk-mcp)" >&2
  exit 2
fi
if [ -n "$only" ] && [ ! -f "compat/$version/$only-$version.jar" ]; then
  echo "compat/baseline.sh: compat/$version/ holds no $only-$version.jar to re-cut" >&2
  exit 2
fi
if ! git diff --quiet HEAD --; then
  echo "compat/baseline.sh: the baseline is built from HEAD; commit (or stash) your changes first" >&2
  exit 1
fi
commit=$(git rev-parse HEAD)

# Every artifact the BOM lists: the published jars and the starter (the BOM itself is a POM).
artifacts=$(awk '/<dependencyManagement>/,/<\/dependencyManagement>/' kimi-sdk-bom/pom.xml |
  sed -n 's|.*<artifactId>\(.*\)</artifactId>.*|\1|p' | sort -u)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive HEAD | tar -x -C "$work"
echo "compat/baseline.sh: building $version from $commit in $work"
# The jars as a release builds them (-Drevision, the reproducible build's fixed timestamps);
# tests, javadoc, sources and the gate itself are left out: they do not change a jar's classes.
(cd "$work" && mvn -B -q -P artifacts "-Drevision=$version" package -DskipTests \
  -Dcompat.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
  -Dspotless.check.skip=true -Djacoco.skip=true ${only:+-pl "$only" -am})

if [ -n "$only" ]; then
  out=compat/$version
  cp "$work/$only/target/$only-$version.jar" "$out/"
  cp "$work/$only/target/flattened-pom.xml" "$out/$only-$version.pom"
  java_version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.version = //p')
  grep -v "^$only=" "$out/SOURCE" >"$work/SOURCE" || true
  echo "$only=re-cut alone from $commit with jdk $java_version (compat/baseline.sh $version $only)" \
    >>"$work/SOURCE"
  cp "$work/SOURCE" "$out/SOURCE"
  (cd "$out" && sha256sum -- *.jar *.pom excludes.txt SOURCE >SHA256SUMS)
  echo "compat/baseline.sh: re-cut $only in $out from $commit"
  git status --short -- compat
  exit 0
fi

out=compat/$version
rm -rf "$out"
mkdir -p "$out"
for a in $artifacts; do
  cp "$work/$a/target/$a-$version.jar" "$out/"
  cp "$work/$a/target/flattened-pom.xml" "$out/$a-$version.pom"
done
cp "$work/kimi-sdk-bom/target/flattened-pom.xml" "$out/kimi-sdk-bom-$version.pom"

# What the baseline's API holds outside the promise, as japicmp excludes: the canonical
# constructor of each record below, whose parameters change whenever a component is added (the
# builder is the promise; see its Javadoc). Types are the erased ones javap -s gives.
records="io.github.kimisdk.chat.ChatRequest io.github.kimisdk.chat.ChatSettings"
{
  echo "# Outside the compatibility promise in $version (written by compat/baseline.sh):"
  echo "# the canonical constructor of each record the builder stands for."
  for record in $records; do
    simple=${record##*.}
    descriptor=$(javap -s -cp "$out/kimi-sdk-$version.jar" "$record" |
      awk -v c="public $record(" '{sub(/^ +/, "")} index($0, c) == 1 && !done {getline; print $2; done = 1}')
    params=$(sed -e 's/^(//' -e 's/)V$//' <<<"$descriptor" |
      grep -oE '\[*(L[^;]*;|[ZBCSIJFD])' |
      sed -e 's|^L\(.*\);$|\1|' -e 's|/|.|g' -e 's/^Z$/boolean/' -e 's/^B$/byte/' -e 's/^C$/char/' \
        -e 's/^S$/short/' -e 's/^I$/int/' -e 's/^J$/long/' -e 's/^F$/float/' -e 's/^D$/double/' |
      paste -sd, -)
    echo "$record#$simple($params)"
  done
} >"$out/excludes.txt"

java_version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.version = //p')
{
  echo "version=$version"
  echo "commit=$commit"
  echo "jdk=$java_version"
  echo "command=compat/baseline.sh $version"
} >"$out/SOURCE"
(cd "$out" && sha256sum -- *.jar *.pom excludes.txt SOURCE >SHA256SUMS)

for other in compat/*/; do
  [ "$other" = "$out/" ] || rm -rf "$other"
done
sed -i "s|<compat.baseline>[^<]*</compat.baseline>|<compat.baseline>$version</compat.baseline>|" pom.xml
echo "compat/baseline.sh: wrote $out ($(du -sh "$out" | cut -f1)); pom.xml's compat.baseline is $version"
git status --short -- compat pom.xml
