#!/usr/bin/env bash
# Builds the bundled sample video: 20 s, 640x360, 25 fps, four shots, synthetic speech from
# espeak-ng in three of them and a tone (music stand-in) in the third. Generated at set-up so the
# repository carries no binary media. Usage: make_sample.sh OUT.mp4
set -euo pipefail
out=${1:?usage: make_sample.sh OUT.mp4}
for tool in ffmpeg espeak-ng; do
  command -v "$tool" >/dev/null || { echo "make_sample.sh: $tool not found (apt install $tool)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$out")"

say() { espeak-ng -v "$1" -s 150 -w "$work/$2.wav" "$3"; }
say en-us s1 "Welcome to vidmeta. This sample video has four shots."
say en-gb s2 "The second shot has a different speaker, who talks about the weather."
say en-us s4 "In the last shot we say goodbye. Thank you for watching."

# Audio: speech placed inside shots 1, 2 and 4; a 440 Hz tone with vibrato in shot 3; silence between.
ffmpeg -nostdin -v error -y \
  -i "$work/s1.wav" -i "$work/s2.wav" -i "$work/s4.wav" \
  -f lavfi -i "sine=frequency=440:duration=3:sample_rate=22050" \
  -filter_complex "\
[0:a]aresample=22050,adelay=700|700[a1];\
[1:a]aresample=22050,adelay=5600|5600[a2];\
[3:a]vibrato=f=5:d=0.3,volume=0.3,adelay=11000|11000[a3];\
[2:a]aresample=22050,adelay=15500|15500[a4];\
[a1][a2][a3][a4]amix=inputs=4:normalize=0,apad,atrim=0:20[a]" \
  -map "[a]" -ac 1 -ar 22050 "$work/audio.wav"

# Picture: four visibly different shots, each with moving content.
ffmpeg -nostdin -v error -y \
  -f lavfi -i "testsrc2=size=640x360:rate=25:duration=5" \
  -f lavfi -i "mandelbrot=size=640x360:rate=25,trim=duration=5" \
  -f lavfi -i "life=size=640x360:rate=25:mold=10:life_color=#00ff80:death_color=#204060,trim=duration=5" \
  -f lavfi -i "smptebars=size=640x360:rate=25:duration=5,hue=H=2*PI*t/5" \
  -i "$work/audio.wav" \
  -filter_complex "[0:v]format=yuv420p,setsar=1[v0];[1:v]format=yuv420p,setsar=1[v1];\
[2:v]format=yuv420p,setsar=1[v2];[3:v]format=yuv420p,setsar=1[v3];[v0][v1][v2][v3]concat=n=4:v=1:a=0[v]" \
  -map "[v]" -map 4:a -c:v libx264 -preset veryfast -crf 28 -pix_fmt yuv420p -g 50 \
  -c:a aac -b:a 64k -ar 22050 -movflags +faststart -shortest "$work/sample.mp4"
mv "$work/sample.mp4" "$out"
echo "sample video written to $out"
