#!/usr/bin/env bash
# Makes the bundled sample videos: copies examples/tiktok/*.info.json into DIR
# and renders each video beside its .info.json with ffmpeg's built-in test
# sources (nothing is downloaded; the captions are written for linkhub).
# A sample whose _linkhub_sample has screen_text shows it on screen, as sellers
# show prices, drawn with ffmpeg's drawtext in DejaVu Sans Bold (fonts-dejavu-core).
# Idempotent: an existing video is kept.
# Usage: examples/make-samples.sh DIR [VIDEO_ID ...]   (default: every sample)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: make-samples.sh DIR [VIDEO_ID ...]}
shift
only=("$@")
command -v ffmpeg >/dev/null || { echo "make-samples: ffmpeg is missing (scripts/setup.sh installs it)" >&2; exit 1; }
mkdir -p "$out"
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
for info in "$here"/tiktok/*.info.json; do
  id=$(basename "$info" .info.json)
  if ((${#only[@]})) && [[ ! " ${only[*]} " == *" $id "* ]]; then
    continue
  fi
  cp "$info" "$out/"
  video="$out/$id.mp4"
  [[ -s "$video" ]] && continue
  source=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["_linkhub_sample"]["ffmpeg_source"])' "$info")
  color=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["_linkhub_sample"]["overlay_color"])' "$info")
  screen=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["_linkhub_sample"].get("screen_text", ""))' "$info")
  text_filter=""
  if [[ -n "$screen" ]]; then
    [[ -f "$font" ]] || { echo "make-samples: $font is missing (scripts/setup.sh installs fonts-dejavu-core)" >&2; exit 1; }
    # From a file: drawtext's text= would need the price's characters escaped.
    text_file=$(mktemp)
    trap 'rm -f "$text_file"' EXIT
    printf '%s' "$screen" >"$text_file"
    text_filter=",drawtext=fontfile=${font}:textfile=${text_file}:fontsize=40:fontcolor=white:box=1:boxcolor=black@0.65:boxborderw=14:x=(w-text_w)/2:y=h*0.72"
  fi
  size=360x640
  rotated=false
  if [[ "$id" == 7334112098765432101 ]]; then
    # Filmed sideways: stored landscape, shown portrait (rotation metadata).
    size=640x360
    rotated=true
  fi
  # A dark fade-in, then the scene with a box that moves: frames differ in
  # sharpness and exposure, as a phone video's do.
  ffmpeg -hide_banner -loglevel error -y \
    -t 6 -f lavfi -i "${source}=size=${size}:rate=30" \
    -f lavfi -i "sine=frequency=440:duration=6" \
    -filter_complex "[0:v]fade=in:st=0:d=1,drawbox=x='mod(t*60,iw-80)':y=ih/3:w=80:h=80:color=${color}@0.8:t=fill${text_filter},format=yuv420p[v]" \
    -map "[v]" -map 1:a -c:v libx264 -preset veryfast -crf 28 -c:a aac -b:a 64k -shortest "$video.tmp.mp4"
  if $rotated; then
    # ffmpeg 5 writes the display matrix only when remuxing.
    ffmpeg -hide_banner -loglevel error -y -i "$video.tmp.mp4" -c copy -metadata:s:v:0 rotate=90 "$video.rot.mp4"
    mv "$video.rot.mp4" "$video.tmp.mp4"
  fi
  mv "$video.tmp.mp4" "$video"
done
echo "samples in $out: $(ls "$out"/*.mp4 | wc -l) videos"
