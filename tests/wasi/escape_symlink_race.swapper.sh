# Runs beside the guest of wasi.escape.symlink_race (run_wasi.sh --background), in the
# scratch directory: swaps sandbox/swap between inside.txt and ../outside/secret.txt, and
# sandbox/swapdir between inside_dir and ../outside, each by an atomic rename, as fast as it
# can, so that links change between the host's check of a path and its use. Creates
# background.ready after the first round; ends when the runner ends it (or after 5 minutes).
cd sandbox
point() { ln -sfn "$2" "$1.new" && mv -Tf "$1.new" "$1"; }
end=$((SECONDS + 300))
while [ $SECONDS -lt $end ]; do
  point swap ../outside/secret.txt
  point swapdir ../outside
  [ -e ../background.ready ] || touch ../background.ready
  point swap inside.txt
  point swapdir inside_dir
done
