#!/bin/sh
# Refresh the map's JavaScript libraries in assets/map-lib/ from npm (Leaflet and
# Leaflet.markercluster: their minified dist files and licences). The app serves them
# itself: no CDN is ever contacted by a visitor's browser. Run: sh scripts/map_assets.sh
set -eu
LEAFLET=1.9.4
CLUSTER=1.5.3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST="$ROOT/assets/map-lib"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm pack --silent "leaflet@$LEAFLET" "leaflet.markercluster@$CLUSTER" >/dev/null
mkdir -p leaflet cluster "$DEST/images"
tar xzf "leaflet-$LEAFLET.tgz" -C leaflet
tar xzf "leaflet.markercluster-$CLUSTER.tgz" -C cluster
cp leaflet/package/dist/leaflet.js leaflet/package/dist/leaflet.css "$DEST/"
cp leaflet/package/dist/images/*.png "$DEST/images/"
cp leaflet/package/LICENSE "$DEST/LICENSE-leaflet.txt"
cp cluster/package/dist/leaflet.markercluster.js cluster/package/dist/MarkerCluster.css \
   cluster/package/dist/MarkerCluster.Default.css "$DEST/"
cp cluster/package/MIT-LICENCE.txt "$DEST/LICENSE-leaflet.markercluster.txt"
sed -i "/sourceMappingURL/d" "$DEST/leaflet.js" "$DEST/leaflet.markercluster.js"
echo "assets/map-lib: Leaflet $LEAFLET, Leaflet.markercluster $CLUSTER"
